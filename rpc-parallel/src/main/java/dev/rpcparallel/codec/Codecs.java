package dev.rpcparallel.codec;

import java.lang.reflect.Type;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.IntFunction;

/**
 * Built-in codecs, combinators and derivation of codecs from types.
 *
 * <p>Every codec here is immutable and thread-safe, never uses Java serialization, and on decode
 * either returns a value or throws {@link CodecException} (never another exception), allocates
 * only in proportion to the input and always terminates. Every value encodes to at least one
 * byte, which is what bounds element counts by the remaining input. Unless stated otherwise a
 * codec rejects a {@code null} value on encode with a {@link CodecException}; use {@link
 * #optional} or {@link #nullable} for absent values.
 *
 * <p>Shapes describe encodings so that two programs can check they agree: scalars are {@code
 * unit bool i8 i16 char i32 i64 f32 f64 string bytes uuid duration instant i32[] i64[] f64[]};
 * combinators are {@code option<T> nullable<T> list<T> set<T> map<K,V> array<T>} and {@code enum
 * Color{RED,GREEN}}; derived records are {@code Point{x:i32,y:i32}} and sealed types {@code
 * Shape=Circle{r:f64}|Square{s:f64}}, with {@code @Tree} referring back to a type already being
 * described and a nested sealed variant in parentheses.
 */
public final class Codecs {
  private Codecs() {}

  /**
   * How deeply recursive records may nest: deeper values fail to encode and to decode with a
   * {@link CodecException}, so hostile input cannot exhaust the stack.
   */
  public static final int MAX_DEPTH = 512;

  /** Shape {@code unit}: the only value, {@code null}, as one zero byte. Decodes to null. Thread-safe. */
  public static final Codec<Void> VOID = ScalarCodecs.VOID;

  /** Shape {@code bool}: one byte, 0 or 1. Rejects null. Thread-safe. */
  public static final Codec<Boolean> BOOLEAN = ScalarCodecs.BOOLEAN;

  /** Shape {@code i8}: one byte. Rejects null. Thread-safe. */
  public static final Codec<Byte> BYTE = ScalarCodecs.BYTE;

  /** Shape {@code i16}: a zig-zag varint, range-checked on decode. Rejects null. Thread-safe. */
  public static final Codec<Short> SHORT = ScalarCodecs.SHORT;

  /** Shape {@code char}: the UTF-16 code unit as an unsigned varint. Rejects null. Thread-safe. */
  public static final Codec<Character> CHAR = ScalarCodecs.CHAR;

  /** Shape {@code i32}: a zig-zag varint. Rejects null. Thread-safe. */
  public static final Codec<Integer> INT = ScalarCodecs.INT;

  /** Shape {@code i64}: a zig-zag varint. Rejects null. Thread-safe. */
  public static final Codec<Long> LONG = ScalarCodecs.LONG;

  /** Shape {@code f32}: 4 bytes, IEEE 754 bits, big-endian. Rejects null. Thread-safe. */
  public static final Codec<Float> FLOAT = ScalarCodecs.FLOAT;

  /** Shape {@code f64}: 8 bytes, IEEE 754 bits, big-endian. Rejects null. Thread-safe. */
  public static final Codec<Double> DOUBLE = ScalarCodecs.DOUBLE;

  /** Shape {@code string}: length-prefixed UTF-8; malformed UTF-8 fails to decode. Rejects null. Thread-safe. */
  public static final Codec<String> STRING = ScalarCodecs.STRING;

  /** Shape {@code bytes}: a length-prefixed byte array. Rejects null. Thread-safe. */
  public static final Codec<byte[]> BYTES = ScalarCodecs.BYTES;

  /** Shape {@code uuid}: 16 bytes, most significant half first. Rejects null. Thread-safe. */
  public static final Codec<java.util.UUID> UUID = ScalarCodecs.UUID_CODEC;

  /**
   * Shape {@code duration}: seconds as a zig-zag varint then nanoseconds (0 to 999,999,999,
   * checked on decode) as an unsigned varint. Rejects null. Thread-safe.
   */
  public static final Codec<Duration> DURATION = ScalarCodecs.DURATION;

  /**
   * Shape {@code instant}: epoch seconds as a zig-zag varint then nanoseconds as an unsigned
   * varint; both are checked against {@link Instant}'s range on decode. Rejects null. Thread-safe.
   */
  public static final Codec<Instant> INSTANT = ScalarCodecs.INSTANT;

  /** Shape {@code i32[]}: a length then zig-zag varints. Rejects a null array. Thread-safe. */
  public static final Codec<int[]> INT_ARRAY = ScalarCodecs.INT_ARRAY;

  /** Shape {@code i64[]}: a length then zig-zag varints. Rejects a null array. Thread-safe. */
  public static final Codec<long[]> LONG_ARRAY = ScalarCodecs.LONG_ARRAY;

  /** Shape {@code f64[]}: a length then 8-byte doubles. Rejects a null array. Thread-safe. */
  public static final Codec<double[]> DOUBLE_ARRAY = ScalarCodecs.DOUBLE_ARRAY;

