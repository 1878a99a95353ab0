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

  /** The class name of the exception thrown in the worker. */
  private final String remoteClassName;
  /** The message of the exception thrown in the worker, or null. */
  private final String remoteMessage;
  /** The name (or id) of the worker where it was thrown. */
  private final String worker;

  /**
   * Rebuilds a worker's exception; the library makes these from what the worker sent. The message
   * is {@code "remoteClassName: remoteMessage (in worker worker)"}, without {@code ":
   * remoteMessage"} when the message is null.
   *
   * @param remoteClassName the class name of the exception thrown in the worker
   * @param remoteMessage its message, or null
   * @param worker the name (or id) of the worker where it was thrown
   * @param remoteStack its stack trace, which becomes this exception's stack trace
   * @param cause its cause, rebuilt the same way, or null
   * @throws NullPointerException if {@code remoteClassName} or {@code remoteStack} (or one of its
   *     elements) is null
   */
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
