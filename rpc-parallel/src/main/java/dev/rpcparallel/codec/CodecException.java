package dev.rpcparallel.codec;

import java.util.function.Supplier;

/**
 * Bytes that do not decode to a value of the expected shape, or a value that cannot be encoded.
 * The message names the shape being decoded and the byte offset where decoding failed.
 */
public final class CodecException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String shape;
  private final long offset;

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

  /** The shape being decoded when the failure happened. */
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