  /**
   * Shape {@code option<T>}: a presence byte (0 or 1) then the value. Rejects a null Optional;
   * decodes to {@code Optional.ofNullable} of the inner value. Thread-safe.
   *
   * @throws NullPointerException if {@code codec} is null
   */
  public static <T> Codec<Optional<T>> optional(Codec<T> codec) {
    return new OptionCodecs.OptionalCodec<>(Objects.requireNonNull(codec, "codec"));
  }

  /**
   * Shape {@code nullable<T>}: a presence byte (0 or 1) then the value; encodes and decodes
   * {@code null}. Thread-safe.
   *
   * @throws NullPointerException if {@code codec} is null
   */
  public static <T> Codec<T> nullable(Codec<T> codec) {
    return new OptionCodecs.NullableCodec<>(Objects.requireNonNull(codec, "codec"));
  }

  /**
   * Shape {@code list<T>}: a count then the elements; decodes to an unmodifiable list. Rejects a
   * null list (null elements only if {@code element} accepts them). Thread-safe.
   *
   * @throws NullPointerException if {@code element} is null
   */
  public static <T> Codec<List<T>> list(Codec<T> element) {
    return new CollectionCodecs.ListCodec<>(Objects.requireNonNull(element, "element"));
  }

  /**
   * Shape {@code set<T>}: a count then the elements in iteration order; decodes to an
   * unmodifiable set keeping that order (a {@link java.util.LinkedHashSet}). Duplicate elements
   * fail to decode. Rejects a null set. Thread-safe.
   *
   * @throws NullPointerException if {@code element} is null
   */
  public static <T> Codec<Set<T>> set(Codec<T> element) {
    return new CollectionCodecs.SetCodec<>(Objects.requireNonNull(element, "element"));
  }

  /**
   * Shape {@code map<K,V>}: a count then key, value pairs in iteration order; decodes to an
   * unmodifiable map keeping that order (a {@link java.util.LinkedHashMap}). Duplicate keys fail
   * to decode. Rejects a null map. Thread-safe.
   *
   * @throws NullPointerException if a codec is null
   */
  public static <K, V> Codec<Map<K, V>> map(Codec<K> key, Codec<V> value) {
    return new CollectionCodecs.MapCodec<>(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
  }

  /**
   * Shape {@code array<T>}: a count then the elements; {@code newArray} creates the decoded
   * array (for example {@code String[]::new}). Rejects a null array. Thread-safe.
   *
   * @throws NullPointerException if an argument is null
   */
  public static <T> Codec<T[]> array(Codec<T> element, IntFunction<T[]> newArray) {
    return new CollectionCodecs.ArrayCodec<>(
        Objects.requireNonNull(element, "element"), Objects.requireNonNull(newArray, "newArray"));
  }

  /**
   * Shape {@code enum Name{A,B,C}} (simple name, constants in declaration order): the ordinal as
   * an unsigned varint; an unknown ordinal fails to decode. Rejects null. Thread-safe.
   *
   * @throws IllegalArgumentException if {@code type} is not an enum class
   */
  public static <E extends Enum<E>> Codec<E> enumOf(Class<E> type) {
    return new EnumCodec<>(Objects.requireNonNull(type, "type"));
  }

  /**
   * The codec of {@code type}, derived once and cached; equivalent to {@link #forType(Type)}.
   * Supports, in this order: the built-in types above (and their primitive forms); any class
   * declaring its own {@code public static final Codec<Self> CODEC} field (that codec is used);
   * enums; records (shape {@code Point{x:i32,y:i32}}: components in declaration order, decoded
   * through the canonical constructor); sealed interfaces and sealed abstract classes (shape
   * {@code Shape=Circle{r:f64}|Square{s:f64}}: tag = index of the permitted subclass sorted by
   * simple name); arrays; and {@code Optional}, {@code List}, {@code Set}, {@code Map} with such
   * type arguments, nested to any depth. Recursive types are supported.
   *
   * <p>Null record components fail to encode unless the component is annotated with an
   * annotation named {@code Nullable} (any package), which makes it {@link #nullable}. Thread-safe.
   *
   * @throws IllegalArgumentException naming the type and the path to it (for example {@code
   *     Point.owner: no codec for java.lang.Thread}) if a type has no codec, a generic type has
   *     unresolved type variables, or a record's constructor is not accessible
   */
  @SuppressWarnings("unchecked")
  public static <T> Codec<T> derive(Class<T> type) {
    return (Codec<T>) forType(type);
  }

  /**
   * The codec of a reflective type, for example a {@link java.lang.reflect.ParameterizedType}
   * such as {@code List<Map<String, Point>>} from a method signature. Derived once and cached;
   * see {@link #derive(Class)} for the supported types. Thread-safe.
   *
   * @throws IllegalArgumentException if the type or one of its parts has no codec
   */
  public static Codec<?> forType(Type type) {
    return TypeResolver.resolve(Objects.requireNonNull(type, "type"));
  }
}
