package dev.rpcparallel.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.rpcparallel.codec.TestTypes.Catalog;
import dev.rpcparallel.codec.TestTypes.Chain;
import dev.rpcparallel.codec.TestTypes.Color;
import dev.rpcparallel.codec.TestTypes.Holder;
import dev.rpcparallel.codec.TestTypes.Reply;
import dev.rpcparallel.codec.TestTypes.Shape;
import dev.rpcparallel.codec.TestTypes.Tree;
import dev.rpcparallel.codec.TestTypes.Wallet;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

/**
 * Any input, random or a damaged valid encoding, must decode to a value or fail with a
 * CodecException: never another exception, never a hang.
 */
class HostileInputPropertiesTest {
  private static final Duration GUARD = Duration.ofSeconds(10);

  static final List<Codec<?>> CODECS =
      List.of(
          Codecs.VOID, Codecs.BOOLEAN, Codecs.BYTE, Codecs.SHORT, Codecs.CHAR, Codecs.INT, Codecs.LONG,
          Codecs.FLOAT, Codecs.DOUBLE, Codecs.STRING, Codecs.BYTES, Codecs.UUID, Codecs.DURATION,
          Codecs.INSTANT, Codecs.INT_ARRAY, Codecs.LONG_ARRAY, Codecs.DOUBLE_ARRAY,
          Codecs.optional(Codecs.STRING), Codecs.nullable(Codecs.INT), Codecs.list(Codecs.VOID),
          Codecs.set(Codecs.LONG), Codecs.map(Codecs.STRING, Codecs.list(Codecs.INSTANT)),
          Codecs.array(Codecs.DURATION, Duration[]::new), Codecs.enumOf(Color.class),
          Codecs.derive(Tree.class), Codecs.derive(Shape.class), Codecs.derive(Catalog.class),
          Codecs.derive(Chain.class), Codecs.derive(Holder.class), Codecs.derive(Reply.class),
          Codecs.derive(Wallet.class));

  /** Decodes {@code bytes} with every codec; only values and CodecExceptions are allowed. */
  static void decodeWithAll(byte[] bytes) {
    assertTimeoutPreemptively(
        GUARD,
        () -> {
          for (Codec<?> codec : CODECS) {
            try {
              codec.fromBytes(bytes);
            } catch (CodecException expected) {
              assertThat(expected.offset()).isBetween(0L, (long) bytes.length);
            }
          }
        });
  }

  @Property(tries = 1000)
  void randomBytes(@ForAll @Size(max = 64) byte[] bytes) {
    decodeWithAll(bytes);
  }

  @Property(tries = 1000)
  void randomSmallBytes(@ForAll("smallBytes") byte[] bytes) {
    decodeWithAll(bytes); // bytes 0..3 reach deep into tags, presence bytes and counts
  }

  @Property(tries = 300)
  void everyTruncationOfACatalogFails(@ForAll("catalogs") Catalog catalog) {
    assertTruncationsFail(Codecs.derive(Catalog.class), catalog);
  }

  @Property(tries = 300)
  void everyTruncationOfATreeFails(@ForAll("trees") Tree tree) {
    assertTruncationsFail(Codecs.derive(Tree.class), tree);
  }

  @Property(tries = 1000)
  void corruptedEncodingsDecodeOrFail(@ForAll("catalogs") Catalog catalog, @ForAll int at, @ForAll byte value) {
    byte[] bytes = Codecs.derive(Catalog.class).toBytes(catalog);
    bytes[Math.floorMod(at, bytes.length)] = value;
    decodeWithAll(bytes);
  }

  private static <T> void assertTruncationsFail(Codec<T> codec, T value) {
    byte[] bytes = codec.toBytes(value);
    assertTimeoutPreemptively(
        GUARD,
        () -> {
          for (int n = 0; n < bytes.length; n++) {
            byte[] prefix = Arrays.copyOf(bytes, n);
            assertThatThrownBy(() -> codec.fromBytes(prefix)).isInstanceOf(CodecException.class);
          }
        });
  }

  @Provide
  Arbitrary<byte[]> smallBytes() {
    return Arbitraries.bytes().between((byte) 0, (byte) 3).array(byte[].class).ofMaxSize(40);
  }

  @Provide
  Arbitrary<Catalog> catalogs() {
    return DerivedCodecPropertiesTest.catalogs();
  }

  @Provide
  Arbitrary<Tree> trees() {
    return DerivedCodecPropertiesTest.trees();
  }
}
