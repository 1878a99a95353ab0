package dev.rpcparallel.internal.pool;

import dev.rpcparallel.Connection;
import dev.rpcparallel.RpcParallelException;
import dev.rpcparallel.codec.Codec;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/**
 * Map-reduce over a pool. Workers map and fold whole batches ({@link PoolWorker#MAP_REDUCE}),
 * giving one accumulator per batch; accumulators are then combined in the workers ({@link
 * PoolWorker#COMBINE}), two at a time, combines going before new batches. Each accumulator covers
 * a half-open interval of input indices. In order-respecting mode only adjacent intervals combine,
 * left before right (as the original's {@code map_reduce} does), so an associative combine gives
 * the same result as folding the inputs in order; in commutative mode any two combine. The master
 * keeps both sides of a combine until it returns, so a combine lost with its worker is simply
 * redone; a batch lost with its worker is retried as in {@link MapJob}.
 *
 * @param <I> inputs
 * @param <A> accumulators
 */
final class ReduceJob<I, A> extends Job<ReduceJob.ReduceWork> {

  /** An accumulator of inputs {@code first} (inclusive) to {@code end} (exclusive), encoded. */
  record Part(long first, long end, byte[] acc) {}

  /** A batch to map and fold, or two parts to combine. */
  static final class ReduceWork extends Job.Work {
    final Feed.Pending batch;
    final Part left;
    final Part right;

    private ReduceWork(Feed.Pending batch, Part left, Part right) {
      this.batch = batch;
      this.left = left;
      this.right = right;
    }

    @Override
    CompletableFuture<byte[]> send(Connection<PoolWorker> c, long task) {
      return batch != null
          ? c.callAsync(PoolWorker.MAP_REDUCE, new PoolWorker.Batch(task, batch.firstIndex(), batch.count(), batch.items()))
          : c.callAsync(PoolWorker.COMBINE, new PoolWorker.Combine(task, left.acc(), right.acc()));
    }

    @Override
    int items() {
      return batch == null ? 0 : batch.count();
    }
  }

  private final Feed<I> feed;
  private final Codec<A> accumulators;
  private final boolean ordered;
  private final CompletableFuture<Optional<A>> result;
  private final ProgressTracker progress;
  /** Accumulators not being combined, by first index. */
  private final TreeMap<Long, Part> idle = new TreeMap<>();

  /**
   * @param ordered whether only adjacent intervals may combine (associative but not commutative)
   * @param result completed with the accumulator of all inputs, empty if there were none
   */
  ReduceJob(Pool pool, Feed<I> feed, Codec<A> accumulators, boolean ordered, CompletableFuture<Optional<A>> result) {
    super(pool);
    this.feed = feed;
    this.accumulators = accumulators;
    this.ordered = ordered;
    this.result = result;
    this.progress = new ProgressTracker(pool.plan(), feed::total);
  }

  @Override
  void started() {
    progress.start();
  }

  @Override
  ReduceWork next(Slot s) {
    ReduceWork combine = pair();
    if (combine != null) {
      return combine;
    }
    Feed.Pending p;
    try {
      p = feed.next(s.batchSize(pool.plan().batchSize(), feed.cap(Math.max(1, pool.size()))));
    } catch (RuntimeException e) {
      fail(e); // the inputs' iterator threw, or an input could not be encoded: the consumer sees that
      return null;
    }
    return p == null ? null : new ReduceWork(p, null, null);
  }

  /** Two idle parts that may combine now (removed from {@link #idle}), or null. */
  private ReduceWork pair() {
    if (idle.size() < 2) {
      return null;
    }
    Iterator<Map.Entry<Long, Part>> it = idle.entrySet().iterator();
    Part previous = it.next().getValue();
    while (it.hasNext()) {
      Part next = it.next().getValue();
      if (!ordered || previous.end() == next.first()) {
        idle.remove(previous.first());
        idle.remove(next.first());
        return new ReduceWork(null, previous, next);
      }
      previous = next;
    }
    return null;
  }

  @Override
  void succeeded(ReduceWork w, byte[] bytes) {
    if (w.batch != null) {
      progress.done(w.batch.count());
      Part p = new Part(w.batch.firstIndex(), w.batch.firstIndex() + w.batch.count(), bytes);
      idle.put(p.first(), p);
    } else {
      Part p = new Part(w.left.first(), w.right.end(), bytes);
      idle.put(p.first(), p);
    }
  }

  @Override
  void failed(ReduceWork w, Throwable cause) {
    fail(FailedInput.unwrap(cause, pool.api()));
  }

  @Override
  void giveBack(ReduceWork w, String why) {
    if (w.batch == null) {
      idle.put(w.left.first(), w.left);
      idle.put(w.right.first(), w.right);
      return;
    }
    int retries = pool.plan().retries();
    if (w.batch.attempts() >= retries) {
      fail(Pool.failure("input " + w.batch.firstIndex() + " was in flight on a worker that died, "
          + (retries == 0 ? "and retries are off" : "and was retried " + retries + " times") + ": " + why));
      return;
    }
    progress.failure(w.batch.count());
    feed.retry(w.batch);
  }

  @Override
  boolean complete() {
    return feed.drained() && idle.size() <= 1;
  }

  @Override
  boolean resultsMakeWork() {
    return true;
  }

  @Override
  void finished() {
    progress.finish();
    if (idle.isEmpty()) {
      result.complete(Optional.empty());
      return;
    }
    try {
      result.complete(Optional.of(accumulators.fromBytes(idle.firstEntry().getValue().acc())));
    } catch (RuntimeException e) {
      result.completeExceptionally(new RpcParallelException(RpcParallelException.Kind.PROTOCOL_ERROR,
          "cannot decode the final accumulator: " + e.getMessage(), e));
    }
  }

  @Override
  void onStop(Throwable failure, List<ReduceWork> abandoned) {
    progress.finish();
    result.completeExceptionally(failure != null ? failure
        : new RpcParallelException(RpcParallelException.Kind.CANCELLED, "the map-reduce was stopped before it ended"));
  }
}
