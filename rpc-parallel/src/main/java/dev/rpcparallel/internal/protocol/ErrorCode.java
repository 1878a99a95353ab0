package dev.rpcparallel.internal.protocol;

/**
 * Machine-readable codes of infrastructure failures: in ERROR frames (a call failed for a reason
 * other than user code), in REFUSED frames, and in CLOSE frames (why a connection ended). Peers
 * map codes to their own error types; texts are for people only and are never parsed.
 */
public enum ErrorCode {
  /** The connection was closed in an orderly way (CLOSE frames only). */
  CLOSED(0),
  CONNECT_FAILED(1),
  AUTHENTICATION_FAILED(2),
  CONNECTION_CLOSED(3),
  UNKNOWN_FUNCTION(4),
  SHAPE_MISMATCH(5),
  MESSAGE_TOO_LARGE(6),
  PROTOCOL_ERROR(7),
  CANCELLED(8),
  /** A per-connection limit (calls or streams in flight) was exceeded. */
  LIMIT_EXCEEDED(9),
  HANDSHAKE_TIMEOUT(10),
  HEARTBEAT_TIMEOUT(11),
  /** The worker is shutting down or closed its server. */
  SHUTDOWN(12),
  /** {@code initConnectionState} threw, or the target worker is not hosted there. */
  REFUSED(13),
  INTERNAL_ERROR(14),
  /** Bytes from the peer did not decode with the expected codec. */
  DECODE_FAILED(15),
  /** A one-way handler threw: the original closes the connection with the error. */
  HANDLER_FAILED(16),
  /** The worker does not allow this operation to this caller (control connections, the master's server). */
  FORBIDDEN(17);

  private static final ErrorCode[] BY_WIRE = new ErrorCode[18];

  static {
    for (ErrorCode c : values()) {
      BY_WIRE[c.wire] = c;
    }
  }

  private final int wire;

  ErrorCode(int wire) {
    this.wire = wire;
  }

  /** The code's number on the wire. */
  public int wire() {
    return wire;
  }

  /** The code for a wire number; unknown numbers (a newer peer's) read as {@link #PROTOCOL_ERROR}. */
  public static ErrorCode fromWire(long n) {
    return n >= 0 && n < BY_WIRE.length && BY_WIRE[(int) n] != null ? BY_WIRE[(int) n] : PROTOCOL_ERROR;
  }
}
