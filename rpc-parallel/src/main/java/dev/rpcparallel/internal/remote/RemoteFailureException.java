package dev.rpcparallel.internal.remote;

/**
 * Preparing or reaching a remote host failed; the message names the host and says why, with what
 * ssh printed. The engine turns it into a spawn failure.
 */
public final class RemoteFailureException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public RemoteFailureException(String message) {
    super(message);
  }

  public RemoteFailureException(String message, Throwable cause) {
    super(message, cause);
  }
}
