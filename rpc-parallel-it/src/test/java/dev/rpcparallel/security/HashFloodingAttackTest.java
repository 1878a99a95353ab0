package dev.rpcparallel.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rpcparallel.codec.BinaryWriter;
import dev.rpcparallel.codec.Codec;
import dev.rpcparallel.codec.CodecException;
import dev.rpcparallel.codec.Codecs;
import dev.rpcparallel.fixtures.HostileTypes.Point;
import dev.rpcparallel.fixtures.HostileTypes.PointIndex;
import dev.rpcparallel.fixtures.HostileTypes.PointSet;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * <b>Attack: hash flooding.</b> 20,000 record keys whose hash codes are all equal ({@code
 * Point(i, C - 31 i)}: a record's hash code is {@code 31 x + y}), sent as a set or as the keys of a
 * map. Records are not {@link Comparable}, so a hash table degrades to a linear search per
 * insertion on such keys: decoding them would cost some 2 × 10^8 comparisons. The derived codecs
 * refuse a set or map with more than 64 keys of one hash code ({@link CodecException}, "... more
 * than 64 keys with the same hash code (refused: possible hash flooding)") after reading 65 of
 * them, using well under a second of CPU (asserted: 500 ms of the decoding thread's CPU time). A
 * legitimate map of 20,000 distinct keys, and a set with 64 colliding keys among others, decode.
 * The input is encoded by hand in the codecs' layout (length, then the elements), as an attacker
 * would write it; no hash table of the colliding keys is ever built by the test.
 */
@Timeout(60)
class HashFloodingAttackTest {
  private static final int KEYS = 20_000;
  private static final int SAME_HASH = 12_345;
  private static final long CPU_LIMIT_NANOS = 500_000_000L;
  private static final Codec<Point> POINT = Codecs.derive(Point.class);
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  private static Point colliding(int i) {
    return new Point(i, SAME_HASH - 31 * i);
  }

  /** The bytes of a PointSet (one component: a set, i.e. a length then the elements). */
  private static byte[] pointSet(int n, java.util.function.IntFunction<Point> point) {
    BinaryWriter w = new BinaryWriter();
    w.writeLength(n);
    for (int i = 0; i < n; i++) {
      POINT.encode(point.apply(i), w);
    }
    return w.toByteArray();
  }

  /** The bytes of a PointIndex (one component: a map, i.e. a length then key, value pairs). */
  private static byte[] pointIndex(int n, java.util.function.IntFunction<Point> point) {
    BinaryWriter w = new BinaryWriter();
    w.writeLength(n);
    for (int i = 0; i < n; i++) {
      POINT.encode(point.apply(i), w);
      Codecs.INT.encode(i, w);
    }
    return w.toByteArray();
  }

  /** Runs {@code decode}, returning the CPU time it took on this thread, and rethrowing what it threw. */
  private static <T> long cpuNanos(Callable<T> decode) throws Exception {
    long t0 = THREADS.getCurrentThreadCpuTime();
    try {
      decode.call();
    } finally {
      cpuSpent = THREADS.getCurrentThreadCpuTime() - t0;
    }
    return cpuSpent;
  }

  private static long cpuSpent;

  @Test
  void twentyThousandCollidingKeysAreRefusedQuickly() {
    assertThat(colliding(0).hashCode()).as("precondition: the keys collide")
        .isEqualTo(colliding(KEYS - 1).hashCode()).isEqualTo(colliding(777).hashCode());
    assertThat(colliding(0)).isNotEqualTo(colliding(1));
    Codec<PointSet> sets = Codecs.derive(PointSet.class);
    Codec<PointIndex> maps = Codecs.derive(PointIndex.class);
    byte[] set = pointSet(KEYS, HashFloodingAttackTest::colliding);
    byte[] map = pointIndex(KEYS, HashFloodingAttackTest::colliding);

    assertThatThrownBy(() -> cpuNanos(() -> sets.fromBytes(set)))
        .isInstanceOf(CodecException.class)
        .hasMessageContaining("more than 64 keys with the same hash code (refused: possible hash flooding)");
    long setCpu = cpuSpent;
    assertThatThrownBy(() -> cpuNanos(() -> maps.fromBytes(map)))
        .isInstanceOf(CodecException.class)
        .hasMessageContaining("more than 64 keys with the same hash code (refused: possible hash flooding)");
    long mapCpu = cpuSpent;
    System.out.printf("%d colliding keys (%d and %d bytes) refused after %.1f ms (set) and %.1f ms (map) of CPU%n",
        KEYS, set.length, map.length, setCpu / 1e6, mapCpu / 1e6);
    assertThat(setCpu).as("CPU nanoseconds to refuse the set").isLessThan(CPU_LIMIT_NANOS);
    assertThat(mapCpu).as("CPU nanoseconds to refuse the map").isLessThan(CPU_LIMIT_NANOS);
  }

  @Test
  void twentyThousandDistinctKeysDecode() throws Exception {
    Codec<PointIndex> maps = Codecs.derive(PointIndex.class);
    byte[] map = pointIndex(KEYS, i -> new Point(i, i));
    long cpu = cpuNanos(() -> maps.fromBytes(map));
    PointIndex decoded = maps.fromBytes(map);
    assertThat(decoded.index()).hasSize(KEYS).containsEntry(new Point(4321, 4321), 4321);
    System.out.printf("%d distinct keys decoded in %.1f ms of CPU%n", KEYS, cpu / 1e6);

    // Up to 64 keys of one hash code are honest data: accepted.
    byte[] some = pointSet(KEYS, i -> i < 64 ? colliding(i) : new Point(i, i));
    assertThat(Codecs.derive(PointSet.class).fromBytes(some).points()).hasSize(KEYS).contains(colliding(63));
  }
}
