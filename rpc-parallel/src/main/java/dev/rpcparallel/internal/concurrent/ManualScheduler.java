package dev.rpcparallel.internal.concurrent;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Delayed;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A scheduler whose time moves only when told to: {@link #advance} runs, on the calling thread
 * and in time order, every task that has come due. For tests of timers (heartbeats, handshake and
 * exit timeouts) without sleeping. {@link #execute} runs tasks at the current time on the next
 * advance (or {@link #runDue()}). Thread-safe.
 */
public final class ManualScheduler extends AbstractExecutorService implements ScheduledExecutorService {
  private final PriorityQueue<Task<?>> queue = new PriorityQueue<>();
  private final AtomicLong sequence = new AtomicLong();
  private long now;
  private boolean shutdown;

  /** Nanoseconds since this scheduler was made. */
  public synchronized long nanoTime() {
    return now;
  }

  /** Moves time forward by {@code d}, running every task that falls due, in order. */
  public void advance(Duration d) {
    long target;
    synchronized (this) {
      target = now + d.toNanos();
    }
    while (true) {
      Task<?> t;
      synchronized (this) {
        t = queue.peek();
        if (t == null || t.due > target) {
          now = target;
          return;
        }
        queue.poll();
        now = Math.max(now, t.due);
      }
      t.fire();
    }
  }

  /** Runs the tasks due now without moving time. */
  public void runDue() {
    advance(Duration.ZERO);
  }

  /** Tasks waiting (for tests that check timers were cancelled). */
  public synchronized int pending() {
    return (int) queue.stream().filter(t -> !t.isCancelled()).count();
  }

  private synchronized <V> Task<V> add(Task<V> t) {
    if (shutdown) {
      throw new RejectedExecutionException("scheduler is shut down");
    }
    queue.add(t);
    return t;
  }

  @Override
  public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
    return add(new Task<>(this, () -> {
      command.run();
      return null;
    }, dueIn(delay, unit), 0));
  }

  @Override
  public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
    return add(new Task<>(this, callable, dueIn(delay, unit), 0));
  }

  @Override
  public ScheduledFuture<?> scheduleAtFixedRate(Runnable command, long initialDelay, long period, TimeUnit unit) {
    return add(new Task<>(this, () -> {
      command.run();
      return null;
    }, dueIn(initialDelay, unit), unit.toNanos(period)));
  }

  @Override
  public ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, long initialDelay, long delay, TimeUnit unit) {
    return scheduleAtFixedRate(command, initialDelay, delay, unit);
  }

  @Override
  public void execute(Runnable command) {
    schedule(command, 0, TimeUnit.NANOSECONDS);
  }

  private synchronized long dueIn(long delay, TimeUnit unit) {
    return now + Math.max(0, unit.toNanos(delay));
  }

  @Override
  public synchronized void shutdown() {
    shutdown = true;
  }

  @Override
  public synchronized List<Runnable> shutdownNow() {
    shutdown = true;
    List<Runnable> left = new ArrayList<>(queue);
    queue.clear();
    return left;
  }

  @Override
  public synchronized boolean isShutdown() {
    return shutdown;
  }

  @Override
  public synchronized boolean isTerminated() {
    return shutdown;
  }

  @Override
  public boolean awaitTermination(long timeout, TimeUnit unit) {
    return isShutdown();
  }

  /** A scheduled task; periodic ones re-queue themselves after each run. */
  private static final class Task<V> implements ScheduledFuture<V>, Runnable {
    private final ManualScheduler owner;
    private final Callable<V> body;
    private final long period;
    private final long seq;
    private final CompletableFuture<V> result = new CompletableFuture<>();
    private long due;

    Task(ManualScheduler owner, Callable<V> body, long due, long period) {
      this.owner = owner;
      this.body = body;
      this.due = due;
      this.period = period;
      this.seq = owner.sequence.incrementAndGet();
    }

    void fire() {
      if (result.isDone()) {
        return;
      }
      try {
        V v = body.call();
        if (period > 0) {
          synchronized (owner) {
            due += period;
            if (!owner.shutdown) {
              owner.queue.add(this);
            }
          }
        } else {
          result.complete(v);
        }
      } catch (Throwable e) {
        result.completeExceptionally(e);
      }
    }

    @Override
    public void run() {
      fire();
    }

    @Override
    public long getDelay(TimeUnit unit) {
      return unit.convert(due - owner.nanoTime(), TimeUnit.NANOSECONDS);
    }

    @Override
    public int compareTo(Delayed o) {
      Task<?> t = (Task<?>) o;
      return due != t.due ? Long.compare(due, t.due) : Long.compare(seq, t.seq);
    }

    @Override
    public boolean cancel(boolean mayInterrupt) {
      synchronized (owner) {
        owner.queue.remove(this);
      }
      return result.cancel(false);
    }

    @Override
    public boolean isCancelled() {
      return result.isCancelled();
    }

    @Override
    public boolean isDone() {
      return result.isDone();
    }

    @Override
    public V get() throws InterruptedException, ExecutionException {
      return result.get();
    }

    @Override
    public V get(long timeout, TimeUnit unit) throws InterruptedException, ExecutionException, TimeoutException {
      return result.get(timeout, unit);
    }
  }
}
