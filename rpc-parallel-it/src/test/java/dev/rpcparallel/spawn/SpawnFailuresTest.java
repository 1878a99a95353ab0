package dev.rpcparallel.spawn;

import dev.rpcparallel.testing.NoLeaks;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.rpcparallel.Connection;
import dev.rpcparallel.RpcParallel;
import dev.rpcparallel.RpcParallelException;
import dev.rpcparallel.RpcParallelException.Kind;
import dev.rpcparallel.ShutdownOn;
import dev.rpcparallel.SpawnOptions;
import dev.rpcparallel.Worker;
import dev.rpcparallel.fixtures.LifecycleWorker;
import dev.rpcparallel.fixtures.NoDefaultConstructorWorker;
import dev.rpcparallel.fixtures.ProcFs;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** Spawn failures beyond the reference scenarios: each fails with a useful error and leaves no child. */
@Timeout(60)
@ExtendWith(NoLeaks.class)
class SpawnFailuresTest {
  private static final long SELF = ProcessHandle.current().pid();

  private static RpcParallelException spawnError(RpcParallel app, Object initArg, SpawnOptions o) {
    Throwable t = catchThrowable(() -> app.spawn(new LifecycleWorker(), (Integer) initArg, o));
    assertThat(t).as("spawn error").isInstanceOf(RpcParallelException.class);
    assertThat(ProcFs.childrenOf(SELF)).as("children right after the failed spawn, zombies included").isEmpty();
    return (RpcParallelException) t;
  }

  /**
   * initWorkerState that never returns, with an init timeout: SPAWN_TIMEOUT once it ran that
   * long, the child killed and reaped. (Without one, initWorkerState may take as long as it needs.)
   */
  @Test
  void hungInitTimesOutAfterTheInitTimeoutAndTheChildIsKilled() {
    try (RpcParallel app = RpcParallel.create()) {
      long t0 = System.nanoTime();
      RpcParallelException e = spawnError(app, -2, SpawnOptions.builder().name("hung").initTimeout(Duration.ofSeconds(2)).build());
      long ms = (System.nanoTime() - t0) / 1_000_000;
      assertThat(e.kind()).isEqualTo(Kind.SPAWN_TIMEOUT);
      assertThat(e).hasMessageContaining("initWorkerState of worker hung did not return within the init timeout of 2s");
      assertThat(e.getMessage()).as("the worker's output").contains("[WORKER hung STDERR] initWorkerState hangs");
      assertThat(ms).as("ms until the spawn gave up").isBetween(2_000L, 10_000L);
    }
  }

  /**
   * The spawn timeout covers start-up until initWorkerState starts, not initWorkerState itself:
   * an init that takes longer than the whole spawn timeout still succeeds.
   */
  @Test
  void spawnTimeoutDoesNotLimitInitWorkerState() throws Exception {
    try (RpcParallel app = RpcParallel.create()) {
      Duration spawnTimeout = Duration.ofSeconds(4);
      assertThat(Duration.ofMillis(LifecycleWorker.SLOW_INIT_MILLIS)).isGreaterThan(spawnTimeout);
      long t0 = System.nanoTime();
      Worker<LifecycleWorker> w = app.spawn(new LifecycleWorker(), -3, SpawnOptions.builder().name("slow-init")
          .connectionTimeout(spawnTimeout).spawnTimeout(spawnTimeout).build());
      assertThat((System.nanoTime() - t0) / 1_000_000).isGreaterThanOrEqualTo(LifecycleWorker.SLOW_INIT_MILLIS);
      try (Connection<LifecycleWorker> c = app.connect(w)) {
        assertThat(c.call(LifecycleWorker.SUM, 42)).isEqualTo(861L);
      }
      app.shutdown(w).get(10, TimeUnit.SECONDS);
      assertThat(app.onExit(w).get(10, TimeUnit.SECONDS)).isZero();
    }
  }

  /** A spawn timeout too short for start-up fails with SPAWN_TIMEOUT naming the phase; the child is killed and reaped. */
  @Test
  void spawnTimeoutShorterThanStartUp() {
    try (RpcParallel app = RpcParallel.create()) {
      RpcParallelException e = spawnError(app, 0, SpawnOptions.builder().name("too-quick")
          .spawnTimeout(Duration.ofMillis(1)).build());
      assertThat(e.kind()).isEqualTo(Kind.SPAWN_TIMEOUT);
      assertThat(e).hasMessageContaining("worker too-quick did not start initWorkerState within the spawn timeout of 1ms");
    }
  }

  /** A main class the JVM cannot find: SPAWN_FAILED with the JVM's own complaint and exit status. */
  @Test
  void missingMainClass() {
    try (RpcParallel app = RpcParallel.create()) {
      RpcParallelException e = spawnError(app, 0, SpawnOptions.builder().name("no-main").mainClass("no.such.Main").build());
      assertThat(e.kind()).isEqualTo(Kind.SPAWN_FAILED);
      assertThat(e.getMessage()).contains("[WORKER no-main STDERR] ").contains("no.such.Main").containsPattern("exit status [1-9]");
    }
  }

  /** A spec the worker could not instantiate: refused before any JVM starts, with the reason. */
  @Test
  void specWithoutNoArgumentConstructor() {
    try (RpcParallel app = RpcParallel.create()) {
      Throwable t = catchThrowable(() -> app.spawn(new NoDefaultConstructorWorker("x"), null,
          SpawnOptions.builder().name("no-ctor").build()));
      assertThat(t).isInstanceOf(RpcParallelException.class);
      RpcParallelException e = (RpcParallelException) t;
      assertThat(e.kind()).isEqualTo(Kind.SPAWN_FAILED);
      assertThat(e.getMessage()).contains("cannot spawn worker no-ctor")
          .contains(NoDefaultConstructorWorker.class.getName())
          .contains("public no-argument constructor");
      assertThat(ProcFs.childrenOf(SELF)).isEmpty();
    }
  }

  /** A launcher program that does not exist: SPAWN_FAILED naming it, nothing started. */
  @Test
  void launcherProgramMissing() {
    try (RpcParallel app = RpcParallel.create()) {
      RpcParallelException e = spawnError(app, 0, SpawnOptions.builder().name("no-launcher")
          .launcher(dev.rpcparallel.Launcher.prefix("/no/such/launcher")).build());
      assertThat(e.kind()).isEqualTo(Kind.SPAWN_FAILED);
      assertThat(e).hasMessageContaining("/no/such/launcher");
    }
  }

  /** spawn refuses CONNECTION_CLOSED (it needs the connection spawnAndConnect makes); a closed app refuses to spawn. */
  @Test
  void misuse() {
    RpcParallel app = RpcParallel.create();
    assertThatThrownBy(() -> app.spawn(new LifecycleWorker(), 0,
        SpawnOptions.builder().shutdownOn(ShutdownOn.CONNECTION_CLOSED).build()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("spawnAndConnect");
    app.close();
    assertThatThrownBy(() -> app.spawn(new LifecycleWorker(), 0)).isInstanceOf(IllegalStateException.class);
    assertThat(ProcFs.childrenOf(SELF)).isEmpty();
  }
}
