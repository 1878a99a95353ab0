package dev.rpcparallel.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rpcparallel.codec.TestTypes.Box;
import dev.rpcparallel.codec.TestTypes.Holder;
import dev.rpcparallel.codec.TestTypes.MaybeNamed;
import dev.rpcparallel.codec.TestTypes.Money;
import dev.rpcparallel.codec.TestTypes.Named;
import dev.rpcparallel.codec.TestTypes.Ok;
import dev.rpcparallel.codec.TestTypes.Err;
import dev.rpcparallel.codec.TestTypes.Owned;
import dev.rpcparallel.codec.TestTypes.Point;
import dev.rpcparallel.codec.TestTypes.Positive;
import dev.rpcparallel.codec.TestTypes.Reply;
import dev.rpcparallel.codec.TestTypes.Tree;
import dev.rpcparallel.codec.TestTypes.Wallet;
import java.lang.reflect.Type;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class DerivationTest {

  /** Generic types to resolve, read from this method's signature. */
  @SuppressWarnings("unused")
  private static List<Map<String, Point>> sample() {
    return List.of();
  }

  @Test
  void userCodecFieldIsUsed() throws Exception {
    assertThat(Codecs.derive(Money.class).shape()).isEqualTo("money");
    Codec<Wallet> codec = Codecs.derive(Wallet.class);
    assertThat(codec.shape()).isEqualTo("Wallet{balance:money,history:list<money>}");
    Wallet w = new Wallet(new Money(1234), List.of(new Money(1), new Money(-5)));
    Roundtrip.check(codec, w);
    // The bytes are those of the user codec: "1234" as a string.
    BinaryReader in = new BinaryReader(codec.toBytes(w));
    assertThat(in.readString()).isEqualTo("1234");
  }

  @Test
  void userCodecFailuresBecomeCodecExceptions() {
    byte[] notANumber = Codecs.STRING.toBytes("x");
    assertThatThrownBy(() -> Codecs.derive(Money.class).decode(new BinaryReader(notANumber)))
        .isInstanceOf(CodecException.class)
        .hasMessageContaining("cannot decode money at offset")
        .hasMessageContaining("NumberFormatException");
  }

  @Test
  void forTypeResolvesNestedGenerics() throws Exception {
    Type type = DerivationTest.class.getDeclaredMethod("sample").getGenericReturnType();
    @SuppressWarnings("unchecked")
    Codec<List<Map<String, Point>>> codec = (Codec<List<Map<String, Point>>>) Codecs.forType(type);
    assertThat(codec.shape()).isEqualTo("list<map<string,Point{x:i32,y:i32}>>");
    Roundtrip.check(codec, List.of(Map.of("a", new Point(1, 2)), Map.of()));
    assertThat(Codecs.forType(type)).isSameAs(codec);
  }

  @Test
  void genericRecordsWithConcreteArguments() {
    Codec<Holder> codec = Codecs.derive(Holder.class);
    assertThat(codec.shape()).isEqualTo("Holder{box:Box{v:string},points:list<Box{v:Point{x:i32,y:i32}}>}");
    Roundtrip.check(codec, new Holder(new Box<>("s"), List.of(new Box<>(new Point(3, 4)))));
    Codec<Reply> reply = Codecs.derive(Reply.class);
    Roundtrip.check(reply, new Reply(new Ok<>(7)));
    Roundtrip.check(reply, new Reply(new Err<>("boom")));
  }

  @Test
  void unresolvedTypeVariablesFailAtDeriveTime() {
    assertThatThrownBy(() -> Codecs.derive(Box.class))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("Box.v: unresolved type variable T");
  }

  @Test
  void unsupportedTypesNameTypeAndPath() {
    assertThatThrownBy(() -> Codecs.derive(Owned.class))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Owned.owner: no codec for java.lang.Thread");
    assertThatThrownBy(() -> Codecs.derive(Object.class))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Object: no codec for java.lang.Object");
    // The failed derivation cached nothing: Point still derives normally.
    assertThat(Codecs.derive(Point.class).shape()).isEqualTo("Point{x:i32,y:i32}");
  }

  @Test
  void nullComponentsAreRejectedUnlessNullable() {
    assertThatThrownBy(() -> Codecs.derive(Named.class).toBytes(new Named(null)))
        .isInstanceOf(CodecException.class)
        .hasMessage("null in component name of Named; use Optional or a nullable codec");
    Codec<MaybeNamed> maybe = Codecs.derive(MaybeNamed.class);
    assertThat(maybe.shape()).isEqualTo("MaybeNamed{name:nullable<string>}");
    Roundtrip.check(maybe, new MaybeNamed(null));
    Roundtrip.check(maybe, new MaybeNamed("n"));
  }

  @Test
  void decodingRunsTheCanonicalConstructor() {
    Codec<Positive> codec = Codecs.derive(Positive.class);
    Roundtrip.check(codec, new Positive(3));
    assertThatThrownBy(() -> codec.decode(new BinaryReader(Codecs.INT.toBytes(-1))))
        .isInstanceOf(CodecException.class)
        .hasMessageContaining("Positive{n:i32}")
        .hasMessageContaining("n must be positive");
  }

  @Test
  void derivedCodecsAreCachedAndThreadSafe() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<Codec<Tree>>> futures =
          pool.invokeAll(List.of(() -> Codecs.derive(Tree.class), () -> Codecs.derive(Tree.class),
              () -> Codecs.derive(Tree.class), () -> Codecs.derive(Tree.class)));
      for (Future<Codec<Tree>> f : futures) {
        assertThat(f.get()).isSameAs(Codecs.derive(Tree.class));
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
