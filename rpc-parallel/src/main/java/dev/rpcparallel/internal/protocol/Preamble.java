package dev.rpcparallel.internal.protocol;

import java.nio.charset.StandardCharsets;

/**
 * The 8 bytes a client sends first: the magic {@code "RPCPAR"} and the lowest and highest
 * protocol versions it speaks.
 */
public final class Preamble {
  private Preamble() {}

  public static final byte[] MAGIC = "RPCPAR".getBytes(StandardCharsets.US_ASCII);
  public static final int LENGTH = 8;
  /**
   * Version 2: CLOSE frames carry an error code before the reason, and errors travel as numeric
   * codes. Version 1 peers read those frames differently, so they are refused up front.
   */
  public static final int MIN_VERSION = 2;
  public static final int MAX_VERSION = 2;
  /** Frames before authentication completes may not exceed this many bytes. */
  public static final int HANDSHAKE_FRAME_LIMIT = 512;

  public static byte[] clientPreamble() {
    byte[] b = new byte[LENGTH];
    System.arraycopy(MAGIC, 0, b, 0, MAGIC.length);
    b[6] = MIN_VERSION;
    b[7] = MAX_VERSION;
    return b;
  }

  /**
   * Checks a received preamble and returns the version to use.
   *
   * @throws IllegalArgumentException with a reason fit for a close message
   */
  public static int negotiate(byte[] b) {
    for (int i = 0; i < MAGIC.length; i++) {
      if (b[i] != MAGIC[i]) {
        throw new IllegalArgumentException("bad magic: expected \"RPCPAR\", got " + hex(b));
      }
    }
    int min = b[6] & 0xFF;
    int max = b[7] & 0xFF;
    int chosen = Math.min(max, MAX_VERSION);
    if (chosen < Math.max(min, MIN_VERSION)) {
      throw new IllegalArgumentException(
          "no common protocol version: peer speaks " + min + ".." + max + ", we speak " + MIN_VERSION + ".." + MAX_VERSION);
    }
    return chosen;
  }

  static String hex(byte[] b) {
    StringBuilder sb = new StringBuilder();
    for (byte x : b) {
      sb.append(String.format("%02x", x & 0xFF));
    }
    return sb.toString();
  }
}
