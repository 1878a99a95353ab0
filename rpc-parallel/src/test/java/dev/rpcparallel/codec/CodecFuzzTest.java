package dev.rpcparallel.codec;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.rpcparallel.codec.TestTypes.Catalog;
import dev.rpcparallel.codec.TestTypes.Box;
import dev.rpcparallel.codec.TestTypes.Chain;
import dev.rpcparallel.codec.TestTypes.Circle;
import dev.rpcparallel.codec.TestTypes.Color;
import dev.rpcparallel.codec.TestTypes.Empty;
import dev.rpcparallel.codec.TestTypes.Holder;
import dev.rpcparallel.codec.TestTypes.Leaf;
import dev.rpcparallel.codec.TestTypes.MaybeNamed;
import dev.rpcparallel.codec.TestTypes.Node;
import dev.rpcparallel.codec.TestTypes.Ok;
import dev.rpcparallel.codec.TestTypes.Point;
import dev.rpcparallel.codec.TestTypes.Positive;
import dev.rpcparallel.codec.TestTypes.Rect;
import dev.rpcparallel.codec.TestTypes.Reply;
import dev.rpcparallel.codec.TestTypes.Shape;
import dev.rpcparallel.codec.TestTypes.Tree;
import dev.rpcparallel.fuzz.Fuzz;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Fuzzes the decoding of every built-in codec, every combinator and derived records, sealed
 * types, enums and recursive types. The first input byte picks the codec ({@link #CODECS}, taken
 * modulo its size), the rest is decoded. Invariants:
 *
 * <ul>
 *   <li>decoding returns a value or throws {@link CodecException}, nothing else, with an offset
 *       inside the input, and never by wrapping a stray runtime exception of a built-in codec
 *       (BaseCodec turns e.g. an ArrayIndexOutOfBoundsException into a CodecException "unexpected
 *       ...", which would hide the bug; {@link Fuzz#wrapsStrayException} tells them apart);
 *   <li>it allocates at most a constant plus a fixed multiple of the input (the decode budget
 *       is {@link BinaryReader#AMPLIFICATION} estimated bytes per input byte);
 *   <li>a decoded value encodes again, that encoding is no longer than the input (encodings are
 *       minimal), and decoding it gives a value with the same encoding.
 * </ul>
 *
 * <p>Entries are only ever appended to {@link #CODECS}: the first byte of the seed files in
 * {@code CodecFuzzTestInputs} refers to them by position.
 */
class CodecFuzzTest {

  record Scalars(boolean b, byte i8, short i16, char c, int i, long l, float f, double d, String s, byte[] bytes,
      UUID u, Duration dur, Instant at, int[] ia, long[] la, double[] da) {}

  record Keys(Map<Point, String> byPoint, Set<List<Integer>> sets, Map<Color, Set<Short>> byColor) {}

  record Nested(Optional<List<Optional<Tree>>> trees, Map<String, Map<String, List<Character>>> deep) {}

  @SuppressWarnings("unchecked") // Optional[]::new for array<option<uuid>>
  static final List<Codec<?>> CODECS = List.of(
      // 0..16: scalars and primitive arrays
      Codecs.VOID, Codecs.BOOLEAN, Codecs.BYTE, Codecs.SHORT, Codecs.CHAR, Codecs.INT, Codecs.LONG,
      Codecs.FLOAT, Codecs.DOUBLE, Codecs.STRING, Codecs.BYTES, Codecs.UUID, Codecs.DURATION,
      Codecs.INSTANT, Codecs.INT_ARRAY, Codecs.LONG_ARRAY, Codecs.DOUBLE_ARRAY,
      // 17..30: combinators
      Codecs.optional(Codecs.STRING), Codecs.optional(Codecs.VOID), Codecs.nullable(Codecs.INT),
      Codecs.nullable(Codecs.nullable(Codecs.VOID)), Codecs.list(Codecs.VOID), Codecs.list(Codecs.BYTES),
      Codecs.list(Codecs.list(Codecs.list(Codecs.BOOLEAN))), Codecs.set(Codecs.LONG), Codecs.set(Codecs.STRING),
      Codecs.set(Codecs.nullable(Codecs.DOUBLE)), Codecs.map(Codecs.STRING, Codecs.list(Codecs.INSTANT)),
      Codecs.map(Codecs.INT, Codecs.VOID), Codecs.array(Codecs.DURATION, Duration[]::new),
      Codecs.array(Codecs.optional(Codecs.UUID), Optional[]::new),
      // 31..: enums and derived types
      Codecs.enumOf(Color.class), Codecs.derive(Point.class), Codecs.derive(Empty.class),
      Codecs.derive(Tree.class), Codecs.derive(Shape.class), Codecs.derive(Catalog.class),
      Codecs.derive(Chain.class), Codecs.derive(Holder.class), Codecs.derive(Reply.class),
      Codecs.derive(MaybeNamed.class), Codecs.derive(Positive.class), Codecs.derive(Scalars.class),
      Codecs.derive(Keys.class), Codecs.derive(Nested.class), Codecs.derive(Point[].class),
      Codecs.set(Codecs.derive(Point.class)), Codecs.map(Codecs.derive(Tree.class), Codecs.derive(Chain.class)),
      Codecs.list(Codecs.derive(Empty.class)),
      // mapped and renamed built-ins
      Codecs.STRING.xmap(String::length, n -> "x".repeat(n)), Codecs.INT.withShape("renamed"));

  private static final UUID AN_ID = UUID.fromString("01234567-89ab-cdef-0123-456789abcdef");

  /** A value of each codec of {@link #CODECS}, at the same position: the seeds are their encodings. */
  static final List<Object> SAMPLES = Arrays.asList(
      null, true, (byte) -5, (short) -300, '\u00e9', Integer.MIN_VALUE, Long.MAX_VALUE, Float.NaN, -0.0,
      "h\u00e9llo \ud83d\ude00", new byte[] {1, 2, 3}, AN_ID, Duration.ofSeconds(-5, 999_999_999), Instant.MAX,
      new int[] {1, -1, Integer.MAX_VALUE}, new long[] {Long.MIN_VALUE, 0}, new double[] {1.5, Double.NaN},
      Optional.of("x"), Optional.empty(), 7, null, Arrays.asList(null, null, null),
      List.of(new byte[] {1}, new byte[0]), List.of(List.of(List.of(true, false)), List.of()),
      new LinkedHashSet<>(List.of(1L, 2L, 300L)), new LinkedHashSet<>(List.of("a", "b")),
      new LinkedHashSet<>(Arrays.asList(null, 1.0)), Map.of("a", List.of(Instant.EPOCH)),
      mapOf(1, null, 2, null), new Duration[] {Duration.ZERO, Duration.ofMillis(1)},
      new Optional<?>[] {Optional.empty(), Optional.of(AN_ID)},
      Color.BLUE, new Point(1, -2), new Empty(), new Node(new Leaf(1), new Node(new Leaf(2), new Leaf(3))),
      new Rect(1, 2),
      new Catalog("c", List.of(Map.of("p", Optional.of(new Point(1, 2)))), Color.GREEN, Set.of(new Circle(1))),
      new Chain(1, Optional.of(new Chain(2, Optional.empty()))),
      new Holder(new Box<>("b"), List.of(new Box<>(new Point(3, 4)))), new Reply(new Ok<>(5)), new MaybeNamed(null),
      new Positive(3),
      new Scalars(true, (byte) 1, (short) 2, 'c', 4, 5L, 6f, 7d, "s", new byte[] {8}, AN_ID, Duration.ofDays(1),
          Instant.EPOCH, new int[] {9}, new long[] {10}, new double[] {11}),
      new Keys(Map.of(new Point(1, 1), "a"), Set.of(List.of(1, 2)), Map.of(Color.RED, Set.of((short) 1))),
      new Nested(Optional.of(List.of(Optional.of(new Leaf(1)), Optional.empty())), Map.of("a", Map.of("b", List.of('c')))),
      new Point[] {new Point(1, 2)}, Set.of(new Point(5, 6)), Map.of(new Leaf(1), new Chain(1, Optional.empty())),
      List.of(new Empty(), new Empty()), 3, 42);

  private static Map<Integer, Void> mapOf(Integer k1, Void v1, Integer k2, Void v2) {
    Map<Integer, Void> m = new LinkedHashMap<>();
    m.put(k1, v1);
    m.put(k2, v2);
    return m;
  }

  @FuzzTest(maxDuration = "30s")
  @Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void decode(byte[] data) {
    if (data.length == 0) {
      return;
    }
    Codec<?> codec = CODECS.get((data[0] & 0xFF) % CODECS.size());
    byte[] bytes = Arrays.copyOfRange(data, 1, data.length);
    Fuzz.checkAllocation(() -> check(codec, bytes), bytes.length, 1 << 20, 256, codec.shape());
  }

  /**
   * Writes the seed corpus: a valid encoding of each sample, counts and lengths at their edges
   * (0, 1, 2^31-1, 2^32-1, 2^63-1, 2^64-1 as a 10-byte varint) and values nested past {@link
   * Codecs#MAX_DEPTH}.
   */
  @Test
  @EnabledIfSystemProperty(named = Fuzz.WRITE_SEEDS, matches = "true")
  @SuppressWarnings("unchecked")
  void writeSeeds() {
    if (SAMPLES.size() != CODECS.size()) {
      throw new AssertionError(SAMPLES.size() + " samples for " + CODECS.size() + " codecs");
    }
    Map<String, byte[]> seeds = new LinkedHashMap<>();
    for (int i = 0; i < CODECS.size(); i++) {
      Codec<Object> codec = (Codec<Object>) CODECS.get(i);
      seeds.put(i + "-valid", Fuzz.concat(Fuzz.b(i), codec.toBytes(SAMPLES.get(i))));
    }
    long[] edges = {0, 1, Integer.MAX_VALUE, 0xFFFF_FFFFL, Long.MAX_VALUE, -1};
    for (int i : new int[] {9, 10, 14, 15, 16, 21, 22, 24, 27, 28, 29, 45}) {
      for (long n : edges) {
        BinaryWriter w = new BinaryWriter().writeByte(i).writeUnsignedVarLong(n);
        seeds.put(i + "-count-" + Long.toUnsignedString(n), Fuzz.concat(w.toByteArray(), new byte[] {0, 1, 0, 0}));
      }
    }
    seeds.put("5-overlong-varint", Fuzz.b(5, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01));
    seeds.put("5-eleven-byte-varint", Fuzz.b(5, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00));
    byte[] deepChain = new byte[2 * 600 + 3];
    deepChain[0] = 37;
    for (int k = 1; k < deepChain.length - 2; k += 2) {
      deepChain[k] = 2;
      deepChain[k + 1] = 1;
    }
    deepChain[deepChain.length - 2] = 2;
    seeds.put("37-chain-600-deep", deepChain);
    byte[] deepTree = new byte[602 + 4];
    deepTree[0] = 34;
    Arrays.fill(deepTree, 1, 601, (byte) 1); // Node, Node, ...: tags sort by simple name (Leaf 0, Node 1)
    seeds.put("34-tree-600-deep", deepTree);
    Fuzz.writeSeeds(CodecFuzzTest.class, "decode", seeds);
  }

  static <T> void check(Codec<T> codec, byte[] bytes) {
    T value;
    try {
      value = codec.fromBytes(bytes);
    } catch (CodecException e) {
      if (e.offset() < 0 || e.offset() > bytes.length) {
        throw new AssertionError("offset " + e.offset() + " outside the " + bytes.length + " input bytes: " + e.getMessage(), e);
      }
      if (Fuzz.wrapsStrayException(e)) {
        throw new AssertionError("a built-in codec failed with a stray exception: " + e.getMessage(), e);
      }
      return;
    }
    byte[] again = codec.toBytes(value);
    if (again.length > bytes.length) {
      throw new AssertionError(codec.shape() + ": the value decoded from " + bytes.length + " bytes encodes to "
          + again.length + " bytes");
    }
    byte[] third = codec.toBytes(codec.fromBytes(again));
    if (!Arrays.equals(again, third)) {
      throw new AssertionError(codec.shape() + ": re-encoding is not stable: " + Arrays.toString(again) + " then "
          + Arrays.toString(third));
    }
  }
}
