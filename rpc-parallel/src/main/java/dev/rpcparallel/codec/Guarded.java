package dev.rpcparallel.codec;

import java.util.List;

/**
 * A user codec (or a codec renamed by {@link Codec#withShape}) whose decode failures other than
 * {@link CodecException} are turned into CodecExceptions naming the shape and offset.
 */
final class Guarded<T> extends BaseCodec<T> {
  private final Codec<T> inner;
  private final String name;

  Guarded(Codec<T> inner, String name) {
    this.inner = inner;
    this.name = name;
  }

  /** {@code codec} itself if it is one of the library's codecs, else a guarded wrapper. */
  static <T> Codec<T> of(Codec<T> codec) {
    return codec instanceof BaseCodec<T> ? codec : new Guarded<>(codec, codec.shape());
  }

  @Override
  public void encode(T value, BinaryWriter out) {
    inner.encode(value, out);
  }

  @Override
  T read(BinaryReader in) {
    return inner.decode(in);
  }

  @Override
  void describe(StringBuilder sb, List<Object> path) {
    sb.append(name);
  }

  @Override
  boolean acceptsNull() {
    return inner instanceof BaseCodec<?> base && base.acceptsNull();
  }
}
