package dev.rpcparallel.codec;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Reads the primitives written by {@link BinaryWriter} from a bounded input, failing with a
 * {@link CodecException} that names the shape and offset on any malformed or truncated input.
 * Lengths are checked against the remaining bytes before anything is allocated.
 *
 * <p>Not thread-safe: one reader per decode.
 */
public final class BinaryReader {
  /**
   * Estimated bytes of objects a decode may build per input byte (plus {@link #BUDGET_BASE}):
   * what keeps hostile input such as a list of a million empty records from amplifying into a
   * heap far larger than the message.
   */
  public static final int AMPLIFICATION = 32;
  /** The budget every decode starts with, whatever its length. */
  public static final int BUDGET_BASE = 64 * 1024;

  private final ByteBuffer in;
  private final int start;
  private String context = "value";
  private int depth;
  private long budget;

  /** Reads all of {@code bytes}; the decode budget is sized from their number. */
  public BinaryReader(byte[] bytes) {
    this(ByteBuffer.wrap(bytes));
  }

  /**
   * Reads {@code length} bytes of {@code bytes} from {@code offset}; {@link #position()} counts
   * from {@code offset}.
   *
   * @throws IndexOutOfBoundsException if the range does not lie within {@code bytes}
   */
  public BinaryReader(byte[] bytes, int offset, int length) {
    this(ByteBuffer.wrap(bytes, offset, length));
  }

  /** Reads from {@code buffer}'s position to its limit (the buffer's position advances). */
  public BinaryReader(ByteBuffer buffer) {
    this.in = buffer;
    this.start = buffer.position();
    this.budget = BUDGET_BASE + (long) AMPLIFICATION * buffer.remaining();
  }

  /**
   * Accounts for {@code heapBytes} of objects about to be built (collections charge per
   * element, records per record, strings and arrays per byte).
   *
   * @throws CodecException once the decode's budget ({@link #AMPLIFICATION} bytes per input byte
   *     plus {@link #BUDGET_BASE}) is spent
   */
  public void charge(long heapBytes) {
    budget -= heapBytes;
    if (budget < 0) {
      throw error(context, "decoding would build more than " + AMPLIFICATION
          + " bytes of objects per input byte (decode budget spent)");
    }
  }

  /** The number of bytes consumed so far. */
  public int position() {
    return in.position() - start;
  }

  /** The number of bytes left to read. */
  public int remaining() {
    return in.remaining();
  }

  /** Names what is being decoded, for error messages of primitives read without a shape. */
  public BinaryReader context(String shape) {
    this.context = shape;
    return this;
  }

  /** A {@link CodecException} at the current offset. */
  public CodecException error(String shape, String problem) {
    return new CodecException(shape, position(), problem);
  }

  private void need(int n, String what) {
    if (in.remaining() < n) {
      throw error(context, "truncated input: " + what + " needs " + n + " bytes, " + in.remaining() + " left");
    }
  }

  /**
   * Reads one byte, as a signed value from -128 to 127.
   *
   * @throws CodecException if no byte is left
   */
  public int readByte() {
    need(1, "byte");
    return in.get();
  }

  /**
   * Reads one byte that must be 1 (true) or 0 (false).
   *
   * @throws CodecException if no byte is left or it is another value
   */
  public boolean readBoolean() {
    int b = readByte();
    if (b != 0 && b != 1) {
      throw error("bool", "invalid boolean byte " + b);
    }
    return b == 1;
  }

