package dev.rpcparallel.codec;

import java.util.function.Supplier;

/**
 * Bytes that do not decode to a value of the expected shape, or a value that cannot be encoded.
 * The message names the shape being decoded and the byte offset where decoding failed.
 */
public final class CodecException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** The shape being decoded, or empty for encode failures. */
  private final String shape;
  /** The byte offset at which decoding failed, or -1 for encode failures. */
  private final long offset;

  /**
   * A decode failure; the message is {@code "cannot decode <shape> at offset <offset>: <problem>"}.
   *
   * @param shape the shape being decoded
   * @param offset the byte offset in the input where decoding failed
   * @param problem what is wrong with the bytes
   */
  public CodecException(String shape, long offset, String problem) {
    super("cannot decode " + shape + " at offset " + offset + ": " + problem);
    this.shape = shape;
    this.offset = offset;
  }

  /** For encode-side failures (for example a null where the codec allows none). */
  public CodecException(String message) {
    super(message);
    this.shape = "";
    this.offset = -1;
  }

  /** The shape being decoded when the failure happened; empty for encode failures. */
  public String shape() {
    return shape;
  }

  /** The byte offset in the input at which decoding failed, or -1 for encode failures. */
  public long offset() {
    return offset;
  }

  /**
   * Runs a decode, turning any unexpected runtime exception from user code into a {@code
   * CodecException} naming {@code codec}'s shape and the reader's position.
   */
  static <T> T wrap(Codec<?> codec, BinaryReader in, Supplier<T> decode) {
    try {
      return decode.get();
    } catch (CodecException e) {
      throw e;
    } catch (RuntimeException | StackOverflowError e) {
      throw new CodecException(codec.shape(), in.position(), e.toString());
    }
  }
}
