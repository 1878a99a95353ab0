package dev.rpcparallel.internal.concurrent;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The JDK 17 handler pool: blocking handlers never starve each other; idle threads are reused. */
@Timeout(30)
class ElasticExecutorTest {
  private static ElasticExecutor pool() {
    AtomicInteger n = new AtomicInteger();
    return new ElasticExecutor(2, 1024, r -> {
      Thread t = new Thread(r, "elastic-test-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
  }

  @Test
  void tasksThatWaitForEachOtherAllRun() throws Exception {
    ElasticExecutor pool = pool();
    try {
      int tasks = 50;
      CountDownLatch allStarted = new CountDownLatch(tasks);
      CountDownLatch done = new CountDownLatch(tasks);
      for (int i = 0; i < tasks; i++) {
        pool.execute(() -> {
          allStarted.countDown();
          try {
            // Each task blocks until every task is running: only a pool that grows can finish.
            if (allStarted.await(20, TimeUnit.SECONDS)) {
              done.countDown();
            }
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
      }
      assertThat(done.await(20, TimeUnit.SECONDS)).isTrue();
      assertThat(pool.getLargestPoolSize()).isGreaterThanOrEqualTo(tasks);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void sequentialShortTasksReuseTheSameFewThreads() throws Exception {
    ElasticExecutor pool = pool();
    try {
      for (int i = 0; i < 1000; i++) {
        pool.execute(() -> {});
        // Sequential: the next task is submitted once this one has completely finished (its
        // thread is back in the pool), whatever the load on the machine.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (pool.getCompletedTaskCount() < i + 1) {
          assertThat(System.nanoTime()).isLessThan(deadline);
          Thread.onSpinWait();
        }
      }
      assertThat(pool.getLargestPoolSize()).isLessThanOrEqualTo(3);
    } finally {
      pool.shutdownNow();
      assertThat(pool.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
    }
  }
}
