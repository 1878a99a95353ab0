package dev.rpcparallel.codec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rpcparallel.codec.TestTypes.Catalog;
import dev.rpcparallel.codec.TestTypes.Color;
import dev.rpcparallel.codec.TestTypes.Empty;
import dev.rpcparallel.codec.TestTypes.Node;
import dev.rpcparallel.codec.TestTypes.Point;
import dev.rpcparallel.codec.TestTypes.Reply;
import dev.rpcparallel.codec.TestTypes.Shape;
import dev.rpcparallel.codec.TestTypes.Tree;
import dev.rpcparallel.codec.TestTypes.V2;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Shapes are part of the wire contract: these strings must not change. */
class ShapeTest {

  @Test
  void builtInShapes() {
    List<Codec<?>> codecs =
        List.of(Codecs.VOID, Codecs.BOOLEAN, Codecs.BYTE, Codecs.SHORT, Codecs.CHAR, Codecs.INT, Codecs.LONG,
            Codecs.FLOAT, Codecs.DOUBLE, Codecs.STRING, Codecs.BYTES, Codecs.UUID, Codecs.DURATION,
            Codecs.INSTANT, Codecs.INT_ARRAY, Codecs.LONG_ARRAY, Codecs.DOUBLE_ARRAY);
    assertThat(codecs)
        .extracting(Codec::shape)
        .containsExactly("unit", "bool", "i8", "i16", "char", "i32", "i64", "f32", "f64", "string", "bytes",
            "uuid", "duration", "instant", "i32[]", "i64[]", "f64[]");
  }

  @Test
  void combinatorShapes() {
    assertThat(Codecs.optional(Codecs.INT).shape()).isEqualTo("option<i32>");
    assertThat(Codecs.nullable(Codecs.STRING).shape()).isEqualTo("nullable<string>");
    assertThat(Codecs.list(Codecs.LONG).shape()).isEqualTo("list<i64>");
    assertThat(Codecs.set(Codecs.UUID).shape()).isEqualTo("set<uuid>");
    assertThat(Codecs.map(Codecs.STRING, Codecs.list(Codecs.DOUBLE)).shape()).isEqualTo("map<string,list<f64>>");
    assertThat(Codecs.array(Codecs.STRING, String[]::new).shape()).isEqualTo("array<string>");
    assertThat(Codecs.enumOf(Color.class).shape()).isEqualTo("enum Color{RED,GREEN,BLUE}");
    assertThat(Codecs.INT.withShape("age").shape()).isEqualTo("age");
    assertThat(Codecs.INT.xmap(i -> i, i -> i).shape()).isEqualTo("i32");
  }

  @Test
  void recordAndSealedShapes() {
    assertThat(Codecs.derive(Point.class).shape()).isEqualTo("Point{x:i32,y:i32}");
    assertThat(Codecs.derive(Empty.class).shape()).isEqualTo("Empty{}");
    assertThat(Codecs.derive(Shape.class).shape()).isEqualTo("Shape=Circle{r:f64}|Rect{w:f64,h:f64}|Square{s:f64}");
    assertThat(Codecs.derive(Catalog.class).shape())
        .isEqualTo(
            "Catalog{name:string,pages:list<map<string,option<Point{x:i32,y:i32}>>>,"
                + "color:enum Color{RED,GREEN,BLUE},"
                + "shapes:set<Shape=Circle{r:f64}|Rect{w:f64,h:f64}|Square{s:f64}>}");
    assertThat(Codecs.derive(Reply.class).shape()).isEqualTo("Reply{result:Result=Err{message:string}|Ok{value:i32}}");
  }

  @Test
  void recursiveShapesUseBackReferencesIndependentOfDerivationOrder() {
    assertThat(Codecs.derive(Tree.class).shape()).isEqualTo("Tree=Leaf{value:i32}|Node{left:@Tree,right:@Tree}");
    // Node's codec was built while deriving Tree, yet describes itself from its own root.
    assertThat(Codecs.derive(Node.class).shape())
        .isEqualTo("Node{left:Tree=Leaf{value:i32}|@Node,right:Tree=Leaf{value:i32}|@Node}");
    assertThat(Codecs.derive(TestTypes.Chain.class).shape()).isEqualTo("Chain{value:i32,next:option<@Chain>}");
  }

  @Test
  void sameFieldNamesWithOtherTypesHaveOtherShapes() {
    assertThat(Codecs.derive(V2.Point.class).shape()).isEqualTo("Point{x:i64,y:i64}");
    assertThat(Codecs.derive(V2.Point.class).shape()).isNotEqualTo(Codecs.derive(Point.class).shape());
  }
}
