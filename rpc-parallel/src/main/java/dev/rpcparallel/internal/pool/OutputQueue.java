package dev.rpcparallel.internal.pool;

import dev.rpcparallel.RpcParallelException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.CompletionException;

/**
 * Results handed from a job to its consumer, in chunks (a batch's results at a time). The job
 * never waits here; it asks {@link #wantsMore()} before feeding workers more, and the consumer
 * wakes it ({@code onDrained}) when it has taken enough. Thread-safe.
 */
final class OutputQueue<T> implements ResultStream<T> {
  /** Above this many results waiting for the consumer, the job stops feeding its workers. */
  static final int HIGH_WATER = 1 << 16;

  private final Deque<List<T>> chunks = new ArrayDeque<>();
  private final Runnable onDrained;
  private final Runnable onClose;
  private int buffered;
  private boolean ended;
  private Throwable failure;
  /** Written under the lock; volatile so that {@link #hasNext} sees a close without taking it. */
  private volatile boolean closed;
  private Iterator<T> current = java.util.Collections.emptyIterator();

  /**
   * @param onDrained runs (on the consumer's thread) when the buffer falls below half the high
   *     water mark after having been above it
   * @param onClose runs once when the consumer closes the stream before its end
   */
  OutputQueue(Runnable onDrained, Runnable onClose) {
    this.onDrained = onDrained;
    this.onClose = onClose;
  }

  synchronized void add(List<T> chunk) {
    if (closed || ended || chunk.isEmpty()) {
      return;
    }
    chunks.add(chunk);
    buffered += chunk.size();
    notifyAll();
  }

  /** Whether the job should go on feeding, given {@code elsewhere} results held before this queue. */
  synchronized boolean wantsMore(int elsewhere) {
    return !closed && buffered + elsewhere < HIGH_WATER;
  }

  synchronized int buffered() {
    return buffered;
  }

  synchronized void end() {
    ended = true;
    notifyAll();
  }

  synchronized void fail(Throwable t) {
    if (!ended && failure == null) {
      failure = t;
      ended = true;
      notifyAll();
    }
  }

  @Override
  public boolean hasNext() {
    if (closed) {
      return false; // nothing more after close(), not even what was already taken off the queue
    }
    if (current.hasNext()) {
      return true;
    }
    boolean drained;
    synchronized (this) {
      while (chunks.isEmpty() && !ended && !closed) {
        try {
          wait();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new RpcParallelException(RpcParallelException.Kind.CANCELLED, "interrupted while waiting for results");
        }
      }
      if (closed) {
        return false;
      }
      if (chunks.isEmpty()) {
        if (failure != null) {
          throw failure instanceof RuntimeException r ? r : new CompletionException(failure);
        }
        return false;
      }
      List<T> next = chunks.poll();
      boolean wasFull = buffered >= HIGH_WATER;
      buffered -= next.size();
      drained = wasFull && buffered < HIGH_WATER / 2 || buffered == 0;
      current = next.iterator();
    }
    if (drained) {
      onDrained.run();
    }
    return true;
  }

  @Override
  public T next() {
    if (!hasNext()) {
      throw new NoSuchElementException("the job's results ended");
    }
    return current.next();
  }

  @Override
  public void close() {
    boolean first;
    synchronized (this) {
      first = !closed;
      closed = true;
      chunks.clear();
      notifyAll();
    }
    if (first) {
      onClose.run();
    }
  }
}
