package dev.rpcparallel.internal.pool;

import dev.rpcparallel.Connection;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One worker of a pool: its connection (the worker exits when it closes), its place, and how
 * big its batches should be. Several jobs may share a worker: each reserves room on it before
 * sending ({@link #tryReserve}). Thread-safe.
 */
final class Slot {
  /** Batches (or combines) a worker may have in flight: one running, one waiting behind it. */
  static final int DEPTH = 2;
  private static final double TARGET_BATCH_SECONDS = 0.025;
  private static final int MAX_AUTO_BATCH = 16_384;

  final Connection<PoolWorker> connection;
  final int group;
  final int index;
  final String name;
  volatile boolean dead;
  private final AtomicInteger inFlight = new AtomicInteger();
  private volatile double secondsPerItem = -1;

  Slot(Connection<PoolWorker> connection, int group, int index, String name) {
    this.connection = connection;
    this.group = group;
    this.index = index;
    this.name = name;
  }

  /** Takes room for one more batch if fewer than {@link #DEPTH} are in flight. */
  boolean tryReserve() {
    while (true) {
      int n = inFlight.get();
      if (n >= DEPTH) {
        return false;
      }
      if (inFlight.compareAndSet(n, n + 1)) {
        return true;
      }
    }
  }

  /** Gives back room taken by {@link #tryReserve}. */
  void release() {
    inFlight.decrementAndGet();
  }

  /** The next batch's size: {@code fixed} if given, else grown until a batch takes about 25 ms. */
  int batchSize(int fixed, int cap) {
    if (fixed > 0) {
      return fixed;
    }
    double perItem = secondsPerItem;
    if (perItem < 0) {
      return 1;
    }
    long n = perItem == 0 ? MAX_AUTO_BATCH : (long) (TARGET_BATCH_SECONDS / perItem);
    return (int) Math.max(1, Math.min(Math.min(n, MAX_AUTO_BATCH), cap));
  }

  /** A batch of {@code items} took {@code seconds} (round trip): learn the cost per item. */
  synchronized void measured(int items, double seconds) {
    double sample = seconds / Math.max(1, items);
    // Grow at most 8x per batch, so one fast round trip cannot make a huge batch at once.
    secondsPerItem = secondsPerItem < 0 ? sample : Math.max(sample, secondsPerItem / 8);
  }

  @Override
  public String toString() {
    return name;
  }
}
