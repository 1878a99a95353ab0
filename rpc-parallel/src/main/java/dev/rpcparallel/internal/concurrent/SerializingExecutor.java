package dev.rpcparallel.internal.concurrent;

import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs tasks one at a time, in submission order, on a delegate executor, draining everything
 * queued in one delegate task: handing a burst of completions from an I/O thread to user code
 * costs one thread wake-up instead of one per completion.
 *
 * <p>A task that blocks on a {@link #future() future} of this executor (say a callback that
 * joins another call of the same connection) would wait forever for a completion queued behind
 * it; such a wait hands the rest of the queue to a new drainer first, so it cannot deadlock.
 * Thread-safe.
 */
public final class SerializingExecutor implements Executor {
  private static final Logger log = LoggerFactory.getLogger(SerializingExecutor.class);
  private static final ThreadLocal<Object> DRAINING = new ThreadLocal<>();

  private final Executor delegate;
  private final Queue<Runnable> queue = new ConcurrentLinkedQueue<>();
  /** The token of the drain that owns the queue, or null when none runs. */
  private final AtomicReference<Object> owner = new AtomicReference<>();

  public SerializingExecutor(Executor delegate) {
    this.delegate = delegate;
  }

  @Override
  public void execute(Runnable task) {
    queue.add(task);
    schedule();
  }

  private void schedule() {
    Object token = new Object();
    if (owner.compareAndSet(null, token)) {
      start(token);
    }
  }

  private void start(Object token) {
    try {
      delegate.execute(() -> drain(token));
    } catch (RuntimeException e) {
      owner.compareAndSet(token, null);
      throw e;
    }
  }

  private void drain(Object token) {
    DRAINING.set(token);
    try {
      Runnable r;
      while (owner.get() == token && (r = queue.poll()) != null) {
        try {
          r.run();
        } catch (RuntimeException e) {
          log.warn("callback threw", e);
        }
      }
    } finally {
      DRAINING.remove();
      owner.compareAndSet(token, null);
    }
    if (!queue.isEmpty()) {
      schedule();
    }
  }

  /** Called before blocking: if this thread is draining, a new drainer takes over the queue. */
  private void beforeBlocking() {
    Object mine = DRAINING.get();
    if (mine != null && owner.get() == mine) {
      Object next = new Object();
      if (owner.compareAndSet(mine, next)) {
        start(next);
      }
    }
  }

  /** A new future whose waits are safe inside this executor's tasks. */
  public <T> CompletableFuture<T> future() {
    return new SafeFuture<>(this);
  }

  /** A future whose blocking waits release the serializing executor first. */
  private static final class SafeFuture<T> extends CompletableFuture<T> {
    private final SerializingExecutor executor;

    SafeFuture(SerializingExecutor executor) {
      this.executor = executor;
    }

    @Override
    public <U> CompletableFuture<U> newIncompleteFuture() {
      return new SafeFuture<>(executor);
    }

    @Override
    public T get() throws InterruptedException, ExecutionException {
      if (!isDone()) {
        executor.beforeBlocking();
      }
      return super.get();
    }

    @Override
    public T get(long timeout, TimeUnit unit) throws InterruptedException, ExecutionException, TimeoutException {
      if (!isDone()) {
        executor.beforeBlocking();
      }
      return super.get(timeout, unit);
    }

    @Override
    public T join() {
      if (!isDone()) {
        executor.beforeBlocking();
      }
      return super.join();
    }
  }
}
