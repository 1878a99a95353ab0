package dev.rpcparallel.codec;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Base of the library's codecs. {@link #decode} turns any stray runtime exception (or stack
 * overflow) of a subclass or a nested user codec into a {@link CodecException} naming the shape
 * and offset, and shapes are computed once, on first use, by walking the codec graph, so that
 * recursive types print back-references ({@code @Tree}) independent of the order in which
 * codecs were derived.
 */
abstract class BaseCodec<T> implements Codec<T> {
  private String shape; // racy single-check memo of an immutable String: safe

  /** Reads one value; any runtime exception is turned into a CodecException by decode. */
  abstract T read(BinaryReader in);

  /**
   * Appends this codec's shape. {@code path} holds the keys of the records and sealed types
   * being described, outermost first; composites recurse with {@link #describe(Codec,
   * StringBuilder, List)}.
   */
  abstract void describe(StringBuilder sb, List<Object> path);

  /** Whether this codec encodes {@code null} (record components are null-checked otherwise). */
  boolean acceptsNull() {
    return false;
  }

  @Override
  public final T decode(BinaryReader in) {
    try {
      in.context(shape());
      return read(in);
    } catch (CodecException e) {
      throw e;
    } catch (RuntimeException | StackOverflowError e) {
      throw new CodecException(shape(), in.position(), "unexpected " + e);
    }
  }

  @Override
  public final String shape() {
    String s = shape;
    if (s == null) {
      StringBuilder sb = new StringBuilder();
      describe(sb, new ArrayList<>());
      shape = s = sb.toString();
    }
    return s;
  }

  static void describe(Codec<?> codec, StringBuilder sb, List<Object> path) {
    if (codec instanceof BaseCodec<?> base) {
      base.describe(sb, path);
    } else {
      sb.append(codec.shape());
    }
  }

  /** The CodecException for encoding a null this codec does not allow. */
  final CodecException nullValue() {
    return new CodecException("null value for " + shape() + "; use Optional or a nullable codec");
  }

  @Override
  public <U> Codec<U> xmap(Function<? super T, ? extends U> fromT, Function<? super U, ? extends T> toT) {
    return new Mapped<>(this, fromT, toT);
  }

  @Override
  public Codec<T> withShape(String shape) {
    return new Guarded<>(this, shape);
  }

  @Override
  public String toString() {
    return "Codec[" + shape() + "]";
  }

  /** {@link Codec#xmap} whose conversion failures on decode become CodecExceptions. */
  private static final class Mapped<T, U> extends BaseCodec<U> {
    private final BaseCodec<T> inner;
    private final Function<? super T, ? extends U> fromT;
    private final Function<? super U, ? extends T> toT;

    Mapped(BaseCodec<T> inner, Function<? super T, ? extends U> fromT, Function<? super U, ? extends T> toT) {
      this.inner = inner;
      this.fromT = fromT;
      this.toT = toT;
    }

    @Override
    public void encode(U value, BinaryWriter out) {
      inner.encode(toT.apply(value), out);
    }

    @Override
    U read(BinaryReader in) {
      return fromT.apply(inner.decode(in));
    }

    @Override
    void describe(StringBuilder sb, List<Object> path) {
      inner.describe(sb, path);
    }
  }
}
