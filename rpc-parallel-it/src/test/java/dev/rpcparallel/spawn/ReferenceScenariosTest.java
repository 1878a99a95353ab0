package dev.rpcparallel.spawn;

import dev.rpcparallel.testing.NoLeaks;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.rpcparallel.Connection;
import dev.rpcparallel.ConnectionClosedException;
import dev.rpcparallel.RemoteException;
import dev.rpcparallel.RpcParallel;
import dev.rpcparallel.RpcParallelException;
import dev.rpcparallel.RpcParallelException.Kind;
import dev.rpcparallel.RpcSettings;
import dev.rpcparallel.SpawnOptions;
import dev.rpcparallel.Worker;
import dev.rpcparallel.fixtures.Await;
import dev.rpcparallel.fixtures.LifecycleWorker;
import dev.rpcparallel.fixtures.ProcFs;
import dev.rpcparallel.fixtures.TestWorker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The acceptance scenarios of the reference notes (§3.5) that concern spawning and lifecycle,
 * one test each, named after the scenario. Scenario 7 is {@link MasterKilledTest}, 8 is in
 * {@link HeartbeatLossTest}, 17 and 18 are in {@link WorkerGraphTest}, 20 is {@link
 * SocketAccountingTest}; 15 (serve) is ServeScenarioTest.
 */
@Timeout(120)
@ExtendWith(NoLeaks.class)
class ReferenceScenariosTest {
  private static final long SELF = ProcessHandle.current().pid();

  private static SpawnOptions named(String name) {
    return SpawnOptions.builder().name(name).build();
  }

  private static boolean alive(long pid) {
    return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
  }

  /** Scenario 1: spawnAndConnect, sum(42) = 861; closing the connection ends the worker (exit 0) within 5 s. */
  @Test
  void scenario01_spawnAndConnectSumThenCloseExitsZero() throws Exception {
    try (RpcParallel app = RpcParallel.create()) {
      Connection<LifecycleWorker> c = app.spawnAndConnect(new LifecycleWorker(), 0, null, named("s1"));
      assertThat(c.call(LifecycleWorker.SUM, 42)).isEqualTo(861L);
      long pid = c.call(LifecycleWorker.PID);
      c.close();
      assertThat(app.onExit(c.worker()).get(5, TimeUnit.SECONDS)).isEqualTo(0);
      assertThat(alive(pid)).isFalse();
    }
  }

