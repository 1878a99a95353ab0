package dev.rpcparallel.codec;

import java.util.Objects;
import java.util.function.Function;

/**
 * Compact binary encoding of values of one type, plus a <em>shape</em>: a stable, human-readable
 * description of the encoding that master and worker compare to detect type mismatches (for
 * example a worker built from an older version of a record).
 *
 * <p>Codecs are immutable and thread-safe. Built-in and derived codecs come from {@link Codecs};
 * user codecs can be written with {@link #of(String, Encoder, Decoder)}.
 *
 * <p>Decoding faces untrusted bytes: a decoder must fail with a {@link CodecException} (never
 * another exception), must not allocate more than the remaining input can hold, and must always
 * terminate. {@link BinaryReader} enforces the bounds for the primitives it offers.
 *
 * @param <T> the type of value encoded
 */
public interface Codec<T> {

  /** Writes {@code value} to {@code out}. */
  void encode(T value, BinaryWriter out);

  /**
   * Reads one value from {@code in}.
   *
   * @throws CodecException if the bytes do not hold a valid value
   */
  T decode(BinaryReader in);

  /**
   * A stable description of this encoding, for example {@code "i32"} or {@code
   * "Point{x:i32,y:i32}"}. Two codecs with equal shapes read each other's bytes.
   */
  String shape();

  /** Encodes {@code value} into a new array. */
  default byte[] toBytes(T value) {
    BinaryWriter out = new BinaryWriter();
    encode(value, out);
    return out.toByteArray();
  }

  /**
   * Decodes a value that must fill {@code bytes} exactly.
   *
   * @throws CodecException if the bytes are invalid or not all consumed
   */
  default T fromBytes(byte[] bytes) {
    BinaryReader in = new BinaryReader(bytes);
    T value = CodecException.wrap(this, in, () -> decode(in));
    in.expectEnd(shape());
    return value;
  }

  /**
   * A codec for {@code U} that converts to and from this codec's type. The shape is unchanged
   * unless a new one is given with {@link #withShape(String)}.
   */
  default <U> Codec<U> xmap(Function<? super T, ? extends U> fromT, Function<? super U, ? extends T> toT) {
    Codec<T> self = this;
    return of(shape(), (u, out) -> self.encode(toT.apply(u), out), in -> fromT.apply(self.decode(in)));
  }

  /** The same encoding under another shape name. */
  default Codec<T> withShape(String shape) {
    return of(shape, this::encode, this::decode);
  }

  /** Writes one value. */
  @FunctionalInterface
  interface Encoder<T> {
    /** Writes {@code value} to {@code out}. */
    void encode(T value, BinaryWriter out);
  }

  /** Reads one value; throws {@link CodecException} on invalid input. */
  @FunctionalInterface
  interface Decoder<T> {
    /**
     * Reads one value from {@code in}.
     *
     * @throws CodecException if the bytes do not hold a valid value
     */
    T decode(BinaryReader in);
  }

  /** A user codec from an encoder, a decoder and a shape. */
  static <T> Codec<T> of(String shape, Encoder<T> encoder, Decoder<T> decoder) {
    Objects.requireNonNull(shape, "shape");
    Objects.requireNonNull(encoder, "encoder");
    Objects.requireNonNull(decoder, "decoder");
    return new Codec<>() {
      @Override
      public void encode(T value, BinaryWriter out) {
        encoder.encode(value, out);
      }

      @Override
      public T decode(BinaryReader in) {
        return decoder.decode(in);
      }

      @Override
      public String shape() {
        return shape;
      }

      @Override
      public String toString() {
        return "Codec[" + shape + "]";
      }
    };
  }
}
