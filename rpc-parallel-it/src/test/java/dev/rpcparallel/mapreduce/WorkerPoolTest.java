package dev.rpcparallel.mapreduce;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rpcparallel.RpcParallel;
import dev.rpcparallel.RpcParallelException;
import dev.rpcparallel.fixtures.Await;
import dev.rpcparallel.fixtures.mapreduce.AddParam;
import dev.rpcparallel.fixtures.mapreduce.FailingInit;
import dev.rpcparallel.fixtures.mapreduce.Sleeper;
import dev.rpcparallel.fixtures.mapreduce.Tagged;
import dev.rpcparallel.testing.Leaks;
import dev.rpcparallel.testing.NoLeaks;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** A pool kept for many jobs: single tasks with deadlines and cancellation, maps sharing its workers, closing. */
@Timeout(120)
@ExtendWith(NoLeaks.class)
class WorkerPoolTest {
  private RpcParallel app;

  @BeforeEach
  void start() {
    app = RpcParallel.create();
  }

  @AfterEach
  void stop() {
    app.close();
  }

  @Test
  void submittedTasksAndMapsShareTheWorkers() {
    try (WorkerPool<Long, Tagged.Result> pool = WorkerPool.start(app, PoolConfig.builder().localWorkers(2).build(), new Tagged(), 0L)) {
      assertThat(pool.workers()).isEqualTo(2);
      List<CompletableFuture<Tagged.Result>> tasks = new ArrayList<>();
      for (long i = 0; i < 50; i++) {
        tasks.add(pool.submit(i));
      }
      List<Tagged.Result> mapped;
      try (MapStream<Tagged.Result> out = pool.map(LongStream.range(0, 2000).boxed().toList())) {
        mapped = out.stream().toList();
      }
      assertThat(mapped).extracting(Tagged.Result::input).containsExactlyElementsOf(LongStream.range(0, 2000).boxed().toList());
      Set<Long> pids = tasks.stream().map(CompletableFuture::join).map(Tagged.Result::pid).collect(Collectors.toSet());
      pids.addAll(mapped.stream().map(Tagged.Result::pid).collect(Collectors.toSet()));
      assertThat(tasks).extracting(f -> f.join().input()).containsExactlyElementsOf(LongStream.range(0, 50).boxed().toList());
      assertThat(pids).as("workers that mapped something").hasSize(2);
      assertThat(pool.findFirst(LongStream.range(0, 1000).boxed().toList(), r -> r.input() == 700)).map(Tagged.Result::input).contains(700L);
      // A task's future fails with the function's own exception (the future is that input's).
      assertThatThrownBy(() -> pool.submit(-1L).join()).cause()
          .isInstanceOfSatisfying(dev.rpcparallel.RemoteException.class,
              e -> assertThat(e.remoteClassName()).isEqualTo("java.lang.IllegalStateException"))
          .hasMessageStartingWith("java.lang.IllegalStateException: unlucky (in worker pool");
    }
  }

  /** The deadline fails the future, and the cancel it sends interrupts the function in its worker. */
  @Test
  void aDeadlineFailsTheTaskAndInterruptsItsWorker() {
    try (WorkerPool<Long, Long> pool = WorkerPool.start(app, PoolConfig.builder().localWorkers(1).build(), new Sleeper(), null)) {
      CompletableFuture<Long> slow = pool.submit(60_000L, Duration.ofMillis(500));
      assertThatThrownBy(slow::join).isInstanceOf(CompletionException.class)
          .cause().isInstanceOf(TimeoutException.class).hasMessageContaining("did not finish within its deadline of PT0.5S");
      Await.until(Duration.ofSeconds(20), "the worker's sleep to be interrupted", () -> pool.submit(-1L).join() == 1);
      assertThat(pool.submit(5L).join()).isEqualTo(5L);
    }
  }

  /** A worker runs one task at a time: the second waits until cancelling the first interrupts it. */
  @Test
  void cancellingATaskInterruptsItsWorker() {
    try (WorkerPool<Long, Long> pool = WorkerPool.start(app, PoolConfig.builder().localWorkers(1).build(), new Sleeper(), null)) {
      CompletableFuture<Long> slow = pool.submit(60_000L);
      CompletableFuture<Long> next = pool.submit(1L);
      assertThatThrownBy(() -> next.get(300, java.util.concurrent.TimeUnit.MILLISECONDS)).isInstanceOf(TimeoutException.class);
      slow.cancel(true);
      assertThatThrownBy(slow::join).isInstanceOf(CancellationException.class);
      assertThat(next.join()).as("the next task, once the slow one was interrupted").isEqualTo(1L);
      assertThat(pool.submit(-1L).join()).as("sleeps interrupted in the worker").isEqualTo(1L);
    }
  }

