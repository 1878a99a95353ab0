package dev.rpcparallel.codec;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A growable output buffer with the primitives codecs are built from. Integers are written as
 * variable-length (LEB128) numbers, signed ones zig-zag encoded, so small values take one byte.
 *
 * <p>Not thread-safe: one writer per encode.
 */
public final class BinaryWriter {
  private byte[] buf;
  private int size;
  private int depth;

  public BinaryWriter() {
    this(64);
  }

  public BinaryWriter(int initialCapacity) {
    buf = new byte[Math.max(16, initialCapacity)];
  }

  private void ensure(int extra) {
    int needed = size + extra;
    if (needed < 0) {
      throw new CodecException("value too large to encode (over 2 GiB)");
    }
    if (needed > buf.length) {
      long grown = Math.max((long) buf.length * 2, needed);
      buf = Arrays.copyOf(buf, (int) Math.min(grown, Integer.MAX_VALUE - 8));
    }
  }

  public BinaryWriter writeByte(int b) {
    ensure(1);
    buf[size++] = (byte) b;
    return this;
  }

  public BinaryWriter writeBoolean(boolean b) {
    return writeByte(b ? 1 : 0);
  }

  /** An unsigned variable-length number; for lengths and counts (must be non-negative). */
  public BinaryWriter writeUnsignedVarLong(long v) {
    ensure(10);
    while ((v & ~0x7FL) != 0) {
      buf[size++] = (byte) ((v & 0x7F) | 0x80);
      v >>>= 7;
    }
    buf[size++] = (byte) v;
    return this;
  }

  /** A length or count. */
  public BinaryWriter writeLength(int n) {
    if (n < 0) {
      throw new CodecException("negative length " + n);
    }
    return writeUnsignedVarLong(n);
  }

  /** A signed number, zig-zag encoded (small magnitudes take one byte). */
  public BinaryWriter writeVarLong(long v) {
    return writeUnsignedVarLong((v << 1) ^ (v >> 63));
  }

  public BinaryWriter writeVarInt(int v) {
    return writeVarLong(v);
  }

  public BinaryWriter writeFixedLong(long v) {
    ensure(8);
    for (int i = 7; i >= 0; i--) {
      buf[size++] = (byte) (v >>> (i * 8));
    }
    return this;
  }

  public BinaryWriter writeFixedInt(int v) {
    ensure(4);
    buf[size++] = (byte) (v >>> 24);
    buf[size++] = (byte) (v >>> 16);
    buf[size++] = (byte) (v >>> 8);
    buf[size++] = (byte) v;
    return this;
  }

  public BinaryWriter writeDouble(double d) {
    return writeFixedLong(Double.doubleToRawLongBits(d));
  }

  public BinaryWriter writeFloat(float f) {
    return writeFixedInt(Float.floatToRawIntBits(f));
  }

  /** Length-prefixed bytes. */
  public BinaryWriter writeBytes(byte[] bytes) {
    return writeBytes(bytes, 0, bytes.length);
  }

  public BinaryWriter writeBytes(byte[] bytes, int off, int len) {
    writeLength(len);
    return writeRaw(bytes, off, len);
  }

  /** Bytes without a length prefix. */
  public BinaryWriter writeRaw(byte[] bytes, int off, int len) {
    ensure(len);
    System.arraycopy(bytes, off, buf, size, len);
    size += len;
    return this;
  }

  /** Length-prefixed UTF-8. */
  public BinaryWriter writeString(String s) {
    // Fast path for ASCII, the common case for names and keys.
    int n = s.length();
    boolean ascii = true;
    for (int i = 0; i < n; i++) {
      if (s.charAt(i) >= 0x80) {
        ascii = false;
        break;
      }
    }
    if (ascii) {
      writeLength(n);
      ensure(n);
      for (int i = 0; i < n; i++) {
        buf[size++] = (byte) s.charAt(i);
      }
      return this;
    }
    return writeBytes(s.getBytes(StandardCharsets.UTF_8));
  }

  /** Overwrites 4 bytes at {@code pos} (big-endian), e.g. to fill in a length reserved earlier. */
  public void patchFixedInt(int pos, int v) {
    if (pos < 0 || pos + 4 > size) {
      throw new IndexOutOfBoundsException("patch at " + pos + " outside [0, " + size + ")");
    }
    buf[pos] = (byte) (v >>> 24);
    buf[pos + 1] = (byte) (v >>> 16);
    buf[pos + 2] = (byte) (v >>> 8);
    buf[pos + 3] = (byte) v;
  }

  /** Bytes written so far. */
  public int size() {
    return size;
  }

  /** Discards everything written, keeping the buffer. */
  public void reset() {
    size = 0;
  }

  /** A copy of the bytes written. */
  public byte[] toByteArray() {
    return Arrays.copyOf(buf, size);
  }

  /** The backing array; valid bytes are {@code [0, size())}. For internal zero-copy use. */
  public byte[] array() {
    return buf;
  }

  /**
   * Enters one level of a recursive value; fails once values nest deeper than {@link
   * Codecs#MAX_DEPTH} (the decoder would reject them). Pair with {@link #exit()}.
   */
  void enter(String name) {
    if (depth >= Codecs.MAX_DEPTH) {
      throw new CodecException(name + " nested deeper than " + Codecs.MAX_DEPTH + " levels cannot be encoded");
    }
    depth++;
  }

  void exit() {
    depth--;
  }
}
