package dev.rpcparallel.codec;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
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

  /** An empty writer with a 64-byte buffer, which grows as needed. */
  public BinaryWriter() {
    this(64);
  }

  /**
   * An empty writer whose buffer starts at {@code initialCapacity} bytes (at least 16), for an
   * encoding whose size is known; it grows as needed.
   */
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

  /** Writes the low 8 bits of {@code b} as one byte. */
  public BinaryWriter writeByte(int b) {
    ensure(1);
    buf[size++] = (byte) b;
    return this;
  }

  /** Writes one byte: 1 for true, 0 for false. */
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

  /** Writes {@code v} zig-zag encoded, as {@link #writeVarLong} does (1 to 5 bytes). */
  public BinaryWriter writeVarInt(int v) {
    return writeVarLong(v);
  }

  /** Writes {@code v} as 8 bytes, big-endian. */
  public BinaryWriter writeFixedLong(long v) {
    ensure(8);
    for (int i = 7; i >= 0; i--) {
      buf[size++] = (byte) (v >>> (i * 8));
    }
    return this;
  }

  /** Writes {@code v} as 4 bytes, big-endian. */
  public BinaryWriter writeFixedInt(int v) {
    ensure(4);
    buf[size++] = (byte) (v >>> 24);
    buf[size++] = (byte) (v >>> 16);
    buf[size++] = (byte) (v >>> 8);
    buf[size++] = (byte) v;
    return this;
  }

  /** Writes the 8 bytes of {@code d}'s raw IEEE 754 bits, big-endian (NaN payloads are kept). */
  public BinaryWriter writeDouble(double d) {
    return writeFixedLong(Double.doubleToRawLongBits(d));
  }

  /** Writes the 4 bytes of {@code f}'s raw IEEE 754 bits, big-endian (NaN payloads are kept). */
  public BinaryWriter writeFloat(float f) {
    return writeFixedInt(Float.floatToRawIntBits(f));
  }

  /** Length-prefixed bytes. */
  public BinaryWriter writeBytes(byte[] bytes) {
    return writeBytes(bytes, 0, bytes.length);
  }

  /**
   * Writes {@code len} bytes of {@code bytes} from {@code off}, prefixed with their length, as
   * {@link BinaryReader#readBytes()} reads them.
   *
   * @throws CodecException if {@code len} is negative
   * @throws IndexOutOfBoundsException if the range does not lie within {@code bytes} (nothing is
   *     written then)
   */
  public BinaryWriter writeBytes(byte[] bytes, int off, int len) {
    if (len >= 0) {
      java.util.Objects.checkFromIndexSize(off, len, bytes.length);
    }
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
    return writeBytes(utf8(s));
  }

  /** Strict UTF-8: an unpaired surrogate is an error, never silently replaced by '?'. */
  private static byte[] utf8(String s) {
    try {
      ByteBuffer b = StandardCharsets.UTF_8.newEncoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .encode(CharBuffer.wrap(s));
      byte[] out = new byte[b.remaining()];
      b.get(out);
      return out;
    } catch (CharacterCodingException e) {
      for (int i = 0; i < s.length(); i++) {
        char c = s.charAt(i);
        if (Character.isHighSurrogate(c) && (i + 1 == s.length() || !Character.isLowSurrogate(s.charAt(i + 1)))
            || Character.isLowSurrogate(c) && (i == 0 || !Character.isHighSurrogate(s.charAt(i - 1)))) {
          throw new CodecException("cannot encode string: unpaired surrogate U+"
              + Integer.toHexString(c).toUpperCase(java.util.Locale.ROOT) + " at index " + i + " has no UTF-8 form");
        }
      }
      throw new CodecException("cannot encode string as UTF-8: " + e);
    }
  }

  /** Bytes written so far. */
  public int size() {
    return size;
  }

  /** A copy of the bytes written. */
  public byte[] toByteArray() {
    return Arrays.copyOf(buf, size);
  }

  /**
   * A read-only view of the bytes written so far, without copying. The view covers {@code [0,
   * size())} at the time of the call; writing more afterwards may or may not show through it, so
   * take it once writing is done.
   */
  public ByteBuffer asReadOnlyBuffer() {
    return ByteBuffer.wrap(buf, 0, size).asReadOnlyBuffer();
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
