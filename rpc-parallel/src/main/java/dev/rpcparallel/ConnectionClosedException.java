package dev.rpcparallel;

/**
 * The connection a call or stream used closed before it completed. {@link #reason()} says why,
 * for example {@code "EOF"}, {@code "no heartbeat received for 30s"} or {@code "closed by
 * client"}.
 */
public final class ConnectionClosedException extends RpcParallelException {
  private static final long serialVersionUID = 1L;

  /** Why the connection closed. */
  private final String reason;

  /**
   * An exception of kind {@code CONNECTION_CLOSED} whose message is {@code "connection closed: "}
   * followed by {@code reason}.
   *
   * @param reason why the connection closed
   */
  public ConnectionClosedException(String reason) {
    super(Kind.CONNECTION_CLOSED, "connection closed: " + reason);
    this.reason = reason;
  }

  /** Why the connection closed. */
  public String reason() {
    return reason;
  }
}
