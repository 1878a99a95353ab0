package dev.rpcparallel;

/**
 * A failure of the library's machinery (as opposed to {@link RemoteException}, an exception
 * thrown by user code in a worker). The {@link #kind()} says what went wrong.
 */
public class RpcParallelException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** What kind of infrastructure failure this is. */
  public enum Kind {
    /** Could not open a TCP connection, or the handshake did not complete. */
    CONNECT_FAILED,
    /**
     * The worker refused the handle's credential (made with another application's secret, for
     * another worker, retired or expired), or the peer failed to prove it holds the credential.
     */
    AUTHENTICATION_FAILED,
    /** The connection closed; see {@link ConnectionClosedException#reason()}. */
    CONNECTION_CLOSED,
    /** The worker has no function of that name. */
    UNKNOWN_FUNCTION,
    /** Master and worker disagree on a function's kind or types. */
    SHAPE_MISMATCH,
    /** A message exceeded {@link RpcSettings#maxMessageSize()}. */
    MESSAGE_TOO_LARGE,
    /** The peer violated the protocol, or bytes did not decode. */
    PROTOCOL_ERROR,
    /** A worker could not be started or initialised. */
    SPAWN_FAILED,
    /**
     * A worker did not start within the connection or spawn timeout, or its init timeout ran out.
     */
    SPAWN_TIMEOUT,
    /** The worker failed in the background (uncaught exception) and shut down. */
    WORKER_FAILED,
    /** The stream or call was cancelled by this side. */
    CANCELLED,
    /** A per-connection limit (calls or streams in flight) was exceeded. */
    LIMIT_EXCEEDED,
    /**
     * The worker does not allow this to this caller: a user function on a control connection,
     * closing a master's server, retiring credentials without the application secret.
     */
    FORBIDDEN
  }

  /** What kind of failure this is. */
  private final Kind kind;

  /**
   * An exception of {@code kind} with {@code message}.
   *
   * @param kind what kind of failure it is
   * @param message what went wrong
   */
  public RpcParallelException(Kind kind, String message) {
    super(message);
    this.kind = kind;
  }

  /**
   * An exception of {@code kind} with {@code message}, caused by {@code cause}.
   *
   * @param kind what kind of failure it is
   * @param message what went wrong
   * @param cause the underlying failure, or null
   */
  public RpcParallelException(Kind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
  }

  /** What kind of failure this is. */
  public Kind kind() {
    return kind;
  }
}
