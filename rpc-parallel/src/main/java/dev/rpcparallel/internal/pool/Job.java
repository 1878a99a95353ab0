package dev.rpcparallel.internal.pool;

import dev.rpcparallel.ConnectionClosedException;
import dev.rpcparallel.Connection;
import dev.rpcparallel.RpcParallelException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What every job on a pool does: hand {@link Work} to workers with room (pull scheduling: a
 * worker that finishes sooner is given more), take results back, and give the work of a worker
 * that died to the others. Subclasses say what the next work is and what a result means.
 *
 * <p>Thread-safe: one lock per job. Results and failures arrive on the connections' threads.
 * Locks are never held while another job's lock is taken: room freed on a worker is announced
 * to the pool's jobs after this job's lock is released.
 */
abstract class Job<W extends Job.Work> implements Pool.Listener {
  private static final AtomicLong TASKS = new AtomicLong();

  /** A unit of work sent to one worker: one call, answered with bytes. */
  abstract static class Work {
    long task;
    Slot slot;
    long startNanos;

    /** Sends this work as task {@code task} on {@code c}. */
    abstract CompletableFuture<byte[]> send(Connection<PoolWorker> c, long task);

    /** Inputs this work maps (0 for a combine). */
    int items() {
      return 0;
    }

    /**
     * The worker answered {@code bytes}: decode them here, on the connection's callback thread
     * and without the job's lock, so that results of several workers decode in parallel.
     */
    void received(byte[] bytes) {}
  }

  protected final Pool pool;
  /** Guarded by the lock for changes; read without it by {@link #done} to decode outside it. */
  private final Map<Long, W> inFlight = new ConcurrentHashMap<>();
  private boolean stopped;

  Job(Pool pool) {
    this.pool = pool;
  }

  /** Starts handing out work. */
  final void start() {
    pool.addListener(this);
    started();
    pumpAll();
  }

  /** Offers every live worker's room to this job. */
  final void pumpAll() {
    for (Slot s : pool.slots()) {
      room(s);
    }
    synchronized (this) {
      checkEnd();
    }
  }

  @Override
  public final void room(Slot s) {
    List<W> sends = new ArrayList<>(Slot.DEPTH);
    synchronized (this) {
      while (!stopped && !s.dead && s.tryReserve()) {
        W w = next(s);
        if (w == null) {
          s.release();
          break;
        }
        w.task = TASKS.incrementAndGet();
        w.slot = s;
        w.startNanos = System.nanoTime();
        inFlight.put(w.task, w);
        sends.add(w);
      }
      checkEnd();
    }
    // Sent without the lock: a call that fails at once completes on this thread.
    for (W w : sends) {
      long task = w.task;
      s.connection.sendAsync(PoolWorker.ENQUEUE, task); // the worker runs tasks in this order
      w.send(s.connection, task).whenComplete((bytes, e) -> {
        if (e != null && !s.dead) {
          // The call may never have reached the worker (e.g. refused here): take it out of line.
          s.connection.sendAsync(PoolWorker.CANCEL, task);
        }
        done(task, bytes, e);
      });
    }
  }

  private void done(long task, byte[] bytes, Throwable e) {
    W early = inFlight.get(task);
    if (early != null && e == null) {
      early.received(bytes);
    }
    Slot freed;
    synchronized (this) {
      W w = inFlight.get(task);
      if (w == null || stopped) {
        return;
      }
      freed = w.slot;
      Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
      if (cause instanceof ConnectionClosedException || freed.dead) {
        return; // the pool reports slotLost with the worker's exit status; the work is given back there
      }
      inFlight.remove(task);
      freed.release();
      if (cause == null) {
        freed.measured(w.items(), (System.nanoTime() - w.startNanos) / 1e9);
        succeeded(w, bytes);
      } else {
        failed(w, cause);
      }
      checkEnd();
    }
    pool.roomOn(freed);
    if (resultsMakeWork()) {
      pumpAll();
    }
  }

  @Override
  public final void slotLost(Slot slot, String why) {
    synchronized (this) {
      List<W> lost = new ArrayList<>();
      inFlight.values().removeIf(w -> w.slot == slot && lost.add(w));
      for (W w : lost) {
        if (!stopped) {
          giveBack(w, why);
        }
      }
      if (!stopped && pool.size() == 0 && !pool.plan().replaceDeadWorkers()) {
        fail(Pool.failure("every worker of the pool was lost; the last: " + why));
        return;
      }
    }
    pumpAll();
  }

  @Override
  public final void poolEnded(RpcParallelException why) {
    fail(why);
  }

  /** Tells the worker running {@code w} to drop it (interrupting the function), if it still runs. */
  final synchronized void cancel(W w) {
    if (inFlight.get(w.task) == w && !w.slot.dead) {
      w.slot.connection.sendAsync(PoolWorker.CANCEL, w.task);
    }
  }

  private void checkEnd() {
    if (!stopped && inFlight.isEmpty() && complete()) {
      stopped = true;
      pool.removeListener(this);
      finished();
    }
  }

  /** Ends the job with {@code t}, unless it has ended. */
  final synchronized void fail(Throwable t) {
    stop(t);
  }

  /** Stops handing out work and asks the workers to drop what they run for this job; idempotent. */
  final synchronized void stop() {
    stop(null);
  }

  private void stop(Throwable failure) {
    if (stopped) {
      return;
    }
    stopped = true;
    List<W> abandoned = new ArrayList<>(inFlight.values());
    for (W w : abandoned) {
      if (!w.slot.dead) {
        w.slot.connection.sendAsync(PoolWorker.CANCEL, w.task);
        w.slot.release();
      }
    }
    inFlight.clear();
    pool.removeListener(this);
    onStop(failure, abandoned);
  }

  final synchronized boolean isStopped() {
    return stopped;
  }

  /** Runs once when the job starts, before any work is handed out. */
  void started() {}

  /** The next work for {@code s}, or null if there is none now. Called with the lock held. */
  abstract W next(Slot s);

  /** {@code w} succeeded with {@code bytes}. Called with the lock held. */
  abstract void succeeded(W w, byte[] bytes);

  /** {@code w} failed in the worker (not by its death). Called with the lock held. */
  abstract void failed(W w, Throwable cause);

  /** {@code w}'s worker died: retry it or fail. Called with the lock held. */
  abstract void giveBack(W w, String why);

  /** Whether nothing is left to do (checked when nothing is in flight). Called with the lock held. */
  abstract boolean complete();

  /** Runs once when the job completed. Called with the lock held. */
  abstract void finished();

  /**
   * Runs once when the job stopped before completing: failed with {@code failure}, or stopped
   * (null). {@code abandoned} was in flight (its workers were told to drop it). Called with the
   * lock held.
   */
  abstract void onStop(Throwable failure, List<W> abandoned);

  /** Whether a result may have made work for every worker, not only the one that sent it. */
  boolean resultsMakeWork() {
    return false;
  }
}
