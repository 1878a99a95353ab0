package dev.rpcparallel.spawn;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rpcparallel.Connection;
import dev.rpcparallel.EventListener;
import dev.rpcparallel.RpcParallel;
import dev.rpcparallel.RpcParallelException;
import dev.rpcparallel.SpawnOptions;
import dev.rpcparallel.fixtures.LifecycleWorker;
import dev.rpcparallel.fixtures.ProcFs;
import dev.rpcparallel.testing.NoLeaks;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * close() while a spawnAndConnect runs on another thread (a new user's review found a raw Netty
 * exception, a worker started after close() returned, or a 10 s wait): the spawn fails saying
 * the instance was closed, and no process is left.
 */
@Timeout(60)
@ExtendWith(NoLeaks.class)
class CloseDuringSpawnTest {
  private static final long SELF = ProcessHandle.current().pid();

  @Test
  void aSpawnInInitWorkerStateFailsSayingTheInstanceWasClosed() throws Exception {
    CountDownLatch initStarted = new CountDownLatch(1);
    RpcParallel app = RpcParallel.builder().eventListener(new EventListener() {
      @Override
      public void initStarted(String name) {
        initStarted.countDown();
      }
    }).build();
    CompletableFuture<Connection<LifecycleWorker>> spawning =
        app.spawnAndConnectAsync(new LifecycleWorker(), -2, null, SpawnOptions.builder().name("closed-meanwhile").build());
    assertThat(initStarted.await(30, TimeUnit.SECONDS)).as("initWorkerState started (it hangs)").isTrue();

    app.close();

    Throwable e = org.assertj.core.api.Assertions.catchThrowable(() -> spawning.get(30, TimeUnit.SECONDS));
    assertThat(e).isInstanceOf(ExecutionException.class).cause().isInstanceOf(RpcParallelException.class)
        .hasMessageStartingWith("worker closed-meanwhile did not start: this RpcParallel instance was closed meanwhile");
    assertThat(ProcFs.childrenOf(SELF)).as("processes left once close() returned").isEmpty();
  }

  @Test
  void aSpawnStartedAfterCloseThrowsIllegalState() {
    RpcParallel app = RpcParallel.create();
    app.close();

    assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> app.spawnAndConnect(new LifecycleWorker(), 0, null, SpawnOptions.defaults())))
        .isInstanceOf(IllegalStateException.class).hasMessage("this RpcParallel instance is closed");
  }
}
