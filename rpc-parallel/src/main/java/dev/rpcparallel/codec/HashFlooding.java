package dev.rpcparallel.codec;

import java.util.HashMap;
import java.util.Map;

/**
 * Refuses sets and maps whose keys share one hash code too often: hash-based collections degrade
 * to a linear search per insertion on keys with equal hash codes that are not {@link Comparable}
 * (records, for instance), so a few kilobytes of crafted keys could cost seconds of CPU. Honest
 * data rarely has more than a handful of distinct keys with the same hash code.
 */
final class HashFlooding {
  /** Most keys of one set or map that may share a hash code. */
  static final int MAX_SAME_HASH = 64;

  private static final HashFlooding NONE = new HashFlooding(null, "");

  private final Map<Integer, int[]> counts;
  private final String shape;

  private HashFlooding(Map<Integer, int[]> counts, String shape) {
    this.counts = counts;
    this.shape = shape;
  }

  /** A guard for a collection of {@code n} keys (small ones cannot be slow: no guard). */
  static HashFlooding forSize(int n, String shape) {
    return n <= MAX_SAME_HASH ? NONE : new HashFlooding(new HashMap<>(), shape);
  }

  void check(Object key, int offset) {
    if (counts == null) {
      return;
    }
    int[] c = counts.computeIfAbsent(key == null ? 0 : key.hashCode(), h -> new int[1]);
    if (++c[0] > MAX_SAME_HASH) {
      throw new CodecException(shape, offset,
          "more than " + MAX_SAME_HASH + " keys with the same hash code (refused: possible hash flooding)");
    }
  }
}
