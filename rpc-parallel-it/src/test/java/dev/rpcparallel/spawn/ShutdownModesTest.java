package dev.rpcparallel.spawn;

import dev.rpcparallel.testing.NoLeaks;
import static org.assertj.core.api.Assertions.assertThat;

import dev.rpcparallel.Connection;
import dev.rpcparallel.RemoteException;
import dev.rpcparallel.RpcParallel;
import dev.rpcparallel.RpcParallelException;
import dev.rpcparallel.ShutdownOn;
import dev.rpcparallel.SpawnOptions;
import dev.rpcparallel.Worker;
import dev.rpcparallel.fixtures.LifecycleWorker;
import dev.rpcparallel.fixtures.ProcFs;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** ShutdownOn modes, shutdownAll, close, and background failures in every mode. */
@Timeout(60)
@ExtendWith(NoLeaks.class)
class ShutdownModesTest {

  /**
   * A background failure is reported once (naming the worker, with the remote stack) and the
   * worker exits 254 in the modes where the worker no longer holds its master connection when it
   * fails: CONNECTION_CLOSED (dropped once the initial connection opened) and
   * CALLED_SHUTDOWN_FUNCTION (dropped once ready). Scenario 6 covers HEARTBEAT_TIMEOUT.
   */
  @Test
  void backgroundFailureIsReportedInEveryMode() throws Exception {
    List<RpcParallelException> failures = new CopyOnWriteArrayList<>();
    try (RpcParallel app = RpcParallel.create()) {
      Connection<LifecycleWorker> cc = app.spawnAndConnect(new LifecycleWorker(), 0, null,
          SpawnOptions.builder().name("bg-cc").onFailure(failures::add).build());
      cc.call(LifecycleWorker.FAIL_LATER, "cc failure");
      assertThat(app.onExit(cc.worker()).get(15, TimeUnit.SECONDS)).isEqualTo(254);
      cc.close();

      Worker<LifecycleWorker> csf = app.spawn(new LifecycleWorker(), 0, SpawnOptions.builder().name("bg-csf")
          .shutdownOn(ShutdownOn.CALLED_SHUTDOWN_FUNCTION).onFailure(failures::add).build());
      try (Connection<LifecycleWorker> c = app.connect(csf)) {
        c.call(LifecycleWorker.FAIL_LATER, "csf failure");
      }
      assertThat(app.onExit(csf).get(15, TimeUnit.SECONDS)).isEqualTo(254);
    }
    assertThat(failures).hasSize(2);
    assertThat(failures.get(0)).hasMessageContaining("bg-cc").hasMessageContaining("cc failure");
    assertThat(failures.get(1)).hasMessageContaining("bg-csf").hasMessageContaining("csf failure");
    for (RpcParallelException f : failures) {
      assertThat(f.kind()).isEqualTo(RpcParallelException.Kind.WORKER_FAILED);
      assertThat(f.getCause()).isInstanceOf(RemoteException.class);
      assertThat(f.getCause().getStackTrace()).isNotEmpty();
    }
  }

  /** shutdownAll ends every worker this app spawned, CALLED_SHUTDOWN_FUNCTION ones included, each with status 0. */
  @Test
  void shutdownAllEndsEveryMode() throws Exception {
    try (RpcParallel app = RpcParallel.create()) {
      List<Worker<LifecycleWorker>> workers = new ArrayList<>();
      workers.add(app.spawn(new LifecycleWorker(), 0, SpawnOptions.builder().name("all-hb").build()));
      workers.add(app.spawn(new LifecycleWorker(), 0,
          SpawnOptions.builder().name("all-csf").shutdownOn(ShutdownOn.CALLED_SHUTDOWN_FUNCTION).build()));
      Connection<LifecycleWorker> cc = app.spawnAndConnect(new LifecycleWorker(), 0, null, SpawnOptions.builder().name("all-cc").build());
      workers.add(cc.worker());
      long t0 = System.nanoTime();
      app.shutdownAll();
      long ms = (System.nanoTime() - t0) / 1_000_000;
      for (Worker<LifecycleWorker> w : workers) {
        assertThat(app.onExit(w).get(1, TimeUnit.SECONDS)).as(w.nameOrId()).isZero();
      }
      assertThat(ms).as("shutdownAll should not need its kill grace period").isLessThan(5_000);
      assertThat(cc.closeFuture().get(5, TimeUnit.SECONDS)).isNotEmpty();
    }
  }

  /**
   * close() ends HEARTBEAT_TIMEOUT and CONNECTION_CLOSED workers but not CALLED_SHUTDOWN_FUNCTION
   * ones, which another app can still reach and shut down through the handle.
   */
  @Test
  void closeLeavesCalledShutdownFunctionWorkersRunning() throws Exception {
    RpcParallel app = RpcParallel.create();
    Worker<LifecycleWorker> hb;
    Worker<LifecycleWorker> csf;
    long csfPid;
    try {
      hb = app.spawn(new LifecycleWorker(), 0, SpawnOptions.builder().name("close-hb").build());
      csf = app.spawn(new LifecycleWorker(), 0,
          SpawnOptions.builder().name("close-csf").shutdownOn(ShutdownOn.CALLED_SHUTDOWN_FUNCTION).build());
      try (Connection<LifecycleWorker> c = app.connect(csf)) {
        csfPid = c.call(LifecycleWorker.PID);
      }
    } finally {
      app.close();
    }
    assertThat(app.onExit(hb).get(1, TimeUnit.SECONDS)).isZero();
    assertThat(app.onExit(csf)).isNotDone();
    assertThat(ProcFs.running(csfPid)).isTrue();
    try (RpcParallel other = RpcParallel.create()) {
      try (Connection<LifecycleWorker> c = other.connect(csf)) {
        assertThat(c.call(LifecycleWorker.SUM, 42)).isEqualTo(861L);
      }
      other.shutdown(csf).get(10, TimeUnit.SECONDS);
      // Not a worker it spawned: the future fails (it used to throw).
      assertThat(other.onExit(csf)).failsWithin(Duration.ofSeconds(1))
          .withThrowableOfType(ExecutionException.class)
          .withCauseInstanceOf(IllegalArgumentException.class)
          .withMessageContaining("was not spawned by this RpcParallel instance");
    }
    // The first app still tracks the process it started, closed or not.
    assertThat(app.onExit(csf).get(10, TimeUnit.SECONDS)).isZero();
  }
}
