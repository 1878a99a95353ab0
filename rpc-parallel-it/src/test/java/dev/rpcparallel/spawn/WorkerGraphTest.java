package dev.rpcparallel.spawn;

import dev.rpcparallel.testing.NoLeaks;
import static org.assertj.core.api.Assertions.assertThat;

import dev.rpcparallel.Connection;
import dev.rpcparallel.RpcParallel;
import dev.rpcparallel.SpawnOptions;
import dev.rpcparallel.Worker;
import dev.rpcparallel.fixtures.Await;
import dev.rpcparallel.fixtures.ChainWorker;
import dev.rpcparallel.fixtures.DispatchWorker;
import dev.rpcparallel.fixtures.ProcFs;
import dev.rpcparallel.fixtures.TestWorker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** Reference scenarios 17 and 18: workers that talk to and spawn other workers. */
@Timeout(120)
@ExtendWith(NoLeaks.class)
class WorkerGraphTest {

  /**
   * Scenario 17: a counter worker's handle is passed as an argument to a dispatcher worker, which
   * connects to it and increments it; 10 increments through the dispatcher and 10 direct ones,
   * all concurrent, give the 20 distinct values 1..20.
   */
  @Test
  void scenario17_workerHandlePassedToAnotherWorkerSharedCounter() throws Exception {
    try (RpcParallel app = RpcParallel.create()) {
      CompletableFuture<Worker<TestWorker>> counterF = app.spawnAsync(new TestWorker(), 0, SpawnOptions.builder().name("s17-counter").build());
      CompletableFuture<Worker<DispatchWorker>> dispatcherF =
          app.spawnAsync(new DispatchWorker(), null, SpawnOptions.builder().name("s17-dispatcher").build());
      Worker<TestWorker> counter = counterF.get(60, TimeUnit.SECONDS);
      Worker<DispatchWorker> dispatcher = dispatcherF.get(60, TimeUnit.SECONDS);
      try (Connection<DispatchWorker> viaDispatcher = app.connect(dispatcher);
          Connection<TestWorker> direct = app.connect(counter, "direct")) {
        List<CompletableFuture<Integer>> calls = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
          calls.add(viaDispatcher.callAsync(DispatchWorker.INC_VIA, counter));
          calls.add(direct.callAsync(TestWorker.INC));
        }
        List<Integer> values = new ArrayList<>();
        for (CompletableFuture<Integer> f : calls) {
          values.add(f.get(30, TimeUnit.SECONDS));
        }
        assertThat(values).containsExactlyInAnyOrderElementsOf(IntStream.rangeClosed(1, 20).boxed().collect(Collectors.toList()));
      }
    }
  }

  /**
   * Scenario 18: a chain of three workers, each spawning the next from its initWorkerState; each
   * link's parent process is the previous link (the first's is the test JVM); closing the master
   * ends the whole chain.
   */
  @Test
  void scenario18_chainOfWorkersSpawnedFromInitEachKnowsItsParent() {
    List<List<Long>> chain;
    RpcParallel app = RpcParallel.create();
    try {
      Worker<ChainWorker> head = app.spawn(new ChainWorker(), 2, SpawnOptions.builder().name("chain-2").connectionTimeout(Duration.ofSeconds(30)).build());
      try (Connection<ChainWorker> c = app.connect(head)) {
        chain = c.call(ChainWorker.CHAIN);
      }
    } finally {
      app.close();
    }
    assertThat(chain).hasSize(3);
    assertThat(chain.get(0).get(1)).isEqualTo(ProcessHandle.current().pid());
    for (int i = 1; i < chain.size(); i++) {
      assertThat(chain.get(i).get(1)).as("parent of link " + i).isEqualTo(chain.get(i - 1).get(0));
    }
    List<Long> pids = chain.stream().map(l -> l.get(0)).collect(Collectors.toList());
    assertThat(pids).doesNotHaveDuplicates();
    Await.until(Duration.ofSeconds(10), "the whole chain " + pids + " to exit",
        () -> pids.stream().noneMatch(ProcFs::running));
  }
}
