package dev.rpcparallel.spawn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rpcparallel.Connection;
import dev.rpcparallel.Redirect;
import dev.rpcparallel.RpcParallel;
import dev.rpcparallel.RpcParallelException;
import dev.rpcparallel.SpawnOptions;
import dev.rpcparallel.Worker;
import dev.rpcparallel.fixtures.Await;
import dev.rpcparallel.fixtures.LifecycleWorker;
import dev.rpcparallel.fixtures.MasterServer;
import dev.rpcparallel.fixtures.ProcFs;
import dev.rpcparallel.fixtures.SpareMasterMain;
import dev.rpcparallel.fixtures.Spares;
import dev.rpcparallel.fixtures.TestWorker;
import dev.rpcparallel.testing.NoLeaks;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** Spare worker JVMs ({@code RpcParallel.Builder.spareWorkers}): taken by matching spawns, refilled, never leaked. */
@Timeout(120)
@ExtendWith(NoLeaks.class)
class SpareWorkersTest {
  private static final String SPARE_FLAG = Spares.FLAG;
  private static final Duration SOON = Duration.ofSeconds(30);

  private static Set<Long> spareProcesses(long parent) {
    return Spares.processes(parent);
  }

  private static long self() {
    return ProcessHandle.current().pid();
  }

  private static Set<Long> connectionsTo(long pid, int port) {
    return Spares.connectionsTo(pid, port);
  }

