package dev.rpcparallel.internal.pool;

import dev.rpcparallel.codec.Codec;
import java.util.Collection;
import java.util.Iterator;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Predicate;

/**
 * Starts jobs on a pool, for the public {@code WorkerPool} and {@code MapReduce}. A job that owns
 * its pool ends the pool's workers when it ends or its stream is closed.
 */
public final class Jobs {
  private Jobs() {}

  /** Pairs a result with its input's index (the API's {@code Indexed}). */
  @FunctionalInterface
  public interface Indexer<O, T> {
    T of(long index, O value);
  }

  /** Results in input order, streaming. */
  public static <I, O> ResultStream<O> map(Pool pool, Codec<I> in, Codec<O> out, Iterable<? extends I> inputs, boolean ownsPool) {
    Holder<I, O> h = new Holder<>();
    OutputQueue<O> queue = h.queue(pool, ownsPool);
    h.job = new MapJob<>(pool, feed(inputs, in), out, new Sinks.Ordered<>(queue), () -> closeOwned(pool, ownsPool));
    h.job.start();
    return queue;
  }

  /** Results as they come, each paired with its input's index by {@code indexed}. */
  public static <I, O, T> ResultStream<T> mapUnordered(
      Pool pool, Codec<I> in, Codec<O> out, Iterable<? extends I> inputs, boolean ownsPool, Indexer<? super O, T> indexed) {
    Holder<I, O> h = new Holder<>();
    OutputQueue<T> queue = h.queue(pool, ownsPool);
    h.job = new MapJob<>(pool, feed(inputs, in), out, new Sinks.Unordered<>(queue, indexed), () -> closeOwned(pool, ownsPool));
    h.job.start();
    return queue;
  }

  /** The first result (in arrival order) that satisfies {@code hit}; the other workers stop early. */
  public static <I, O> Optional<O> find(Pool pool, Codec<I> in, Codec<O> out, Iterable<? extends I> inputs, Predicate<? super O> hit) {
    CompletableFuture<Optional<O>> result = new CompletableFuture<>();
    MapJob<I, O> job = new MapJob<>(pool, feed(inputs, in), out, new Sinks.Find<>(hit, result), () -> {});
    job.start();
    return await(result, job);
  }

  /** Map-reduce; {@code ordered}: only adjacent intervals combine, left before right. */
  public static <I, A> Optional<A> reduce(Pool pool, Codec<I> in, Codec<A> acc, Iterable<? extends I> inputs, boolean ordered) {
    CompletableFuture<Optional<A>> result = new CompletableFuture<>();
    ReduceJob<I, A> job = new ReduceJob<>(pool, feed(inputs, in), acc, ordered, result);
    job.start();
    return await(result, job);
  }

  private static <T> T await(CompletableFuture<T> result, Job<?> job) {
    try {
      return result.join();
    } catch (CompletionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : e;
    } finally {
      job.stop();
    }
  }

  private static <I> Feed<I> feed(Iterable<? extends I> inputs, Codec<I> codec) {
    Iterator<? extends I> it = inputs.iterator();
    if (it == null) {
      throw new IllegalArgumentException("the inputs' iterator() returned null");
    }
    return new Feed<>(it, codec, inputs instanceof Collection<?> c ? c.size() : -1);
  }

  private static void closeOwned(Pool pool, boolean owns) {
    if (owns) {
      pool.closeAsync();
    }
  }

  /** Ties a queue to the job it is made before. */
  private static final class Holder<I, O> {
    MapJob<I, O> job;

    <T> OutputQueue<T> queue(Pool pool, boolean ownsPool) {
      return new OutputQueue<>(() -> job.pumpAll(), () -> {
        job.stop();
        if (ownsPool) {
          pool.close();
        }
      });
    }
  }
}
