package dev.rpcparallel.spawn;

import dev.rpcparallel.testing.NoLeaks;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.rpcparallel.Connection;
import dev.rpcparallel.Launcher;
import dev.rpcparallel.Redirect;
import dev.rpcparallel.RpcParallel;
import dev.rpcparallel.RpcParallelException;
import dev.rpcparallel.SpawnOptions;
import dev.rpcparallel.Worker;
import dev.rpcparallel.fixtures.Await;
import dev.rpcparallel.fixtures.CustomMain;
import dev.rpcparallel.fixtures.LifecycleWorker;
import dev.rpcparallel.fixtures.ProcFs;
import dev.rpcparallel.fixtures.TestWorker;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Spawn options: custom main class hook, launchers, redirects. */
@Timeout(60)
@ExtendWith(NoLeaks.class)
class SpawnOptionsTest {

  private static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  private static void shutdownAndExpectZero(RpcParallel app, Worker<?> w) throws Exception {
    app.shutdown(w).get(10, TimeUnit.SECONDS);
    assertThat(app.onExit(w).get(10, TimeUnit.SECONDS)).isZero();
  }

  /**
   * A program with its own main calls WorkerMain.runIfSpawned() first: run normally it goes on
   * ("not a worker"); spawned with mainClass(...) it becomes a worker.
   */
  @Test
  void customMainClassCallingRunIfSpawned() throws Exception {
    Process plain = new ProcessBuilder(java(), "-cp", System.getProperty("java.class.path"), CustomMain.class.getName())
        .redirectErrorStream(true).start();
    plain.getOutputStream().close();
    String text = new String(plain.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(plain.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(text).isEqualTo("not a worker" + System.lineSeparator());
    assertThat(plain.exitValue()).isZero();

    try (RpcParallel app = RpcParallel.create()) {
      Worker<LifecycleWorker> w = app.spawn(new LifecycleWorker(), 0,
          SpawnOptions.builder().name("custom-main").mainClass(CustomMain.class.getName()).build());
      try (Connection<LifecycleWorker> c = app.connect(w)) {
        assertThat(c.call(LifecycleWorker.SUM, 42)).isEqualTo(861L);
        long pid = c.call(LifecycleWorker.PID);
        assertThat(ProcessHandle.of(pid).orElseThrow().info().arguments().orElseThrow())
            .contains(CustomMain.class.getName());
      }
      shutdownAndExpectZero(app, w);
    }
  }

  /** Launcher.prefix("nice", "-n", "5") runs the worker JVM niced (same pid: nice execs java), env intact. */
  @Test
  void launcherPrefixNice() throws Exception {
    int myNice = ProcFs.niceOf(ProcessHandle.current().pid());
    try (RpcParallel app = RpcParallel.create()) {
      Worker<LifecycleWorker> w = app.spawn(new LifecycleWorker(), 0, SpawnOptions.builder().name("niced")
          .launcher(Launcher.prefix("nice", "-n", "5")).env("RPCP_TEST_NICE", "a b").build());
      try (Connection<LifecycleWorker> c = app.connect(w)) {
        long pid = c.call(LifecycleWorker.PID);
        assertThat(ProcFs.niceOf(pid)).isEqualTo(Math.min(19, myNice + 5));
        assertThat(c.call(LifecycleWorker.PARENT_PID)).isEqualTo(ProcessHandle.current().pid());
        assertThat(c.call(LifecycleWorker.GETENV, "RPCP_TEST_NICE")).contains("a b");
      }
      shutdownAndExpectZero(app, w);
    }
  }

  /** Launcher.wrap rewrites the command: here through env(1), which adds a variable the worker sees. */
  @Test
  void launcherWrap() throws Exception {
    List<List<String>> seen = new ArrayList<>();
    Launcher viaEnv = Launcher.wrap(cmd -> {
      seen.add(List.copyOf(cmd));
      List<String> out = new ArrayList<>(List.of("env", "RPCP_WRAPPED=yes"));
      out.addAll(cmd);
      return out;
    });
    try (RpcParallel app = RpcParallel.create()) {
      Worker<LifecycleWorker> w = app.spawn(new LifecycleWorker(), 0, SpawnOptions.builder().name("wrapped").launcher(viaEnv).build());
      try (Connection<LifecycleWorker> c = app.connect(w)) {
        assertThat(c.call(LifecycleWorker.GETENV, "RPCP_WRAPPED")).isEqualTo(Optional.of("yes"));
      }
      shutdownAndExpectZero(app, w);
    }
    assertThat(seen).hasSize(1);
    assertThat(seen.get(0).get(0)).isEqualTo(java());
    assertThat(seen.get(0)).contains("--rpc-parallel-worker=wrapped");
  }

  /**
   * Redirect.truncate for stdout: a line printed once the worker is ready lands in the file,
   * whose old content is gone. Redirect.appendTo for stderr keeps the old content and receives
   * the worker's exit line.
   */
  @Test
  void redirectTruncateStdoutAndAppendStderr(@TempDir Path tmp) throws Exception {
    Path out = tmp.resolve("worker.out");
    Path err = tmp.resolve("worker.err");
    Files.writeString(out, "stale line\n");
    Files.writeString(err, "previous run\n");
    try (RpcParallel app = RpcParallel.create()) {
      Worker<LifecycleWorker> w = app.spawn(new LifecycleWorker(), 0, SpawnOptions.builder().name("redirected")
          .stdout(Redirect.truncate(out)).stderr(Redirect.appendTo(err)).build());
      try (Connection<LifecycleWorker> c = app.connect(w)) {
        c.call(LifecycleWorker.PRINT, "printed after ready");
        c.call(LifecycleWorker.PRINT_ERR, "printed on stderr");
      }
      Await.until(Duration.ofSeconds(5), "the line in " + out, () -> read(out).contains("printed after ready"));
      assertThat(read(out)).isEqualTo("printed after ready\n");
      shutdownAndExpectZero(app, w);
    }
    // Appended after what was there; an orderly exit (status 0) prints no line of its own.
    assertThat(read(err)).isEqualTo("previous run\nprinted on stderr\n");
  }

  /**
   * Redirects apply to the worker's file descriptors from JVM start: what the JVM itself prints
   * before any Java code runs (here -XX:+PrintCommandLineFlags) lands in the file too.
   */
  @Test
  void redirectAppliesFromJvmStart(@TempDir Path tmp) throws Exception {
    Path out = tmp.resolve("jvm.out");
    try (RpcParallel app = RpcParallel.create()) {
      Worker<LifecycleWorker> w = app.spawn(new LifecycleWorker(), 0, SpawnOptions.builder().name("from-start")
          .addJvmOptions("-XX:+PrintCommandLineFlags").stdout(Redirect.truncate(out)).build());
      try (Connection<LifecycleWorker> c = app.connect(w)) {
        c.call(LifecycleWorker.PRINT, "printed after ready");
      }
      Await.until(Duration.ofSeconds(5), "the line in " + out, () -> read(out).contains("printed after ready"));
      List<String> lines = Files.readAllLines(out);
      assertThat(lines.get(0)).as("the JVM's own first line").contains("-XX:+UseSerialGC").contains("-XX:+PrintCommandLineFlags");
      assertThat(lines.get(lines.size() - 1)).isEqualTo("printed after ready");
      shutdownAndExpectZero(app, w);
    }
  }

  /**
   * A failed spawn's error holds what the worker printed into a redirect file during this spawn
   * (not what the file held before), prefixed as forwarded lines are.
   */
  @Test
  void failedSpawnShowsTheNewPartOfARedirectFile(@TempDir Path tmp) throws Exception {
    Path err = tmp.resolve("worker.err");
    Files.writeString(err, "line from an earlier run\n");
    try (RpcParallel app = RpcParallel.create()) {
      RpcParallelException e = (RpcParallelException) catchThrowable(() -> app.spawn(new TestWorker(), -1,
          SpawnOptions.builder().name("init-fails").stderr(Redirect.appendTo(err)).build()));
      assertThat(e).isNotNull();
      assertThat(e.kind()).isEqualTo(RpcParallelException.Kind.SPAWN_FAILED);
      assertThat(e.getMessage())
          .contains("[WORKER init-fails STDERR] ")
          .contains("boom: init refused -1")
          .containsPattern("exit status 254")
          .doesNotContain("line from an earlier run");
      assertThat(read(err)).startsWith("line from an earlier run\n").contains("boom: init refused -1");
      assertThat(ProcFs.childrenOf(ProcessHandle.current().pid())).isEmpty();
    }
  }

  /** A relative redirect path is resolved against the worker's working directory; a file it creates is private (0600). */
  @Test
  void relativeRedirectPathIsResolvedInTheWorkingDirectory(@TempDir Path tmp) throws Exception {
    try (RpcParallel app = RpcParallel.create()) {
      Worker<LifecycleWorker> w = app.spawn(new LifecycleWorker(), 0, SpawnOptions.builder().name("relative")
          .workingDirectory(tmp).stdout(Redirect.truncate(Path.of("relative.out"))).build());
      try (Connection<LifecycleWorker> c = app.connect(w)) {
        c.call(LifecycleWorker.PRINT, "in the working directory");
      }
      Path expected = tmp.resolve("relative.out");
      Await.until(Duration.ofSeconds(5), "the line in " + expected,
          () -> Files.exists(expected) && read(expected).contains("in the working directory"));
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(expected))).isEqualTo("rw-------");
      shutdownAndExpectZero(app, w);
    }
  }