  @Test
  void aWaitingSpareIsConnectedToTheMasterAndTheWorkerItBecomesKeepsThatConnection() throws Exception {
    try (RpcParallel app = RpcParallel.builder().spareWorkers(1, SpawnOptions.defaults()).build()) {
      int masterPort = MasterServer.of(app).port();
      Await.until(SOON, "a spare to start", () -> spareProcesses(self()).size() == 1);
      long sparePid = spareProcesses(self()).iterator().next();
      Await.until(SOON, "the spare to be ready", () -> Spares.ready(app) == 1);
      Set<Long> before = connectionsTo(sparePid, masterPort);
      assertThat(before).as("one master connection per spare").hasSize(1);

      Worker<LifecycleWorker> w = app.spawn(new LifecycleWorker(), 1, SpawnOptions.builder().name("pre-connected").build());
      try (Connection<LifecycleWorker> c = app.connect(w)) {
        long pid = c.call(LifecycleWorker.PID);
        assertThat(pid).isEqualTo(sparePid);
        assertThat(connectionsTo(pid, masterPort)).as("the worker registered over the spare's connection, opening no other")
            .isEqualTo(before);
      }
      app.shutdown(w).get(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void aMatchingSpawnTakesASpareWhichIsReplaced() throws Exception {
    try (RpcParallel app = RpcParallel.builder().spareWorkers(2, SpawnOptions.defaults()).build()) {
      Await.until(SOON, "2 spares to be ready", () -> Spares.ready(app) == 2);
      Set<Long> before = spareProcesses(self());

      Worker<LifecycleWorker> w = app.spawn(new LifecycleWorker(), 7, SpawnOptions.builder().name("made-from-spare").build());
      long pid;
      try (Connection<LifecycleWorker> c = app.connect(w)) {
        pid = c.call(LifecycleWorker.PID);
        assertThat(c.call(LifecycleWorker.SUM, 5)).isEqualTo(10);
      }
      assertThat(before).as("the worker is one of the spares that were waiting").contains(pid);
      Await.until(SOON, "a new spare to replace the one taken, ready", () -> Spares.ready(app) == 2);

      // Another spec, from a replacement spare: its init argument and connection argument arrive.
      Worker<TestWorker> t = app.spawn(new TestWorker(), 7, SpawnOptions.builder().name("test-from-spare").build());
      try (Connection<TestWorker> c = app.connect(t, "c")) {
        assertThat(c.call(TestWorker.INC)).as("initWorkerState got 7").isEqualTo(8);
        assertThat(c.call(TestWorker.WHO, "x")).isEqualTo("c:x");
      }
      assertThat(spareProcesses(self())).as("one more worker made from a spare, and its replacement started")
          .hasSizeGreaterThanOrEqualTo(3);

      // Other options: a JVM of its own.
      Worker<LifecycleWorker> other = app.spawn(new LifecycleWorker(), 0,
          SpawnOptions.builder().name("own-jvm").addJvmOptions("-Dsome.flag=1").build());
      try (Connection<LifecycleWorker> c = app.connect(other)) {
        long otherPid = c.call(LifecycleWorker.PID);
        assertThat(ProcFs.commandLine(otherPid)).doesNotContain(SPARE_FLAG).contains("-Dsome.flag=1");
      }
      app.shutdown(w).get(10, TimeUnit.SECONDS);
      assertThat(app.onExit(w).get(10, TimeUnit.SECONDS)).isZero();
    }
    assertThat(spareProcesses(self())).as("closing the app ends its spares").isEmpty();
  }

  @Test
  void aSpawnThatFindsNoReadySpareStartsItsOwnJvm() throws Exception {
    try (RpcParallel app = RpcParallel.builder().spareWorkers(1, SpawnOptions.defaults()).build()) {
      // At once: the spare's JVM is still starting (it is ready a second or more later).
      Worker<LifecycleWorker> w = app.spawn(new LifecycleWorker(), 1, SpawnOptions.builder().name("own-jvm").build());
      try (Connection<LifecycleWorker> c = app.connect(w)) {
        long pid = c.call(LifecycleWorker.PID);
        assertThat(ProcFs.commandLine(pid)).as("not a spare").doesNotContain(SPARE_FLAG);
      }
      Await.until(SOON, "the spare, left waiting, to be ready", () -> Spares.ready(app) == 1);
      app.shutdown(w).get(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void aWorkerMadeFromASpareFailsLikeAnyOther() {
    try (RpcParallel app = RpcParallel.builder().spareWorkers(1, SpawnOptions.defaults()).build()) {
      Await.until(SOON, "the spare to be ready", () -> Spares.ready(app) == 1);
      Set<Long> spares = spareProcesses(self());
      assertThatThrownBy(() -> app.spawn(new LifecycleWorker(), -1, SpawnOptions.builder().name("boom-from-spare").build()))
          .isInstanceOf(RpcParallelException.class)
          .hasMessageContaining("initWorkerState of worker boom-from-spare failed")
          .hasMessageContaining("boom")
          .satisfies(e -> assertThat(((RpcParallelException) e).kind()).isEqualTo(RpcParallelException.Kind.SPAWN_FAILED));
      Await.until(SOON, "the failed worker to be gone", () -> spares.stream().noneMatch(ProcFs::running));
      Await.until(SOON, "a new spare", () -> spareProcesses(self()).size() == 1);
    }
  }

  @Test
  void sparesOutliveNoMasterKilledWithSigkill() throws Exception {
    List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"), SpareMasterMain.class.getName());
    Process master = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    try {
      BufferedReader out = new BufferedReader(new InputStreamReader(master.getInputStream(), StandardCharsets.UTF_8));
      long worker = -1;
      String line;
      while ((line = out.readLine()) != null && !line.equals("READY")) {
        if (line.startsWith("PID ")) {
          worker = Long.parseLong(line.substring(4));
        }
      }
      assertThat(line).as("master output ended before READY").isEqualTo("READY");
      long w = worker;
      Await.until(SOON, "the master to hold 2 waiting spares and the worker made from one",
          () -> spareProcesses(master.pid()).size() == 3 && spareProcesses(master.pid()).contains(w));
      Set<Long> all = spareProcesses(master.pid());

      master.destroyForcibly();
      assertThat(master.waitFor(10, TimeUnit.SECONDS)).isTrue();
      Await.until(Duration.ofSeconds(10), "the spares and the worker to exit after their master died",
          () -> all.stream().noneMatch(ProcFs::running));
    } finally {
      master.destroyForcibly();
      master.waitFor(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void sparesRefuseFileRedirectsAndRemoteOrInMemoryUse() {
    assertThatThrownBy(() -> RpcParallel.builder().spareWorkers(1,
        SpawnOptions.builder().stdout(Redirect.appendTo(Path.of("out.log"))).build()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("forwarded or discarded");
    assertThatThrownBy(() -> RpcParallel.builder().spareWorkers(-1, SpawnOptions.defaults()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("-1");
    assertThatThrownBy(() -> RpcParallel.builder().inMemory().spareWorkers(1, SpawnOptions.defaults()).build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("in-memory");
  }
}
