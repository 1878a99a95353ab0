package dev.rpcparallel.internal.pool;

import dev.rpcparallel.Connection;
import dev.rpcparallel.RpcParallelException;
import dev.rpcparallel.codec.BinaryWriter;
import dev.rpcparallel.codec.Codec;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Deque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Single tasks submitted to a pool (the {@code ProcessPoolExecutor.submit} role): a queue the
 * pool's workers pull from, one input per call. A task's future may be cancelled, or time out at
 * its deadline; either way a task still queued is dropped and a running one is interrupted in its
 * worker. A task whose worker died is retried like a batch. Lives as long as its pool.
 *
 * @param <I> inputs
 * @param <O> outputs
 */
public final class TaskJob<I, O> extends Job<TaskJob.Task<O>> {
  private static final AtomicLong SUBMITTED = new AtomicLong();

  /** One submitted input and the future of its output. */
  static final class Task<O> extends Job.Work {
    final long number = SUBMITTED.incrementAndGet();
    final byte[] input;
    final CompletableFuture<O> future = new CompletableFuture<>();
    int attempts;

    Task(byte[] input) {
      this.input = input;
    }

    @Override
    CompletableFuture<byte[]> send(Connection<PoolWorker> c, long task) {
      return c.callAsync(PoolWorker.MAP, new PoolWorker.Batch(task, number, 1, input));
    }

    @Override
    int items() {
      return 1;
    }
  }

  private final Codec<I> inputs;
  private final Codec<O> outputs;
  private final Deque<Task<O>> queue = new ArrayDeque<>();
  private boolean closed;

  public TaskJob(Pool pool, Codec<I> inputs, Codec<O> outputs) {
    super(pool);
    this.inputs = inputs;
    this.outputs = outputs;
    start();
  }

  /**
   * Queues {@code input}; the future completes with its output, or fails. {@code deadline} (may be
   * null) bounds the time from now to the result.
   */
  public CompletableFuture<O> submit(I input, Duration deadline) {
    BinaryWriter w = new BinaryWriter(64);
    inputs.encode(input, w); // an input that cannot be encoded fails here, in the caller
    Task<O> t = new Task<>(w.toByteArray());
    if (deadline != null) {
      CompletableFuture.delayedExecutor(deadline.toNanos(), TimeUnit.NANOSECONDS).execute(() -> t.future.completeExceptionally(
          new TimeoutException("task " + t.number + " did not finish within its deadline of " + deadline)));
    }
    t.future.whenComplete((o, e) -> {
      if (e != null) {
        dropped(t);
      }
    });
    synchronized (this) {
      if (closed || isStopped()) {
        t.future.completeExceptionally(new RpcParallelException(RpcParallelException.Kind.CANCELLED, "the pool is closed"));
        return t.future;
      }
      queue.add(t);
    }
    pumpAll();
    return t.future;
  }

  /** A task's future failed (cancelled, timed out, or failed): drop it if queued, interrupt it if running. */
  private void dropped(Task<O> t) {
    synchronized (this) {
      if (queue.remove(t)) {
        return;
      }
    }
    if (t.slot != null) {
      cancel(t);
    }
  }

  @Override
  Task<O> next(Slot s) {
    return queue.poll();
  }

  @Override
  void succeeded(Task<O> t, byte[] bytes) {
    try {
      O output = outputs.fromBytes(bytes);
      pool.callbacks().execute(() -> t.future.complete(output));
    } catch (RuntimeException e) {
      failLater(t, new RpcParallelException(RpcParallelException.Kind.PROTOCOL_ERROR,
          "cannot decode the output of task " + t.number + ": " + e.getMessage(), e));
    }
  }

  @Override
  void failed(Task<O> t, Throwable cause) {
    failLater(t, FailedInput.unwrap(cause, null)); // the future is the input's: the function's own exception
  }

  /** Futures complete on the pool's callback threads: the caller's continuations never run under the job's lock. */
  private void failLater(Task<O> t, Throwable cause) {
    try {
      pool.callbacks().execute(() -> t.future.completeExceptionally(cause));
    } catch (java.util.concurrent.RejectedExecutionException closed) {
      t.future.completeExceptionally(cause);
    }
  }

  @Override
  void giveBack(Task<O> t, String why) {
    int retries = pool.plan().retries();
    if (t.future.isDone()) {
      return;
    }
    if (t.attempts >= retries) {
      failLater(t, Pool.failure("task " + t.number + " was running on a worker that died, "
          + (retries == 0 ? "and retries are off" : "and was retried " + retries + " times") + ": " + why));
      return;
    }
    t.attempts++;
    queue.addFirst(t);
  }

  @Override
  boolean complete() {
    return closed && queue.isEmpty();
  }

  /** No more tasks: queued ones fail, running ones are interrupted. */
  public void close() {
    synchronized (this) {
      closed = true;
    }
    stop();
  }

  @Override
  void finished() {}

  @Override
  void onStop(Throwable failure, List<Task<O>> abandoned) {
    RpcParallelException closedError = failure instanceof RpcParallelException r && r.kind() == RpcParallelException.Kind.CANCELLED
        ? r
        : new RpcParallelException(RpcParallelException.Kind.CANCELLED,
            failure != null ? "the pool failed: " + failure.getMessage() : "the pool was closed");
    List<Task<O>> all = new ArrayList<>(queue);
    all.addAll(abandoned);
    queue.clear();
    for (Task<O> t : all) {
      failLater(t, closedError);
    }
  }
}
