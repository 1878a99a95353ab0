package dev.rpcparallel.spawn;

import dev.rpcparallel.testing.NoLeaks;
import static org.assertj.core.api.Assertions.assertThat;

import dev.rpcparallel.Connection;
import dev.rpcparallel.RpcParallel;
import dev.rpcparallel.SpawnOptions;
import dev.rpcparallel.Worker;
import dev.rpcparallel.fixtures.Await;
import dev.rpcparallel.fixtures.LifecycleWorker;
import dev.rpcparallel.fixtures.ProcFs;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** Many concurrent spawns on a small machine: generous timeouts, but every call must answer. */
@Timeout(600)
@ExtendWith(NoLeaks.class)
class SpawnStressTest {
  private static final int ROUNDS = 5;
  private static final int WORKERS = 20;

  /**
   * 5 rounds of 20 concurrent spawn + call + shutdown: every call answers, every worker exits 0,
   * nothing is left, and the master's open fd count (pipes, sockets) does not grow after the
   * first round.
   */
  @Test
  void fiveRoundsOfTwentyConcurrentSpawnCallShutdown() throws Exception {
    int fdsAfterFirstRound = -1;
    try (RpcParallel app = RpcParallel.create()) {
      for (int round = 0; round < ROUNDS; round++) {
        long t0 = System.nanoTime();
        List<CompletableFuture<Long>> results = new ArrayList<>();
        List<CompletableFuture<Worker<LifecycleWorker>>> spawns = new ArrayList<>();
        for (int i = 0; i < WORKERS; i++) {
          SpawnOptions o = SpawnOptions.builder()
              .name("stress-" + round + "-" + i)
              .connectionTimeout(Duration.ofSeconds(60))
              .spawnTimeout(Duration.ofSeconds(120))
              .build();
          int n = 100 + i;
          CompletableFuture<Worker<LifecycleWorker>> spawned = app.spawnAsync(new LifecycleWorker(), i, o);
          spawns.add(spawned);
          results.add(spawned.thenApplyAsync(w -> {
            try (Connection<LifecycleWorker> c = app.connect(w)) {
              return c.call(LifecycleWorker.SUM, n);
            }
          }));
        }
        List<CompletableFuture<Integer>> exits = new ArrayList<>();
        for (int i = 0; i < WORKERS; i++) {
          long n = 100 + i;
          assertThat(results.get(i).get(180, TimeUnit.SECONDS)).isEqualTo(n * (n - 1) / 2);
          Worker<LifecycleWorker> w = spawns.get(i).join();
          app.shutdown(w).get(30, TimeUnit.SECONDS);
          exits.add(app.onExit(w));
        }
        long ready = System.nanoTime();
        for (CompletableFuture<Integer> exit : exits) {
          assertThat(exit.get(60, TimeUnit.SECONDS)).isZero();
        }
        assertThat(ProcFs.childrenOf(ProcessHandle.current().pid())).isEmpty();
        System.out.printf("stress round %d: %d workers spawned and called in %d ms, all exited %d ms later%n",
            round, WORKERS, (ready - t0) / 1_000_000, (System.nanoTime() - ready) / 1_000_000);
        if (round == 0) {
          fdsAfterFirstRound = ProcFs.fdCount();
        }
      }
      int limit = fdsAfterFirstRound;
      Await.until(Duration.ofSeconds(5), "fd count back to " + limit + " (now " + ProcFs.fdCount() + ")",
          () -> ProcFs.fdCount() <= limit);
    }
  }
}
