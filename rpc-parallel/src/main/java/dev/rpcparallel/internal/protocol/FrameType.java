package dev.rpcparallel.internal.protocol;

/**
 * The first byte of every frame. See docs/PROTOCOL.md for the layout of each.
 */
public final class FrameType {
  private FrameType() {}

  // Handshake (before the connection is open).
  public static final byte HELLO = 0x01;
  public static final byte AUTH = 0x02;
  public static final byte AUTH_OK = 0x03;
  public static final byte OPEN = 0x04;
  public static final byte OPENED = 0x05;
  public static final byte REFUSED = 0x06;

  // Open connection.
  public static final byte CALL = 0x10;
  public static final byte ONE_WAY = 0x11;
  public static final byte OK = 0x12;
  public static final byte ERROR = 0x13;
  public static final byte ITEM = 0x14;
  public static final byte END = 0x15;
  public static final byte ABORT = 0x16;
  public static final byte CREDIT = 0x17;
  public static final byte HEARTBEAT = 0x18;

  /**
   * Client to the master server, on a spawned worker's master connection, once: from here on the
   * worker serves on this connection and the master is its client (next frame: OPEN).
   */
  public static final byte TURN = 0x19;

  /** Either side, any time: the sender is closing, with a reason. */
  public static final byte CLOSE = 0x1F;

  public static String name(int type) {
    return switch (type) {
      case HELLO -> "HELLO";
      case AUTH -> "AUTH";
      case AUTH_OK -> "AUTH_OK";
      case OPEN -> "OPEN";
      case OPENED -> "OPENED";
      case TURN -> "TURN";
      case REFUSED -> "REFUSED";
      case CALL -> "CALL";
      case ONE_WAY -> "ONE_WAY";
      case OK -> "OK";
      case ERROR -> "ERROR";
      case ITEM -> "ITEM";
      case END -> "END";
      case ABORT -> "ABORT";
      case CREDIT -> "CREDIT";
      case HEARTBEAT -> "HEARTBEAT";
      case CLOSE -> "CLOSE";
      default -> "unknown(0x" + Integer.toHexString(type & 0xFF) + ")";
    };
  }
}
