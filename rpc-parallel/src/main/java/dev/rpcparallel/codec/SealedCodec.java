package dev.rpcparallel.codec;

import java.lang.reflect.Type;
import java.util.List;

/**
 * {@code Shape=Circle{r:f64}|Square{s:f64}}: a tag (the index of the permitted subclass in order
 * of simple names) as one unsigned varint, then the variant. A nested sealed variant is written
 * in parentheses so shapes stay unambiguous. Created empty and {@linkplain #init initialized}
 * once its variant codecs exist, so recursive types can refer to it while being derived.
 */
final class SealedCodec<T> extends BaseCodec<T> {
  private final Type key;
  private final String name;
  private final Class<?>[] variants;
  private volatile Codec<Object>[] codecs;

  private final ClassValue<Integer> tags =
      new ClassValue<>() {
        @Override
        protected Integer computeValue(Class<?> type) {
          for (int i = 0; i < variants.length; i++) {
            if (variants[i].isAssignableFrom(type)) {
              return i;
            }
          }
          return -1;
        }
      };

  /** {@code variants} must already be in tag order. */
  SealedCodec(Class<T> type, Type key, Class<?>[] variants) {
    this.key = key;
    this.name = type.getSimpleName();
    this.variants = variants.clone();
  }

  @SuppressWarnings("unchecked")
  void init(Codec<?>[] variantCodecs) {
    this.codecs = (Codec<Object>[]) variantCodecs;
  }

  Type key() {
    return key;
  }

  @Override
  public void encode(T value, BinaryWriter out) {
    if (value == null) {
      throw nullValue();
    }
    int tag = tags.get(value.getClass());
    if (tag < 0) {
      throw new CodecException(value.getClass().getName() + " is not a permitted subclass of " + name);
    }
    out.writeUnsignedVarLong(tag);
    codecs[tag].encode(value, out);
  }

  @Override
  @SuppressWarnings("unchecked")
  T read(BinaryReader in) {
    Codec<Object>[] c = codecs;
    int at = in.position();
    long tag = in.readUnsignedVarLong();
    if (tag < 0 || tag >= c.length) {
      throw new CodecException(
          shape(), at, "unknown tag " + Long.toUnsignedString(tag) + " (" + c.length + " variants)");
    }
    return (T) c[(int) tag].decode(in);
  }

  @Override
  void describe(StringBuilder sb, List<Object> path) {
    if (path.contains(key)) {
      sb.append('@').append(name);
      return;
    }
    path.add(key);
    sb.append(name).append('=');
    Codec<Object>[] c = codecs;
    for (int i = 0; i < c.length; i++) {
      sb.append(i == 0 ? "" : "|");
      boolean nested = c[i] instanceof SealedCodec<?> s && !path.contains(s.key);
      sb.append(nested ? "(" : "");
      describe(c[i], sb, path);
      sb.append(nested ? ")" : "");
    }
    path.remove(path.size() - 1);
  }
}
