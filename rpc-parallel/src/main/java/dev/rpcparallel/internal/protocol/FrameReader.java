package dev.rpcparallel.internal.protocol;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Splits an inbound byte stream into an optional 8-byte preamble and then length-prefixed
 * frames: a 4-byte big-endian unsigned length followed by that many bytes. Free of Netty so it
 * can be tested alone.
 *
 * <p>The length is checked against the current limit before any buffer is allocated, and the
 * body buffer grows only as bytes actually arrive, so a peer cannot make us allocate more than
 * it sent. Not thread-safe: used by one I/O thread.
 */
public final class FrameReader {

  /** Receives what the reader splits out. */
  public interface Sink {
    void onPreamble(byte[] preamble);

    void onFrame(byte[] body);
  }

  /** The input violates framing; the message is a close reason. */
  public static final class FramingException extends Exception {
    private static final long serialVersionUID = 1L;

    private final ErrorCode code;

    public FramingException(ErrorCode code, String message) {
      super(message);
      this.code = code;
    }

    public ErrorCode code() {
      return code;
    }
  }

  private static final int INITIAL_BODY = 64 * 1024;
  /** The largest frame a byte array can hold: larger limits are treated as this one. */
  private static final long MAX_FRAME = Integer.MAX_VALUE - 8;
  private static final int TRUSTED_INITIAL_BODY = 1 << 20;
  /**
   * How much an authenticated peer's frame buffer grows at a time. Larger than the doubling used
   * before authentication: a 64 MiB body costs 1 + 8 MiB of copies instead of 63 MiB, while the
   * buffer stays within 8 times what the peer has sent.
   */
  private static final int TRUSTED_GROWTH = 8;

  private final Sink sink;
  private long maxFrame;
  private boolean trusted;
  private byte[] preamble;
  private int preambleFilled;
  private final byte[] header = new byte[4];
  private int headerFilled;
  private byte[] body;
  private int bodyLength = -1;
  private int bodyFilled;

  public FrameReader(Sink sink, boolean expectPreamble, long maxFrame) {
    this.sink = sink;
    this.maxFrame = Math.min(maxFrame, MAX_FRAME);
    this.preamble = expectPreamble ? new byte[Preamble.LENGTH] : null;
  }

  /**
   * Changes the largest frame accepted from now on, once the peer authenticated. Frame buffers
   * always grow as bytes arrive, so a peer cannot make us allocate much more than it sent; an
   * authenticated peer's frames start at a larger buffer (1 MiB) that grows eightfold at a time.
   */
  public void trust(long maxFrame) {
    this.maxFrame = Math.min(maxFrame, MAX_FRAME);
    this.trusted = true;
  }

  /** Consumes all of {@code in}, delivering complete frames to the sink as they form. */
  public void feed(ByteBuffer in) throws FramingException {
    while (in.hasRemaining()) {
      if (preamble != null) {
        int n = Math.min(in.remaining(), preamble.length - preambleFilled);
        in.get(preamble, preambleFilled, n);
        preambleFilled += n;
        if (preambleFilled == preamble.length) {
          byte[] p = preamble;
          preamble = null;
          sink.onPreamble(p);
        }
        continue;
      }
      if (bodyLength < 0) {
        int n = Math.min(in.remaining(), 4 - headerFilled);
        in.get(header, headerFilled, n);
        headerFilled += n;
        if (headerFilled < 4) {
          return;
        }
        headerFilled = 0;
        long len = ((header[0] & 0xFFL) << 24) | ((header[1] & 0xFF) << 16) | ((header[2] & 0xFF) << 8) | (header[3] & 0xFF);
        if (len == 0) {
          throw new FramingException(ErrorCode.PROTOCOL_ERROR, "empty frame");
        }
        if (len > maxFrame) {
          throw new FramingException(ErrorCode.MESSAGE_TOO_LARGE, "frame of " + len + " bytes exceeds the limit of " + maxFrame + " bytes");
        }
        bodyLength = (int) len;
        bodyFilled = 0;
        body = new byte[Math.min(bodyLength, trusted ? TRUSTED_INITIAL_BODY : INITIAL_BODY)];
      }
      int n = Math.min(in.remaining(), bodyLength - bodyFilled);
      if (bodyFilled + n > body.length) {
        body = Arrays.copyOf(body, (int) Math.min(bodyLength, Math.max((long) body.length * (trusted ? TRUSTED_GROWTH : 2), bodyFilled + n)));
      }
      in.get(body, bodyFilled, n);
      bodyFilled += n;
      if (bodyFilled == bodyLength) {
        byte[] b = body;
        body = null;
        bodyLength = -1;
        sink.onFrame(b);
      }
    }
  }

  /** Describes a partial frame at EOF, or null if the input ended on a frame boundary. */
  public String partialFrameAtEof() {
    if (preamble != null && preambleFilled > 0) {
      return "EOF after " + preambleFilled + " of 8 preamble bytes";
    }
    if (bodyLength >= 0) {
      return "EOF in the middle of a frame (" + bodyFilled + " of " + bodyLength + " bytes)";
    }
    if (headerFilled > 0) {
      return "EOF in the middle of a frame header (" + headerFilled + " of 4 bytes)";
    }
    return null;
  }
}
