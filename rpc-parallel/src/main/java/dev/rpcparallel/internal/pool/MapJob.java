package dev.rpcparallel.internal.pool;

import dev.rpcparallel.Connection;
import dev.rpcparallel.RpcParallelException;
import dev.rpcparallel.codec.BinaryReader;
import dev.rpcparallel.codec.Codec;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Maps a sequence of inputs over a pool with pull scheduling, as the original does: each worker
 * takes the next batch from the shared {@link Feed} as soon as it has room, so a fast worker takes
 * more. Results go to a {@link Sink}. A batch whose worker died goes back to the feed and is given
 * to another worker, up to the plan's retries; its results are delivered once, since a lost call
 * delivers nothing.
 *
 * @param <I> inputs
 * @param <O> outputs
 */
final class MapJob<I, O> extends Job<MapJob.MapWork<O>> {

  /** Where a map job's results go. Called with the job's lock held. */
  interface Sink<O> {
    /** Results of inputs {@code first}.. in order; return false to stop the job (nothing more is wanted). */
    boolean accept(long first, List<O> outputs);

    /** Whether more results can be taken now (false pauses the feeding of new inputs). */
    boolean wantsMore();

    /** Every input has its result. */
    void finish();

    /** The job failed. */
    void fail(Throwable t);

    /** The job stopped early (failed, or the consumer closed it). */
    default void stopped() {}
  }

  /** A batch of inputs for {@link PoolWorker#MAP}, and its decoded outputs once answered. */
  static final class MapWork<O> extends Job.Work {
    final Feed.Pending batch;
    private final Codec<O> outputs;
    List<O> results;
    RuntimeException undecodable;

    MapWork(Feed.Pending batch, Codec<O> outputs) {
      this.batch = batch;
      this.outputs = outputs;
    }

    @Override
    void received(byte[] bytes) {
      BinaryReader in = new BinaryReader(bytes);
      List<O> out = new ArrayList<>(batch.count());
      try {
        for (int i = 0; i < batch.count(); i++) {
          out.add(outputs.decode(in));
        }
        in.expectEnd(outputs.shape());
        results = out;
      } catch (RuntimeException e) {
        undecodable = new RpcParallelException(RpcParallelException.Kind.PROTOCOL_ERROR,
            "cannot decode the outputs of inputs " + batch.firstIndex() + ".." + (batch.firstIndex() + batch.count() - 1)
                + ": " + e.getMessage(), e);
      }
    }

    @Override
    CompletableFuture<byte[]> send(Connection<PoolWorker> c, long task) {
      return c.callAsync(PoolWorker.MAP, new PoolWorker.Batch(task, batch.firstIndex(), batch.count(), batch.items()));
    }

    @Override
    int items() {
      return batch.count();
    }
  }

  private final Feed<I> feed;
  private final Codec<O> outputs;
  private final Sink<O> sink;
  private final ProgressTracker progress;
  private final Runnable onEnd;

  /** {@code onEnd} runs once when the job ends, however it ends. */
  MapJob(Pool pool, Feed<I> feed, Codec<O> outputs, Sink<O> sink, Runnable onEnd) {
    super(pool);
    this.feed = feed;
    this.outputs = outputs;
    this.sink = sink;
    this.onEnd = onEnd;
    this.progress = new ProgressTracker(pool.plan(), feed::total);
  }

  @Override
  void started() {
    progress.start();
  }

  @Override
  MapWork<O> next(Slot s) {
    if (!feed.hasRetry() && !sink.wantsMore()) {
      return null; // a retried batch goes out regardless: results waiting for it may be what fills the sink
    }
    Feed.Pending p;
    try {
      p = feed.next(s.batchSize(pool.plan().batchSize(), feed.cap(Math.max(1, pool.size()))));
    } catch (RuntimeException e) {
      fail(e); // the inputs' iterator threw, or an input could not be encoded: the consumer sees that
      return null;
    }
    return p == null ? null : new MapWork<>(p, outputs);
  }

  @Override
  void succeeded(MapWork<O> w, byte[] bytes) {
    Feed.Pending batch = w.batch;
    if (w.results == null && w.undecodable == null) {
      w.received(bytes); // not decoded before (it was not in flight when the answer came): now
    }
    if (w.undecodable != null) {
      fail(w.undecodable);
      return;
    }
    List<O> results = w.results;
    progress.done(results.size());
    if (!sink.accept(batch.firstIndex(), results)) {
      stop();
    }
  }

  @Override
  void failed(MapWork<O> w, Throwable cause) {
    fail(FailedInput.unwrap(cause, pool.api()));
  }

  /** A batch whose worker is gone: retried elsewhere, or the job fails naming its first input. */
  @Override
  void giveBack(MapWork<O> w, String why) {
    Feed.Pending batch = w.batch;
    int retries = pool.plan().retries();
    if (batch.attempts() >= retries) {
      fail(Pool.failure("input " + batch.firstIndex() + " was in flight on a worker that died, "
          + (retries == 0 ? "and retries are off" : "and was retried " + retries + " times") + ": " + why));
      return;
    }
    progress.failure(batch.count());
    feed.retry(batch);
  }

  @Override
  boolean complete() {
    return feed.drained();
  }

  @Override
  void finished() {
    progress.finish();
    sink.finish();
    onEnd.run();
  }

  @Override
  void onStop(Throwable failure, List<MapWork<O>> abandoned) {
    progress.finish();
    if (failure != null) {
      sink.fail(failure);
    } else {
      sink.stopped();
    }
    onEnd.run();
  }
}
