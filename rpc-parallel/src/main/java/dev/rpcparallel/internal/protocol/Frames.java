package dev.rpcparallel.internal.protocol;

import dev.rpcparallel.codec.BinaryReader;
import dev.rpcparallel.codec.BinaryWriter;
import dev.rpcparallel.codec.Codec;
import dev.rpcparallel.codec.CodecException;

/**
 * Builds frame bodies (the type byte and what follows; the transport adds the 4-byte length) and
 * decodes the values they carry through one path, so every decode failure of a peer's bytes
 * becomes the same {@link ErrorCode#DECODE_FAILED} error.
 */
public final class Frames {
  private Frames() {}

  /** A frame body starting with its type byte. */
  public static BinaryWriter start(byte type) {
    return start(type, 64);
  }

  public static BinaryWriter start(byte type, int capacity) {
    BinaryWriter w = new BinaryWriter(capacity);
    w.writeByte(type);
    return w;
  }

  /**
   * Decodes one value of {@code codec} filling {@code body} from {@code offset}.
   *
   * @param what what the bytes are, for the message, e.g. {@code "the result of 'sum'"}
   * @throws WireException of code {@link ErrorCode#DECODE_FAILED}, with the {@link CodecException}
   *     (or other decoder failure) as its cause
   */
  public static <T> T decode(Codec<T> codec, byte[] body, int offset, String what) {
    BinaryReader in = new BinaryReader(body, offset, body.length - offset);
    try {
      T value = codec.decode(in);
      in.expectEnd(codec.shape());
      return value;
    } catch (CodecException e) {
      throw new WireException(ErrorCode.DECODE_FAILED, "cannot decode " + what + ": " + e.getMessage(), e);
    } catch (RuntimeException e) {
      throw new WireException(ErrorCode.DECODE_FAILED, "cannot decode " + what + ": " + e, e);
    }
  }
}
