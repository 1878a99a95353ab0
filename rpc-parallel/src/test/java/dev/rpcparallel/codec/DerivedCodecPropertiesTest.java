package dev.rpcparallel.codec;

import dev.rpcparallel.codec.TestTypes.Catalog;
import dev.rpcparallel.codec.TestTypes.Chain;
import dev.rpcparallel.codec.TestTypes.Circle;
import dev.rpcparallel.codec.TestTypes.Color;
import dev.rpcparallel.codec.TestTypes.Leaf;
import dev.rpcparallel.codec.TestTypes.Node;
import dev.rpcparallel.codec.TestTypes.Point;
import dev.rpcparallel.codec.TestTypes.Rect;
import dev.rpcparallel.codec.TestTypes.Shape;
import dev.rpcparallel.codec.TestTypes.Square;
import dev.rpcparallel.codec.TestTypes.Tree;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Round trips of derived codecs; the generators are reused by the hostile-input tests. */
class DerivedCodecPropertiesTest {

  @Property(tries = 300)
  void points(@ForAll("points") Point p) {
    Roundtrip.check(Codecs.derive(Point.class), p);
  }

  @Property(tries = 300)
  void sealedShapes(@ForAll("shapes") Shape s) {
    Roundtrip.check(Codecs.derive(Shape.class), s);
  }

  @Property(tries = 300)
  void recursiveTrees(@ForAll("trees") Tree t) {
    Roundtrip.check(Codecs.derive(Tree.class), t);
  }

  @Property(tries = 200)
  void catalogs(@ForAll("catalogs") Catalog c) {
    Roundtrip.check(Codecs.derive(Catalog.class), c);
  }

  @Property(tries = 200)
  void chains(@ForAll List<Integer> values) {
    Optional<Chain> chain = Optional.empty();
    for (int v : values) {
      chain = Optional.of(new Chain(v, chain));
    }
    Roundtrip.check(Codecs.derive(Chain.class), new Chain(0, chain));
  }

  @Provide
  static Arbitrary<Point> points() {
    return Combinators.combine(Arbitraries.integers(), Arbitraries.integers()).as(Point::new);
  }

  @Provide
  static Arbitrary<Shape> shapes() {
    Arbitrary<Double> d = Arbitraries.doubles();
    return Arbitraries.oneOf(
        d.map(Circle::new), d.map(Square::new), Combinators.combine(d, d).as(Rect::new));
  }

  @Provide
  static Arbitrary<Tree> trees() {
    return Arbitraries.recursive(
        () -> Arbitraries.integers().map(Leaf::new),
        sub -> Combinators.combine(sub, sub).as(Node::new),
        0,
        6);
  }

  @Provide
  static Arbitrary<Catalog> catalogs() {
    Arbitrary<Map<String, Optional<Point>>> page =
        Arbitraries.maps(Arbitraries.strings().alpha().ofMaxLength(8), points().optional()).ofMaxSize(4);
    Arbitrary<Set<Shape>> shapeSet = shapes().list().ofMaxSize(4).map(LinkedHashSet::new);
    return Combinators.combine(
            Arbitraries.strings().alpha().ofMaxLength(10),
            page.list().ofMaxSize(4),
            Arbitraries.of(Color.class),
            shapeSet)
        .as(Catalog::new);
  }
}
