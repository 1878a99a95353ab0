package dev.rpcparallel.internal.protocol;

/**
 * An exception thrown by user code on the other side, as received: class name, message, stack
 * and cause chain, and the worker it was thrown in. Built from strings; the engine turns it into
 * the public {@code RemoteException}.
 */
public final class RemoteFailure extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String className;
  private final String remoteMessage;
  private final String worker;
  private final StackTraceElement[] stack;
  private final RemoteFailure remoteCause;

  public RemoteFailure(
      String className, String remoteMessage, String worker, StackTraceElement[] stack, RemoteFailure remoteCause) {
    super(className + (remoteMessage != null ? ": " + remoteMessage : ""), null, false, false);
    this.className = className;
    this.remoteMessage = remoteMessage;
    this.worker = worker;
    this.stack = stack.clone();
    this.remoteCause = remoteCause;
  }

  public String className() {
    return className;
  }

  public String remoteMessage() {
    return remoteMessage;
  }

  public String worker() {
    return worker;
  }

  public StackTraceElement[] stack() {
    return stack.clone();
  }

  /** The remote cause, or null. */
  public RemoteFailure remoteCause() {
    return remoteCause;
  }
}
