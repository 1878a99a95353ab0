package dev.rpcparallel.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.rpcparallel.codec.TestTypes.Chain;
import dev.rpcparallel.codec.TestTypes.Color;
import dev.rpcparallel.codec.TestTypes.Leaf;
import dev.rpcparallel.codec.TestTypes.Node;
import dev.rpcparallel.codec.TestTypes.Shape;
import dev.rpcparallel.codec.TestTypes.Tree;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class HostileInputTest {

  /** Varint 2^31 followed by three bytes of "elements". */
  private static final byte[] HUGE_COUNT = {(byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x08, 1, 2, 3};

  @Test
  void countOfTwoToThe31FailsFastWithoutAllocating() {
    List<Codec<?>> codecs =
        List.of(Codecs.BYTES, Codecs.STRING, Codecs.INT_ARRAY, Codecs.LONG_ARRAY, Codecs.DOUBLE_ARRAY,
            Codecs.list(Codecs.INT), Codecs.set(Codecs.INT), Codecs.map(Codecs.INT, Codecs.INT),
            Codecs.array(Codecs.INT, Integer[]::new));
    assertTimeoutPreemptively(
        Duration.ofSeconds(2),
        () -> {
          for (Codec<?> codec : codecs) {
            assertThatThrownBy(() -> codec.fromBytes(HUGE_COUNT))
                .isInstanceOf(CodecException.class)
                .hasMessageContaining("length 2147483648 exceeds");
          }
        });
  }

  @Test
  void unknownSealedTagNamesShapeAndOffset() {
    byte[] bytes = {7};
    assertThatThrownBy(() -> Codecs.derive(Shape.class).fromBytes(bytes))
        .isInstanceOf(CodecException.class)
        .hasMessage(
            "cannot decode Shape=Circle{r:f64}|Rect{w:f64,h:f64}|Square{s:f64} at offset 0: unknown tag 7 (3 variants)");
    byte[] nested = {1, 1, 0, 0, 9}; // Node(Node(Leaf(0), <tag 9>), ...)
    assertThatThrownBy(() -> Codecs.derive(Tree.class).fromBytes(nested))
        .isInstanceOf(CodecException.class)
        .satisfies(e -> assertThat(((CodecException) e).offset()).isEqualTo(4))
        .hasMessageContaining("unknown tag 9");
  }

  @Test
  void unknownEnumOrdinalFails() {
    assertThatThrownBy(() -> Codecs.enumOf(Color.class).fromBytes(new byte[] {3}))
        .isInstanceOf(CodecException.class)
        .hasMessageContaining("enum Color{RED,GREEN,BLUE}")
        .hasMessageContaining("unknown ordinal 3");
  }

  @Test
  void invalidUtf8Fails() {
    byte[] bytes = {2, (byte) 0xC3, 0x28};
    assertThatThrownBy(() -> Codecs.STRING.fromBytes(bytes))
        .isInstanceOf(CodecException.class)
        .hasMessageContaining("malformed UTF-8");
  }

  @Test
  void invalidDurationNanosAndInstantSecondsFail() {
    BinaryWriter d = new BinaryWriter().writeVarLong(1).writeUnsignedVarLong(1_000_000_000);
    assertThatThrownBy(() -> Codecs.DURATION.fromBytes(d.toByteArray())).isInstanceOf(CodecException.class);
    BinaryWriter i = new BinaryWriter().writeVarLong(Long.MAX_VALUE).writeUnsignedVarLong(0);
    assertThatThrownBy(() -> Codecs.INSTANT.fromBytes(i.toByteArray())).isInstanceOf(CodecException.class);
  }

  @Test
  void millionDeepTreeFailsWithCodecException() {
    byte[] bytes = new byte[1_000_002];
    Arrays.fill(bytes, 0, 1_000_000, (byte) 1); // Node, left = Node, left = ...
    assertTimeoutPreemptively(
        Duration.ofSeconds(5),
        () ->
            assertThatThrownBy(() -> Codecs.derive(Tree.class).fromBytes(bytes))
                .isInstanceOf(CodecException.class)
                .hasMessageContaining("nested deeper than " + Codecs.MAX_DEPTH));
  }

  @Test
  void millionDeepChainFailsWithCodecException() {
    byte[] bytes = new byte[2_000_000];
    for (int i = 0; i < bytes.length; i += 2) {
      bytes[i] = 0; // value 0
      bytes[i + 1] = 1; // next present
    }
    assertThatThrownBy(() -> Codecs.derive(Chain.class).fromBytes(bytes))
        .isInstanceOf(CodecException.class)
        .hasMessageContaining("nested deeper than");
  }

  @Test
  void depthLimitIsSymmetric() {
    Codec<Tree> codec = Codecs.derive(Tree.class);
    assertThat(codec.fromBytes(codec.toBytes(leftSpine(Codecs.MAX_DEPTH)))).isEqualTo(leftSpine(Codecs.MAX_DEPTH));
    assertThatThrownBy(() -> codec.toBytes(leftSpine(Codecs.MAX_DEPTH + 1)))
        .isInstanceOf(CodecException.class)
        .hasMessageContaining("nested deeper than");
  }

  private static Tree leftSpine(int nodes) {
    Tree t = new Leaf(0);
    for (int i = 0; i < nodes; i++) {
      t = new Node(t, new Leaf(i));
    }
    return t;
  }

  @Test
  void strayExceptionsOfUserCodecsBecomeCodecExceptions() {
    Codec<Integer> flaky = Codec.of("flaky", (v, out) -> out.writeVarInt(v), in -> 10 / in.readVarInt());
    Codec<Optional<Integer>> codec = Codecs.optional(flaky);
    BinaryReader in = new BinaryReader(new byte[] {1, 0});
    assertThatThrownBy(() -> codec.decode(in))
        .isInstanceOf(CodecException.class)
        .hasMessageContaining("option<flaky>")
        .hasMessageContaining("ArithmeticException");
    Codec<Integer> mapped = Codecs.INT.xmap(i -> 10 / i, i -> i);
    assertThatThrownBy(() -> mapped.decode(new BinaryReader(new byte[] {0})))
        .isInstanceOf(CodecException.class);
  }
}
