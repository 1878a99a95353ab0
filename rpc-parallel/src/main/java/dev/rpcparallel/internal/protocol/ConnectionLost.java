package dev.rpcparallel.internal.protocol;

/**
 * A call or stream failed because its connection closed: {@link #reason()} is the recorded close
 * reason (e.g. {@code "EOF"}, {@code "no heartbeat received for 30s"}), {@link #closeCode()} its
 * code.
 */
public final class ConnectionLost extends WireException {
  private static final long serialVersionUID = 1L;

  private final ErrorCode closeCode;
  private final String reason;

  public ConnectionLost(ErrorCode closeCode, String reason) {
    super(ErrorCode.CONNECTION_CLOSED, "connection closed: " + reason);
    this.closeCode = closeCode;
    this.reason = reason;
  }

  public ErrorCode closeCode() {
    return closeCode;
  }

  public String reason() {
    return reason;
  }
}