  /** Redirect.forward (the default): the master prints each stdout line prefixed "[WORKER name STDOUT] ". */
  @Test
  void forwardedStdoutIsPrefixed() throws Exception {
    java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
    java.io.PrintStream original = System.out;
    System.setOut(new java.io.PrintStream(captured, true, StandardCharsets.UTF_8));
    try (RpcParallel app = RpcParallel.create()) {
      Worker<LifecycleWorker> w = app.spawn(new LifecycleWorker(), 0, SpawnOptions.builder().name("fwd").build());
      try (Connection<LifecycleWorker> c = app.connect(w)) {
        c.call(LifecycleWorker.PRINT, "forwarded line");
      }
      Await.until(Duration.ofSeconds(5), "the forwarded line",
          () -> captured.toString(StandardCharsets.UTF_8).contains("[WORKER fwd STDOUT] forwarded line" + System.lineSeparator()));
      shutdownAndExpectZero(app, w);
    } finally {
      System.setOut(original);
      original.print(captured.toString(StandardCharsets.UTF_8));
    }
  }

  /**
   * A redirect file that cannot be opened makes the spawn fail (SPAWN_FAILED naming the file),
   * rather than the spawn succeeding and the worker dying right after.
   */
  @Test
  void unopenableRedirectFailsTheSpawn(@TempDir Path tmp) {
    Path bad = tmp.resolve("no-such-dir").resolve("worker.out");
    try (RpcParallel app = RpcParallel.create()) {
      RpcParallelException e = (RpcParallelException) catchThrowable(() -> app.spawn(new LifecycleWorker(), 0,
          SpawnOptions.builder().name("bad-redirect").stdout(Redirect.truncate(bad)).build()));
      assertThat(e).as("spawn with an unopenable redirect").isNotNull().hasMessageContaining(bad.toString());
      assertThat(e.kind()).isEqualTo(RpcParallelException.Kind.SPAWN_FAILED);
      assertThat(ProcFs.childrenOf(ProcessHandle.current().pid())).isEmpty();
    }
  }

  private static String read(Path p) {
    try {
      return Files.readString(p);
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
  }
}
