package dev.rpcparallel.codec;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.IntFunction;

/**
 * {@code list<T>}, {@code set<T>}, {@code map<K,V>} and {@code array<T>}: an element count then
 * the elements. Counts are bounded by the remaining input (every value takes at least one byte)
 * and collections are pre-sized to at most {@link #MAX_PRESIZE} elements, so memory grows only
 * with bytes actually decoded, even for collections nested in recursive types.
 */
final class CollectionCodecs {
  private CollectionCodecs() {}

  static final int MAX_PRESIZE = 1024;

  /** Encodes one element, enforcing that it takes at least one byte (decoders rely on it). */
  static <T> void writeElement(Codec<T> codec, T value, BinaryWriter out, Codec<?> owner) {
    int before = out.size();
    codec.encode(value, out);
    if (out.size() == before) {
      throw new CodecException(
          "codec " + codec.shape() + " wrote no bytes for an element of " + owner.shape()
              + "; every value must take at least one byte");
    }
  }

  abstract static class Elements<T, C> extends BaseCodec<C> {
    final Codec<T> element;
    private final String kind;

    Elements(Codec<T> element, String kind) {
      this.element = element;
      this.kind = kind;
    }

    final void writeAll(Collection<T> values, BinaryWriter out) {
      if (values == null) {
        throw nullValue();
      }
      out.writeLength(values.size());
      for (T v : values) {
        writeElement(element, v, out, this);
      }
    }

    @Override
    final void describe(StringBuilder sb, List<Object> path) {
      sb.append(kind).append('<');
      describe(element, sb, path);
      sb.append('>');
    }
  }

  static final class ListCodec<T> extends Elements<T, List<T>> {
    ListCodec(Codec<T> element) {
      super(element, "list");
    }

    @Override
    public void encode(List<T> value, BinaryWriter out) {
      writeAll(value, out);
    }

    @Override
    List<T> read(BinaryReader in) {
      int n = in.readLength(1);
      in.charge(ELEMENT_COST * n + 32);
      List<T> list = new ArrayList<>(Math.min(n, MAX_PRESIZE));
      for (int i = 0; i < n; i++) {
        list.add(element.decode(in));
      }
      return Collections.unmodifiableList(list);
    }
  }

  static final class SetCodec<T> extends Elements<T, Set<T>> {
    SetCodec(Codec<T> element) {
      super(element, "set");
    }

    @Override
    public void encode(Set<T> value, BinaryWriter out) {
      writeAll(value, out);
    }

    @Override
    Set<T> read(BinaryReader in) {
      int n = in.readLength(1);
      in.charge(HASHED_ELEMENT_COST * n + 64);
      Set<T> set = new LinkedHashSet<>(capacity(n));
      HashFlooding guard = HashFlooding.forSize(n, shape());
      for (int i = 0; i < n; i++) {
        int at = in.position();
        T e = element.decode(in);
        guard.check(e, at);
        if (!set.add(e)) {
          throw new CodecException(shape(), at, "duplicate element");
        }
      }
      return Collections.unmodifiableSet(set);
    }
  }

  static final class ArrayCodec<T> extends Elements<T, T[]> {
    private final IntFunction<T[]> newArray;

    ArrayCodec(Codec<T> element, IntFunction<T[]> newArray) {
      super(element, "array");
      this.newArray = newArray;
    }

    @Override
    public void encode(T[] value, BinaryWriter out) {
      writeAll(value == null ? null : java.util.Arrays.asList(value), out);
    }

    @Override
    T[] read(BinaryReader in) {
      int n = in.readLength(1);
      in.charge(ELEMENT_COST * n + 32);
      List<T> list = new ArrayList<>(Math.min(n, MAX_PRESIZE));
      for (int i = 0; i < n; i++) {
        list.add(element.decode(in));
      }
      return list.toArray(newArray.apply(n));
    }
  }

  static final class MapCodec<K, V> extends BaseCodec<Map<K, V>> {
    private final Codec<K> key;
    private final Codec<V> value;

    MapCodec(Codec<K> key, Codec<V> value) {
      this.key = key;
      this.value = value;
    }

    @Override
    public void encode(Map<K, V> map, BinaryWriter out) {
      if (map == null) {
        throw nullValue();
      }
      out.writeLength(map.size());
      for (Map.Entry<K, V> e : map.entrySet()) {
        writeElement(key, e.getKey(), out, this);
        writeElement(value, e.getValue(), out, this);
      }
    }

    @Override
    Map<K, V> read(BinaryReader in) {
      int n = in.readLength(2);
      in.charge(HASHED_ELEMENT_COST * n + 64);
      Map<K, V> map = new LinkedHashMap<>(capacity(n));
      HashFlooding guard = HashFlooding.forSize(n, shape());
      for (int i = 0; i < n; i++) {
        int at = in.position();
        K k = key.decode(in);
        V v = value.decode(in);
        guard.check(k, at);
        if (map.containsKey(k)) {
          throw new CodecException(shape(), at, "duplicate key");
        }
        map.put(k, v);
      }
      return Collections.unmodifiableMap(map);
    }

    @Override
    void describe(StringBuilder sb, List<Object> path) {
      sb.append("map<");
      describe(key, sb, path);
      sb.append(',');
      describe(value, sb, path);
      sb.append('>');
    }
  }

  /** Estimated heap per element of a list or array (a slot and a small object). */
  private static final long ELEMENT_COST = 16;
  /** Estimated heap per element of a set or map (its entry, slot and object). */
  private static final long HASHED_ELEMENT_COST = 48;

  private static int capacity(int n) {
    return Math.min(n, MAX_PRESIZE) * 4 / 3 + 1;
  }
}
