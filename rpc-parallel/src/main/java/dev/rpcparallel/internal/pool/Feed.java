package dev.rpcparallel.internal.pool;

import dev.rpcparallel.codec.Codec;
import dev.rpcparallel.codec.BinaryWriter;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;

/**
 * The inputs of a job, cut into contiguous batches as workers ask for them, each input encoded
 * once. Batches of a worker that died come back ({@link #retry}) and are handed out first. Not
 * thread-safe: the job's lock guards it.
 */
final class Feed<I> {
  /** A batch: {@code count} inputs from {@code firstIndex}, encoded back to back, and how often it was tried. */
  record Pending(long firstIndex, int count, byte[] items, int attempts) {}

  /** A batch stops growing at this many encoded bytes. */
  static final int MAX_BATCH_BYTES = 4 << 20;

  private final Iterator<? extends I> inputs;
  private final Codec<I> codec;
  private final long knownTotal;
  private final Deque<Pending> retries = new ArrayDeque<>();
  private long nextIndex;
  private boolean exhausted;

  /**
   * @param knownTotal the number of inputs if known in advance, else -1
   */
  Feed(Iterator<? extends I> inputs, Codec<I> codec, long knownTotal) {
    this.inputs = inputs;
    this.codec = codec;
    this.knownTotal = knownTotal;
  }

  /** The next batch of at most {@code max} inputs, or null if there is none now. */
  Pending next(int max) {
    Pending r = retries.pollFirst();
    if (r != null) {
      return r;
    }
    if (exhausted) {
      return null;
    }
    BinaryWriter items = new BinaryWriter(256);
    long first = nextIndex;
    int n = 0;
    while (n < max && items.size() < MAX_BATCH_BYTES && inputs.hasNext()) {
      I input = inputs.next();
      try {
        codec.encode(input, items);
      } catch (RuntimeException e) {
        throw new IllegalArgumentException("cannot encode input " + nextIndex + ": " + e.getMessage(), e);
      }
      nextIndex++;
      n++;
    }
    if (!inputs.hasNext()) {
      exhausted = true;
    }
    return n == 0 ? null : new Pending(first, n, items.toByteArray(), 0);
  }

  /** A batch whose worker died goes back, to be handed out before new inputs. */
  void retry(Pending p) {
    retries.addFirst(new Pending(p.firstIndex(), p.count(), p.items(), p.attempts() + 1));
  }

  /** Whether a batch of a dead worker waits to be handed out again. */
  boolean hasRetry() {
    return !retries.isEmpty();
  }

  /** Every input was handed out at least once, and no retry waits. */
  boolean drained() {
    return exhausted && retries.isEmpty();
  }

  /** The number of inputs, if known: in advance, or once the input is exhausted; else -1. */
  long total() {
    return knownTotal >= 0 ? knownTotal : exhausted ? nextIndex : -1;
  }

  /** An upper bound for batch sizes that keeps the end of a known-size job balanced. */
  int cap(int workers) {
    long total = total();
    return total < 0 ? Integer.MAX_VALUE : (int) Math.max(1, Math.min(Integer.MAX_VALUE, (total + 4L * workers - 1) / (4L * workers)));
  }
}
