package dev.rpcparallel.codec;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Types the codec tests derive codecs for. */
final class TestTypes {
  private TestTypes() {}

  record Point(int x, int y) {}

  /** Same simple name and component names as {@link Point}, other component types. */
  static final class V2 {
    record Point(long x, long y) {}
  }

  sealed interface Tree permits Leaf, Node {}

  record Leaf(int value) implements Tree {}

  record Node(Tree left, Tree right) implements Tree {}

  sealed interface Shape permits Circle, Square, Rect {}

  record Circle(double r) implements Shape {}

  record Square(double s) implements Shape {}

  record Rect(double w, double h) implements Shape {}

  enum Color {
    RED,
    GREEN,
    BLUE
  }

  record Catalog(String name, List<Map<String, Optional<Point>>> pages, Color color, Set<Shape> shapes) {}

  record Empty() {}

  record Positive(int n) {
    Positive {
      if (n <= 0) {
        throw new IllegalArgumentException("n must be positive");
      }
    }
  }

  record Named(String name) {}

  @Retention(RetentionPolicy.RUNTIME)
  @Target({ElementType.RECORD_COMPONENT, ElementType.TYPE_USE})
  @interface Nullable {}

  record MaybeNamed(@Nullable String name) {}

  record Box<T>(T v) {}

  record Holder(Box<String> box, List<Box<Point>> points) {}

  sealed interface Result<T> permits Ok, Err {}

  record Ok<T>(T value) implements Result<T> {}

  record Err<T>(String message) implements Result<T> {}

  record Reply(Result<Integer> result) {}

  record Owned(Point at, Thread owner) {}

  /** A user type with its own codec: cents as a decimal string, shape "money". */
  record Money(long cents) {
    public static final Codec<Money> CODEC =
        Codec.of(
            "money",
            (m, out) -> out.writeString(Long.toString(m.cents())),
            in -> new Money(Long.parseLong(in.readString())));
  }

  record Wallet(Money balance, List<Money> history) {}

  /** A linked list through a record: recursion without a sealed type. */
  record Chain(int value, Optional<Chain> next) {}
}
