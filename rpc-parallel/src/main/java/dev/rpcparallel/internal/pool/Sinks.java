package dev.rpcparallel.internal.pool;

import dev.rpcparallel.RpcParallelException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;

/** Where map results go: in input order, with their indices, or to a search. Guarded by the job's lock. */
final class Sinks {
  private Sinks() {}

  /**
   * Results in input order: batches that finish early wait in a reorder buffer until the
   * batches before them arrive, then the longest contiguous prefix goes to the queue. The buffer
   * counts against the queue's high water mark, so a slow batch pauses the feeding instead of
   * letting results pile up.
   */
  static final class Ordered<O> implements MapJob.Sink<O> {
    private final OutputQueue<O> queue;
    private final TreeMap<Long, List<O>> waiting = new TreeMap<>();
    private long next;
    private int waitingCount;

    Ordered(OutputQueue<O> queue) {
      this.queue = queue;
    }

    @Override
    public boolean accept(long first, List<O> outputs) {
      waiting.put(first, outputs);
      waitingCount += outputs.size();
      for (Map.Entry<Long, List<O>> e = waiting.firstEntry(); e != null && e.getKey() == next; e = waiting.firstEntry()) {
        waiting.pollFirstEntry();
        waitingCount -= e.getValue().size();
        next += e.getValue().size();
        queue.add(e.getValue());
      }
      return true;
    }

    @Override
    public boolean wantsMore() {
      return queue.wantsMore(waitingCount);
    }

    @Override
    public void finish() {
      queue.end();
    }

    @Override
    public void fail(Throwable t) {
      queue.fail(t);
    }

    @Override
    public void stopped() {
      queue.fail(new RpcParallelException(RpcParallelException.Kind.CANCELLED, "the map was stopped before it ended"));
    }
  }

  /** Results as they come, each with its input's index ({@code indexed} pairs them). */
  static final class Unordered<O, T> implements MapJob.Sink<O> {
    private final OutputQueue<T> queue;
    private final Jobs.Indexer<? super O, T> indexed;

    Unordered(OutputQueue<T> queue, Jobs.Indexer<? super O, T> indexed) {
      this.queue = queue;
      this.indexed = indexed;
    }

    @Override
    public boolean accept(long first, List<O> outputs) {
      List<T> chunk = new ArrayList<>(outputs.size());
      for (int i = 0; i < outputs.size(); i++) {
        chunk.add(indexed.of(first + i, outputs.get(i)));
      }
      queue.add(chunk);
      return true;
    }

    @Override
    public boolean wantsMore() {
      return queue.wantsMore(0);
    }

    @Override
    public void finish() {
      queue.end();
    }

    @Override
    public void fail(Throwable t) {
      queue.fail(t);
    }

    @Override
    public void stopped() {
      queue.fail(new RpcParallelException(RpcParallelException.Kind.CANCELLED, "the map was stopped before it ended"));
    }
  }

  /**
   * The first result (in arrival order) that satisfies a test; stops the job on it. Empty if no
   * result does.
   */
  static final class Find<O> implements MapJob.Sink<O> {
    private final Predicate<? super O> hit;
    private final CompletableFuture<Optional<O>> result;

    Find(Predicate<? super O> hit, CompletableFuture<Optional<O>> result) {
      this.hit = hit;
      this.result = result;
    }

    @Override
    public boolean accept(long first, List<O> outputs) {
      try {
        for (O o : outputs) {
          if (hit.test(o)) {
            result.complete(Optional.of(o));
            return false;
          }
        }
      } catch (RuntimeException e) {
        result.completeExceptionally(e);
        return false;
      }
      return true;
    }

    @Override
    public boolean wantsMore() {
      return true;
    }

    @Override
    public void finish() {
      result.complete(Optional.empty());
    }

    @Override
    public void fail(Throwable t) {
      result.completeExceptionally(t);
    }

    @Override
    public void stopped() {
      result.completeExceptionally(new RpcParallelException(RpcParallelException.Kind.CANCELLED, "the search was stopped before it ended"));
    }
  }
}
