package dev.rpcparallel;

import java.util.Objects;

/**
 * An exception thrown by user code in a worker, reconstructed from strings: the remote class
 * name, message and stack trace (as this exception's own stack trace), the remote cause chain as
 * nested {@code RemoteException}s, and the worker's name or id. No Java serialization is
 * involved; the remote class need not exist locally.
 *
 * <p>The worker keeps serving after a handler throws.
 */
public final class RemoteException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String remoteClassName;
  private final String remoteMessage;
  private final String worker;

  public RemoteException(
      String remoteClassName, String remoteMessage, String worker, StackTraceElement[] remoteStack, RemoteException cause) {
    super(
        remoteClassName + (remoteMessage != null ? ": " + remoteMessage : "") + " (in worker " + worker + ")",
        cause,
        true,
        true);
    this.remoteClassName = Objects.requireNonNull(remoteClassName);
    this.remoteMessage = remoteMessage;
    this.worker = worker;
    setStackTrace(remoteStack);
  }

  /** The class name of the exception thrown in the worker. */
  public String remoteClassName() {
    return remoteClassName;
  }

  /** The message of the exception thrown in the worker, or null. */
  public String remoteMessage() {
    return remoteMessage;
  }

  /** The name (or id) of the worker where it was thrown. */
  public String worker() {
    return worker;
  }

  @Override
  public synchronized RemoteException getCause() {
    return (RemoteException) super.getCause();
  }
}