  @Test
  void closingThePoolFailsWhatIsPendingAndEndsTheWorkers() {
    WorkerPool<Long, Long> pool = WorkerPool.start(app, PoolConfig.builder().localWorkers(1).build(), new Sleeper(), null);
    List<CompletableFuture<Long>> pending = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      pending.add(pool.submit(60_000L));
    }
    MapStream<Long> job = pool.map(List.of(60_000L, 60_000L));
    pool.close();
    for (CompletableFuture<Long> f : pending) {
      assertThatThrownBy(f::join).cause().isInstanceOf(RpcParallelException.class).hasMessageContaining("the pool was closed");
    }
    assertThatThrownBy(job::hasNext).isInstanceOf(RpcParallelException.class).hasMessageContaining("the pool was closed");
    assertThat(Leaks.processes()).as("workers left after close").isEmpty();
    assertThatThrownBy(() -> pool.submit(1L).join()).cause().hasMessageContaining("the pool is closed");
    // Jobs started on a closed pool fail at once (they used to wait for ever).
    assertThatThrownBy(() -> pool.map(List.of(1L)).hasNext())
        .isInstanceOf(RpcParallelException.class).hasMessageContaining("the pool is closed");
    assertThatThrownBy(() -> pool.mapUnordered(List.of(1L)).hasNext())
        .isInstanceOf(RpcParallelException.class).hasMessageContaining("the pool is closed");
    assertThatThrownBy(() -> pool.findFirst(List.of(1L), x -> true))
        .isInstanceOf(RpcParallelException.class).hasMessageContaining("the pool is closed");
    assertThat(pool.workers()).as("workers of a closed pool").isZero();
    assertThatThrownBy(() -> pool.submit(1L, null)).isInstanceOf(NullPointerException.class).hasMessage("deadline");
  }

  /** Misuse gets errors that name what is wrong (found by a new user's trial). */
  @Test
  void aClosedApplicationOrANullFunctionIsRefusedClearly() {
    PoolConfig one = PoolConfig.builder().localWorkers(1).build();
    assertThatThrownBy(() -> MapReduce.map(app, one, null, 1L, List.of(1L)))
        .isInstanceOf(NullPointerException.class).hasMessage("function");
    RpcParallel closed = RpcParallel.create();
    closed.close();
    assertThatThrownBy(() -> MapReduce.map(closed, one, new AddParam(), 1L, List.of(1L)))
        .isInstanceOf(IllegalStateException.class).hasMessage("this RpcParallel instance is closed");
    assertThatThrownBy(() -> WorkerPool.start(closed, one, new AddParam(), 1L))
        .isInstanceOf(IllegalStateException.class).hasMessage("this RpcParallel instance is closed");
  }

  @Test
  void aWorkerWhoseInitFailsFailsTheStartAndNoWorkerIsLeft() {
    assertThatThrownBy(() -> WorkerPool.start(app, PoolConfig.builder().localWorkers(3).build(), new FailingInit(), null))
        .isInstanceOf(RpcParallelException.class)
        .hasMessageContaining("worker 1 refuses to start");
    assertThat(Leaks.processes()).as("workers left after a failed start").isEmpty();
  }

  /** An input that cannot be encoded fails the job naming its index; an iterator that throws fails it with its own exception. */
  @Test
  void badInputsFailTheJobWithAClearError() {
    try (WorkerPool<Long, Long> pool = WorkerPool.start(app, PoolConfig.builder().localWorkers(1).build(), new AddParam(), 1L)) {
      List<Long> withNull = new ArrayList<>(List.of(0L, 1L, 2L));
      withNull.add(null);
      try (MapStream<Long> out = pool.map(withNull)) {
        assertThatThrownBy(() -> out.forEachRemaining(x -> {}))
            .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("cannot encode input 3: ");
      }
      Iterable<Long> broken = () -> LongStream.range(0, 100).boxed().map(x -> {
        if (x == 5) {
          throw new IllegalStateException("the input source broke");
        }
        return x;
      }).iterator();
      try (MapStream<Long> out = pool.map(broken)) {
        assertThatThrownBy(() -> out.forEachRemaining(x -> {}))
            .isInstanceOf(IllegalStateException.class).hasMessage("the input source broke");
      }
      assertThat(pool.submit(1L).join()).as("the pool still works").isEqualTo(2L);
    }
  }

  /** The local workers are indexed 0..n-1, and so is each further group (the original's local and remote groups). */
  @Test
  void workerIndicesCountWithinEachGroup() {
    PoolConfig config = PoolConfig.builder().localWorkers(2).group(2, dev.rpcparallel.SpawnOptions.defaults()).batchSize(1).build();
    assertThat(config.workers()).isEqualTo(4);
    try (WorkerPool<Long, Tagged.Result> pool = WorkerPool.start(app, config, new Tagged(), 2000L);
        MapStream<Tagged.Result> out = pool.map(LongStream.range(0, 200).boxed().toList())) {
      java.util.Map<Long, Integer> indexOfPid = new java.util.HashMap<>();
      out.forEachRemaining(r -> indexOfPid.put(r.pid(), r.workerIndex()));
      assertThat(indexOfPid).as("workers that took part").hasSize(4);
      assertThat(indexOfPid.values()).containsExactlyInAnyOrder(0, 0, 1, 1);
    }
  }
}
