package dev.rpcparallel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rpcparallel.RpcParallelException.Kind;
import dev.rpcparallel.codec.Codecs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A caller built against another version of a record gets a clear error, never wrong values. */
@Timeout(30)
class ShapeMismatchTest {
  /** The worker's version of the record. */
  record Point(int x, int y) {}

  /** The caller's (older) version: same name, different component types. */
  static final class Old {
    record Point(long x, long y) {}
  }

  public static final class PointWorker extends StatelessWorkerSpec {
    static final Rpc<PointWorker, Point, Integer> NORM = Rpc.of("norm", Codecs.derive(Point.class), Codecs.INT);

    @Override
    public void implement(Implementations<Void, Void> table) {
      table.rpc(NORM, (s, c, p) -> Math.abs(p.x()) + Math.abs(p.y()));
    }
  }

  @Test
  void mismatchNamesTheFunctionAndBothShapes() {
    Rpc<PointWorker, Old.Point, Integer> oldNorm = Rpc.of("norm", Codecs.derive(Old.Point.class), Codecs.INT);
    try (RpcParallel app = RpcParallel.create()) {
      Worker<PointWorker> w = app.serve(new PointWorker(), null);
      try (Connection<PointWorker> c = app.connect(w)) {
        assertThat(c.call(PointWorker.NORM, new Point(3, -4))).isEqualTo(7);
        assertThatThrownBy(() -> c.call(oldNorm, new Old.Point(3, 4)))
            .isInstanceOfSatisfying(RpcParallelException.class, e -> assertThat(e.kind()).isEqualTo(Kind.SHAPE_MISMATCH))
            .hasMessageContaining("function 'norm'")
            .hasMessageContaining("rpc(Point{x:i64,y:i64})->i32")
            .hasMessageContaining("rpc(Point{x:i32,y:i32})->i32");
        Pipe<PointWorker, Point, Integer> wrongKind = Pipe.of("norm", Codecs.derive(Point.class), Codecs.INT);
        assertThatThrownBy(() -> c.open(wrongKind, new Point(1, 1)))
            .isInstanceOfSatisfying(RpcParallelException.class, e -> assertThat(e.kind()).isEqualTo(Kind.SHAPE_MISMATCH));
      }
    }
  }
}