  /** Scenario 2: 10 workers spawned concurrently each add 0..99; all exit (status 0) when the master closes. */
  @Test
  void scenario02_tenConcurrentWorkersSumAndAllExitWhenTheMasterCloses() throws Exception {
    List<Long> pids = new ArrayList<>();
    List<CompletableFuture<Integer>> exits = new ArrayList<>();
    RpcParallel app = RpcParallel.create();
    try {
      List<CompletableFuture<Worker<LifecycleWorker>>> spawning = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        // Ten JVMs starting at once on two cores: each start costs 1.2–1.6 core-seconds with the
        // full JIT (no class-data cache for the tests' directory class path), so the last ones
        // connect back ~10 s later on JDK 25 (CI failed once on the default 10 s timeout).
        spawning.add(app.spawnAsync(new LifecycleWorker(), i,
            SpawnOptions.builder().name("s2-" + i).connectionTimeout(Duration.ofSeconds(60)).build()));
      }
      for (CompletableFuture<Worker<LifecycleWorker>> f : spawning) {
        Worker<LifecycleWorker> w = f.get(60, TimeUnit.SECONDS);
        try (Connection<LifecycleWorker> c = app.connect(w)) {
          assertThat(c.call(LifecycleWorker.SUM, 100)).isEqualTo(4950L);
          pids.add(c.call(LifecycleWorker.PID));
        }
        exits.add(app.onExit(w));
      }
      assertThat(pids).doesNotHaveDuplicates().hasSize(10);
    } finally {
      long t0 = System.nanoTime();
      app.close();
      System.out.printf("scenario 2: close() with 10 workers took %d ms%n", (System.nanoTime() - t0) / 1_000_000);
    }
    for (CompletableFuture<Integer> exit : exits) {
      // 0: each exited by itself on the orderly shutdown close() sends, within the grace period
      // (stdin EOF would be 254, a kill 137 or 143).
      assertThat(exit.get(1, TimeUnit.SECONDS)).isEqualTo(0);
    }
    assertThat(pids).noneMatch(ReferenceScenariosTest::alive);
    assertThat(ProcFs.childrenOf(SELF)).isEmpty();
  }

  /**
   * Scenario 3: initWorkerState throws → spawn fails (SPAWN_FAILED) with "boom"; no child process
   * remains, zombies included; five more failures do not grow the test JVM's open fd count.
   */
  @Test
  void scenario03_initWorkerStateThrowsSpawnFailsAndNothingLeaks() {
    try (RpcParallel app = RpcParallel.create()) {
      failSpawn(app, "s3-warmup"); // starts the master server and loads classes
      int before = ProcFs.fdCount();
      for (int i = 0; i < 5; i++) {
        failSpawn(app, "s3-" + i);
      }
      Await.until(Duration.ofSeconds(5), "fd count back to " + before + " (now " + ProcFs.fdCount() + ")",
          () -> ProcFs.fdCount() <= before);
    }
  }

  private static void failSpawn(RpcParallel app, String name) {
    RpcParallelException e = (RpcParallelException) catchThrowable(() -> app.spawn(new TestWorker(), -1, named(name)));
    assertThat(e).isNotNull();
    assertThat(e.kind()).isEqualTo(Kind.SPAWN_FAILED);
    assertThat(e).hasMessageContaining("boom: init refused -1").hasMessageContaining(name);
    assertThat(ProcFs.childrenOf(SELF)).as("children (zombies included) right after the failed spawn").isEmpty();
  }

  /**
   * Scenario 4: initConnectionState throws → connecting fails with its text (the worker keeps
   * serving others); with spawnAndConnect, spawning fails and the worker exits.
   */
  @Test
  void scenario04_initConnectionStateThrows() {
    try (RpcParallel app = RpcParallel.create()) {
      Worker<TestWorker> w = app.spawn(new TestWorker(), 0, named("s4"));
      assertThatThrownBy(() -> app.connect(w, "fail"))
          .isInstanceOf(RemoteException.class)
          .hasMessageContaining("text of expected failure");
      try (Connection<TestWorker> ok = app.connect(w, "ok")) {
        assertThat(ok.call(TestWorker.SUM, 42)).isEqualTo(861L);
      }
      app.shutdown(w).join();
      assertThat(app.onExit(w).join()).isEqualTo(0);

      Throwable refused = catchThrowable(() -> app.spawnAndConnect(new TestWorker(), 0, "fail", named("s4-cc")));
      assertThat(refused).hasMessageContaining("text of expected failure");
      // The master still runs: the CONNECTION_CLOSED worker ended by itself (254), not killed.
      assertThat(refused.getSuppressed()).singleElement()
          .satisfies(s -> assertThat(s).hasMessage("worker s4-cc exited by itself with status 254"));
      assertThat(ProcFs.childrenOf(SELF)).isEmpty();
    }
  }

  /** Scenario 5: a function throws → the caller gets a RemoteException with the message; the worker keeps serving. */
  @Test
  void scenario05_functionThrowsWorkerKeepsServing() {
    try (RpcParallel app = RpcParallel.create();
        Connection<LifecycleWorker> c = app.spawnAndConnect(new LifecycleWorker(), 0, null, named("s5"))) {
      RemoteException e = (RemoteException) catchThrowable(() -> c.call(LifecycleWorker.FAIL, "deliberate"));
      assertThat(e).isNotNull();
      assertThat(e.remoteClassName()).isEqualTo(IllegalStateException.class.getName());
      assertThat(e.remoteMessage()).isEqualTo("deliberate");
      assertThat(e.worker()).isEqualTo("s5");
      assertThat(c.call(LifecycleWorker.SUM, 42)).isEqualTo(861L);
      assertThat(c.isClosed()).isFalse();
    }
  }

  /**
   * Scenario 6 (also the "function schedules an exception after returning"): the call
   * returns, 50 ms later a worker thread throws; onFailure fires exactly once, naming the worker,
   * with a RemoteException cause carrying the worker's stack; the worker exits 254; a call
   * pending on it fails with ConnectionClosedException.
   */
  @Test
  void scenario06_backgroundExceptionReportsOnceAndExits254() throws Exception {
    List<RpcParallelException> failures = new CopyOnWriteArrayList<>();
    try (RpcParallel app = RpcParallel.create()) {
      Worker<LifecycleWorker> w = app.spawn(new LifecycleWorker(), 0,
          SpawnOptions.builder().name("s6-victim").onFailure(failures::add).build());
      try (Connection<LifecycleWorker> c = app.connect(w)) {
        CompletableFuture<Integer> pending = c.callAsync(LifecycleWorker.SLEEP, 30_000);
        assertThat(c.call(LifecycleWorker.FAIL_LATER, "scheduled failure")).isNull();
        assertThat(app.onExit(w).get(15, TimeUnit.SECONDS)).isEqualTo(254);
        Throwable pendingError = catchThrowable(() -> pending.get(10, TimeUnit.SECONDS));
        assertThat(pendingError).hasCauseInstanceOf(ConnectionClosedException.class);
      }
      // onFailure runs before the worker exits (it waits for the report to be delivered).
      assertThat(failures).hasSize(1);
      RpcParallelException f = failures.get(0);
      assertThat(f.kind()).isEqualTo(Kind.WORKER_FAILED);
      assertThat(f).hasMessageContaining("s6-victim").hasMessageContaining("scheduled failure");
      assertThat(f.getCause()).isInstanceOf(RemoteException.class);
      RemoteException remote = (RemoteException) f.getCause();
      assertThat(remote.remoteClassName()).isEqualTo(IllegalStateException.class.getName());
      assertThat(Arrays.stream(remote.getStackTrace()).map(StackTraceElement::getMethodName)).contains("throwLater");
      assertThat(Arrays.stream(remote.getStackTrace()).map(StackTraceElement::getClassName))
          .contains(LifecycleWorker.class.getName());
    }
    assertThat(failures).hasSize(1);
  }

  /**
   * Scenario 9: failures before the worker is ready. A missing working directory is named in the
   * SPAWN_FAILED message; a JVM option the JVM refuses gives SPAWN_FAILED with the JVM's own
   * stderr lines, prefixed {@code [WORKER name STDERR]}, and the exit status.
   */
  @Test
  void scenario09_badWorkingDirectoryAndRefusedJvmOption(@TempDir Path tmp) {
    try (RpcParallel app = RpcParallel.create()) {
      Path missing = tmp.resolve("no such dir");
      RpcParallelException dir = (RpcParallelException) catchThrowable(() -> app.spawn(new LifecycleWorker(), 0,
          SpawnOptions.builder().name("s9-dir").workingDirectory(missing).build()));
      assertThat(dir).isNotNull().hasMessageContaining(missing.toString()).hasMessageContaining("s9-dir");
      assertThat(dir.kind()).isEqualTo(Kind.SPAWN_FAILED);

      RpcParallelException jvm = (RpcParallelException) catchThrowable(() -> app.spawn(new LifecycleWorker(), 0,
          SpawnOptions.builder().name("s9-jvm").addJvmOptions("-XX:+NoSuchOptionEver").build()));
      assertThat(jvm).isNotNull();
      assertThat(jvm.kind()).isEqualTo(Kind.SPAWN_FAILED);
      assertThat(jvm.getMessage())
          .contains("[WORKER s9-jvm STDERR] ")
          .contains("NoSuchOptionEver")
          .containsPattern("exit status [1-9]");
      assertThat(ProcFs.childrenOf(SELF)).isEmpty();
    }
  }

  /** Scenario 10: connectionTimeout 0 → SPAWN_TIMEOUT "timed out getting a connection"; the child is killed and reaped. */
  @Test
  void scenario10_zeroConnectionTimeoutFailsWithoutZombie() {
    try (RpcParallel app = RpcParallel.create()) {
      RpcParallelException e = (RpcParallelException) catchThrowable(() -> app.spawn(new LifecycleWorker(), 0,
          SpawnOptions.builder().name("s10").connectionTimeout(Duration.ZERO).build()));
      assertThat(e).isNotNull().hasMessageContaining("timed out getting a connection");
      assertThat(e.kind()).isEqualTo(Kind.SPAWN_TIMEOUT);
      // Checked at once: spawn must have reaped the child before throwing.
      assertThat(ProcFs.childrenOf(SELF)).as("children of the test JVM, zombies included").isEmpty();
      assertThat(ProcessHandle.current().descendants().count()).isZero();
    }
  }

  /**
   * Scenario 11: settings precedence. The app's settings with RPC_PARALLEL_RPC_SETTINGS (read by
   * the master from its builder's environment) applied per field are what both ends of
   * connections to a spawned and to a served worker use; the spawned worker's own environment
   * does not re-override them.
   */
  @Test
  void scenario11_settingsPrecedenceReachesSpawnedAndServedWorkers() {
    RpcSettings appSettings = RpcSettings.builder()
        .heartbeatInterval(Duration.ofSeconds(2))
        .heartbeatTimeout(Duration.ofSeconds(20))
        .maxMessageSize(8 << 20)
        .build();
    RpcSettings expected = appSettings.toBuilder()
        .heartbeatTimeout(Duration.ofSeconds(7))
        .streamWindow(65536)
        .build();
    Map<String, String> env = Map.of(RpcSettings.ENV_VAR, "heartbeatTimeout=7s,streamWindow=65536");
    try (RpcParallel app = RpcParallel.builder().settings(appSettings).environment(env).build()) {
      assertThat(app.settings()).isEqualTo(expected);
      Worker<LifecycleWorker> spawned = app.spawn(new LifecycleWorker(), 0, SpawnOptions.builder().name("s11")
          .env(RpcSettings.ENV_VAR, "heartbeatTimeout=11s").build());
      Worker<LifecycleWorker> served = app.serve(new LifecycleWorker(), 0);
      for (Worker<LifecycleWorker> w : List.of(spawned, served)) {
        assertThat(w.settings()).isEqualTo(expected);
        try (Connection<LifecycleWorker> c = app.connect(w)) {
          assertThat(c.settings()).as("client side, " + w).isEqualTo(expected);
          assertThat(c.workerSettings()).as("worker side, " + w).isEqualTo(expected);
        }
      }
      app.shutdown(spawned).join();
      assertThat(app.onExit(spawned).join()).isZero();
    }
  }

  /**
   * Scenario 12: env additions reach the worker byte for byte (quotes, backslashes, parentheses,
   * shell-like text, spaces), override inherited variables, and unset keys read as absent.
   */
  @Test
  void scenario12_envAdditionsReachTheWorkerIntact() {
    Map<String, String> vars = new LinkedHashMap<>();
    vars.put("RPCP_TEST_QUOTES", "say \"hello\" and 'bye' \"");
    vars.put("RPCP_TEST_BACKSLASHES", "C:\\path\\to\\x \\\\ \\n \\\" \\");
    vars.put("RPCP_TEST_PARENS", "(a (b) c) $(echo no) ${HOME} $HOME `id` ; | & > <");
    vars.put("RPCP_TEST_SPACES", "  leading, inner   and trailing  ");
    vars.put("RPCP_TEST_EMPTY", "");
    vars.put("RPCP_TEST_UNICODE", "caf\u00e9 \u2603 \u65e5\u672c");
    vars.put("HOME", "/tmp/a home (overridden)");
    assertThat(System.getenv("RPCP_TEST_UNSET")).isNull();
    try (RpcParallel app = RpcParallel.create();
        Connection<LifecycleWorker> c = app.spawnAndConnect(new LifecycleWorker(), 0, null,
            SpawnOptions.builder().name("s12").env(vars).build())) {
      for (Map.Entry<String, String> e : vars.entrySet()) {
        assertThat(c.call(LifecycleWorker.GETENV, e.getKey())).as(e.getKey()).contains(e.getValue());
      }
      assertThat(c.call(LifecycleWorker.GETENV, "RPCP_TEST_UNSET")).isEqualTo(Optional.empty());
      // Inherited variables stay unless overridden.
      assertThat(c.call(LifecycleWorker.GETENV, "PATH")).isEqualTo(Optional.ofNullable(System.getenv("PATH")));
    }
  }
}
