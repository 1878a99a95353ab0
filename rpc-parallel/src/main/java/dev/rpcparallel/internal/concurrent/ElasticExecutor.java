package dev.rpcparallel.internal.concurrent;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The handler pool on JDKs without virtual threads: it grows a thread whenever every thread is
 * busy (so handlers that block never starve the others, as with a cached pool), but queues a
 * task when a thread is free. Under load, threads that finish a task take the next one from the
 * queue without parking, instead of a park/unpark hand-off per task as in a cached pool's
 * {@code SynchronousQueue}. Idle threads beyond the core ones end after 60 s. The queueing rule
 * is Tomcat's {@code TaskQueue}'s.
 */
public final class ElasticExecutor extends ThreadPoolExecutor {
  private final AtomicInteger unfinished = new AtomicInteger();
  private final GrowFirstQueue queue;

  public ElasticExecutor(int coreThreads, int maxThreads, ThreadFactory threads) {
    this(coreThreads, maxThreads, threads, new GrowFirstQueue());
  }

  private ElasticExecutor(int coreThreads, int maxThreads, ThreadFactory threads, GrowFirstQueue queue) {
    super(coreThreads, maxThreads, 60, TimeUnit.SECONDS, queue, threads);
    this.queue = queue;
    queue.pool = this;
  }

  @Override
  public void execute(Runnable task) {
    unfinished.incrementAndGet();
    try {
      super.execute(task);
    } catch (RejectedExecutionException e) {
      // At the thread limit: queue anyway, unless shut down.
      if (isShutdown() || !queue.force(task)) {
        unfinished.decrementAndGet();
        throw e;
      }
    }
  }

  @Override
  protected void afterExecute(Runnable task, Throwable error) {
    unfinished.decrementAndGet();
  }

  /** Refuses a task (so the pool adds a thread) while every thread is busy. */
  private static final class GrowFirstQueue extends LinkedBlockingQueue<Runnable> {
    private static final long serialVersionUID = 1L;
    private transient ElasticExecutor pool;

    @Override
    public boolean offer(Runnable task) {
      ElasticExecutor p = pool;
      if (p == null || p.getPoolSize() >= p.getMaximumPoolSize() || p.unfinished.get() <= p.getPoolSize()) {
        return super.offer(task);
      }
      return false;
    }

    boolean force(Runnable task) {
      return super.offer(task);
    }
  }
}