  /**
   * Reads an unsigned variable-length (LEB128) number of at most 10 bytes, as {@link
   * BinaryWriter#writeUnsignedVarLong} writes it; values of 2<sup>63</sup> and above come back
   * negative.
   *
   * @throws CodecException if the input ends inside the number, or it is longer than 10 bytes or
   *     exceeds 64 bits
   */
  public long readUnsignedVarLong() {
    long result = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      need(1, "varint");
      byte b = in.get();
      result |= (long) (b & 0x7F) << shift;
      if ((b & 0x80) == 0) {
        if (shift == 63 && (b & 0x7F) > 1) {
          throw error(context, "varint overflows 64 bits");
        }
        return result;
      }
    }
    throw error(context, "varint longer than 10 bytes");
  }

  /**
   * Reads a zig-zag encoded signed number, as {@link BinaryWriter#writeVarLong} writes it.
   *
   * @throws CodecException as {@link #readUnsignedVarLong()} does
   */
  public long readVarLong() {
    long raw = readUnsignedVarLong();
    return (raw >>> 1) ^ -(raw & 1);
  }

  /**
   * Reads a zig-zag encoded signed number that must fit in an {@code int}, as {@link
   * BinaryWriter#writeVarInt} writes it.
   *
   * @throws CodecException if the number is malformed or outside the {@code int} range
   */
  public int readVarInt() {
    long v = readVarLong();
    if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
      throw error("i32", "value " + v + " out of int range");
    }
    return (int) v;
  }

  /**
   * A length or element count, checked to be at most the remaining bytes divided by {@code
   * minBytesPerElement} (every element takes at least that many bytes), so a hostile count can
   * never cause a large allocation or a long loop.
   */
  public int readLength(int minBytesPerElement) {
    long n = readUnsignedVarLong();
    long max = minBytesPerElement <= 0 ? in.remaining() : in.remaining() / minBytesPerElement;
    if (n < 0 || n > max) {
      throw error(context, "length " + Long.toUnsignedString(n) + " exceeds the " + in.remaining() + " bytes left");
    }
    return (int) n;
  }

  /**
   * Reads 8 bytes as a big-endian {@code long}.
   *
   * @throws CodecException if fewer than 8 bytes are left
   */
  public long readFixedLong() {
    need(8, "i64");
    return in.getLong();
  }

  /**
   * Reads 4 bytes as a big-endian {@code int}.
   *
   * @throws CodecException if fewer than 4 bytes are left
   */
  public int readFixedInt() {
    need(4, "i32");
    return in.getInt();
  }

  /**
   * Reads a {@code double} from its 8 bytes of IEEE 754 bits, big-endian, as {@link
   * BinaryWriter#writeDouble} writes it.
   *
   * @throws CodecException if fewer than 8 bytes are left
   */
  public double readDouble() {
    return Double.longBitsToDouble(readFixedLong());
  }

  /**
   * Reads a {@code float} from its 4 bytes of IEEE 754 bits, big-endian, as {@link
   * BinaryWriter#writeFloat} writes it.
   *
   * @throws CodecException if fewer than 4 bytes are left
   */
  public float readFloat() {
    return Float.intBitsToFloat(readFixedInt());
  }

  /** Length-prefixed bytes. */
  public byte[] readBytes() {
    int n = readLength(1);
    charge(16L + n);
    byte[] out = new byte[n];
    in.get(out);
    return out;
  }

  /** Exactly {@code n} bytes without a prefix. */
  public byte[] readRaw(int n) {
    if (n < 0) {
      throw error("bytes", "negative length " + n);
    }
    need(n, "bytes");
    byte[] out = new byte[n];
    in.get(out);
    return out;
  }

  /** Length-prefixed UTF-8; malformed UTF-8 is an error. */
  public String readString() {
    int n = readLength(1);
    charge(40L + n);
    int at = position();
    ByteBuffer slice = in.slice();
    slice.limit(n);
    in.position(in.position() + n);
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(slice)
          .toString();
    } catch (CharacterCodingException e) {
      throw new CodecException("string", at, "malformed UTF-8");
    }
  }

  /** Fails unless every byte was consumed. */
  public void expectEnd(String shape) {
    if (in.hasRemaining()) {
      throw error(shape, in.remaining() + " unexpected trailing bytes");
    }
  }

  /**
   * Enters one level of a recursive value; fails once values nest deeper than {@link
   * Codecs#MAX_DEPTH}, so hostile input cannot exhaust the stack. Pair with {@link #exit()}.
   */
  void enter(String shape) {
    if (depth >= Codecs.MAX_DEPTH) {
      throw error(shape, "value nested deeper than " + Codecs.MAX_DEPTH + " levels");
    }
    depth++;
  }

  void exit() {
    depth--;
  }
}
