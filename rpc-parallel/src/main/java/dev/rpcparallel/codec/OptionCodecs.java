package dev.rpcparallel.codec;

import java.util.List;
import java.util.Optional;

/** {@code option<T>} and {@code nullable<T>}: a presence byte (0 or 1) then the value. */
final class OptionCodecs {
  private OptionCodecs() {}

  private static boolean readPresence(BinaryReader in, String shape) {
    int at = in.position();
    int tag = in.readByte();
    if (tag != 0 && tag != 1) {
      throw new CodecException(shape, at, "invalid presence byte " + tag + " (expected 0 or 1)");
    }
    return tag == 1;
  }

  static final class OptionalCodec<T> extends BaseCodec<Optional<T>> {
    private final Codec<T> inner;

    OptionalCodec(Codec<T> inner) {
      this.inner = inner;
    }

    @Override
    public void encode(Optional<T> value, BinaryWriter out) {
      if (value == null) {
        throw nullValue();
      }
      if (value.isPresent()) {
        out.writeByte(1);
        inner.encode(value.get(), out);
      } else {
        out.writeByte(0);
      }
    }

    @Override
    Optional<T> read(BinaryReader in) {
      return readPresence(in, shape()) ? Optional.ofNullable(inner.decode(in)) : Optional.empty();
    }

    @Override
    void describe(StringBuilder sb, List<Object> path) {
      sb.append("option<");
      describe(inner, sb, path);
      sb.append('>');
    }
  }

  static final class NullableCodec<T> extends BaseCodec<T> {
    private final Codec<T> inner;

    NullableCodec(Codec<T> inner) {
      this.inner = inner;
    }

    @Override
    public void encode(T value, BinaryWriter out) {
      if (value == null) {
        out.writeByte(0);
      } else {
        out.writeByte(1);
        inner.encode(value, out);
      }
    }

    @Override
    T read(BinaryReader in) {
      return readPresence(in, shape()) ? inner.decode(in) : null;
    }

    @Override
    void describe(StringBuilder sb, List<Object> path) {
      sb.append("nullable<");
      describe(inner, sb, path);
      sb.append('>');
    }

    @Override
    boolean acceptsNull() {
      return true;
    }
  }
}
