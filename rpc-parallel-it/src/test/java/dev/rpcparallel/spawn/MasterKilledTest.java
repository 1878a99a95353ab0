package dev.rpcparallel.spawn;

import dev.rpcparallel.testing.NoLeaks;
import static org.assertj.core.api.Assertions.assertThat;

import dev.rpcparallel.Connection;
import dev.rpcparallel.RpcParallel;
import dev.rpcparallel.Worker;
import dev.rpcparallel.fixtures.Await;
import dev.rpcparallel.fixtures.LifecycleWorker;
import dev.rpcparallel.fixtures.MasterMain;
import dev.rpcparallel.fixtures.ProcFs;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Reference scenario 7: SIGKILL of the master. A separate master JVM ({@link MasterMain}) spawns
 * 3 HEARTBEAT_TIMEOUT, 3 CONNECTION_CLOSED and 1 CALLED_SHUTDOWN_FUNCTION worker; the test kills
 * it with SIGKILL.
 */
@Timeout(120)
@ExtendWith(NoLeaks.class)
class MasterKilledTest {

  /**
   * Scenario 7: after SIGKILL of the master, its 6 mortal workers are gone within 5 s; the
   * CALLED_SHUTDOWN_FUNCTION worker survives (reparented, so tracked by pid) until this JVM shuts
   * it down through its handle, which carries the credentials.
   */
  @Test
  void scenario07_sigkillOfTheMasterEndsMortalWorkersOnly() throws Exception {
    List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"), MasterMain.class.getName());
    Process master = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    List<Long> mortal = new ArrayList<>();
    long survivorPid = -1;
    Worker<LifecycleWorker> survivor = null;
    try {
      BufferedReader out = new BufferedReader(new InputStreamReader(master.getInputStream(), StandardCharsets.UTF_8));
      String line;
      while ((line = out.readLine()) != null && !line.equals("READY")) {
        String[] f = line.split(" ");
        if (line.startsWith("PID CALLED_SHUTDOWN_FUNCTION ")) {
          survivorPid = Long.parseLong(f[2]);
        } else if (line.startsWith("PID ")) {
          mortal.add(Long.parseLong(f[2]));
        } else if (line.startsWith("HANDLE ")) {
          survivor = Worker.codec(LifecycleWorker.class).fromBytes(Base64.getDecoder().decode(f[1]));
        } else {
          System.out.println("[master] " + line);
        }
      }
      assertThat(line).as("master output ended before READY").isEqualTo("READY");
      assertThat(mortal).hasSize(6).doesNotHaveDuplicates().allMatch(ProcFs::running);
      assertThat(ProcFs.running(survivorPid)).isTrue();
      assertThat(survivor).isNotNull();

      master.destroyForcibly();
      assertThat(master.waitFor(10, TimeUnit.SECONDS)).isTrue();
      long killedAt = System.nanoTime();
      Await.until(Duration.ofSeconds(5), "the 6 mortal workers to exit", () -> mortal.stream().noneMatch(ProcFs::running));
      System.out.printf("scenario 7: mortal workers gone %d ms after the master died%n", (System.nanoTime() - killedAt) / 1_000_000);
      assertThat(ProcFs.running(survivorPid)).as("the CALLED_SHUTDOWN_FUNCTION worker survives its master").isTrue();

      try (RpcParallel app = RpcParallel.create()) {
        // Still serving, not merely not yet dead: it answers from the test JVM.
        try (Connection<LifecycleWorker> c = app.connect(survivor)) {
          assertThat(c.call(LifecycleWorker.PID)).isEqualTo(survivorPid);
        }
        app.shutdown(survivor).get(10, TimeUnit.SECONDS);
      }
      long pid = survivorPid;
      // Not our child any more: ProcFs.running also treats an unreaped zombie as gone.
      Await.until(Duration.ofSeconds(10), "the survivor to exit after shutdown", () -> !ProcFs.running(pid));
    } finally {
      master.destroyForcibly();
      master.waitFor(10, TimeUnit.SECONDS);
      mortal.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
      if (survivorPid > 0) {
        ProcessHandle.of(survivorPid).ifPresent(ProcessHandle::destroyForcibly);
      }
      killWorkersOf(master.pid());
    }
  }

  /**
   * Kills whatever the master JVM spawned that is still alive, found by the origin mark on the
   * workers' command lines: if the master failed before printing their pids, nothing else would
   * end its CALLED_SHUTDOWN_FUNCTION worker (this test's NoLeaks looks for this JVM's mark only).
   */
  private static void killWorkersOf(long masterPid) {
    String mark = "-Ddev.rpcparallel.origin=" + masterPid + " ";
    ProcessHandle.allProcesses()
        .filter(p -> p.info().commandLine().map(c -> c.contains(mark)).orElse(false))
        .forEach(ProcessHandle::destroyForcibly);
  }

  /**
   * SIGKILL of the master while its workers are still in initWorkerState (which never returns):
   * the HEARTBEAT_TIMEOUT and CONNECTION_CLOSED workers exit anyway (their master connection is
   * already up; the main thread is stuck, so the exit cannot wait for it).
   */
  @Test
  void sigkillOfTheMasterDuringInitEndsTheWorkers() throws Exception {
    List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
        MasterMain.class.getName(), "hang");
    Process master = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.INHERIT).start();
    List<Long> workers = new ArrayList<>();
    try {
      BufferedReader err = new BufferedReader(new InputStreamReader(master.getErrorStream(), StandardCharsets.UTF_8));
      int hanging = 0;
      String line;
      while (hanging < 2 && (line = err.readLine()) != null) {
        System.err.println("[master] " + line);
        if (line.endsWith("STDERR] initWorkerState hangs")) {
          hanging++;
        }
      }
      assertThat(hanging).as("workers in initWorkerState").isEqualTo(2);
      Thread drain = new Thread(() -> {
        try {
          err.transferTo(java.io.Writer.nullWriter());
        } catch (java.io.IOException e) {
          // master gone
        }
      }, "test-master-stderr");
      drain.setDaemon(true);
      drain.start();
      master.descendants().forEach(p -> workers.add(p.pid()));
      assertThat(workers).hasSize(2).allMatch(ProcFs::running);

      master.destroyForcibly();
      assertThat(master.waitFor(10, TimeUnit.SECONDS)).isTrue();
      long killedAt = System.nanoTime();
      Await.until(Duration.ofSeconds(5), "the 2 workers stuck in init to exit", () -> workers.stream().noneMatch(ProcFs::running));
      System.out.printf("master killed during init: workers gone %d ms later%n", (System.nanoTime() - killedAt) / 1_000_000);
    } finally {
      master.destroyForcibly();
      master.waitFor(10, TimeUnit.SECONDS);
      workers.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
      killWorkersOf(master.pid());
    }
  }
}
