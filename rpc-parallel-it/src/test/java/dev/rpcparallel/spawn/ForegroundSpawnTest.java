package dev.rpcparallel.spawn;

import dev.rpcparallel.testing.NoLeaks;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.rpcparallel.Connection;
import dev.rpcparallel.ForegroundWorker;
import dev.rpcparallel.RpcParallel;
import dev.rpcparallel.RpcParallelException;
import dev.rpcparallel.SpawnOptions;
import dev.rpcparallel.fixtures.LifecycleWorker;
import dev.rpcparallel.fixtures.ProcFs;
import dev.rpcparallel.fixtures.TestWorker;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** spawnInForeground: the caller owns the Process and its streams; failures leave no zombie. */
@Timeout(60)
@ExtendWith(NoLeaks.class)
class ForegroundSpawnTest {

  /** Reads a stream to its end on a separate thread (so the child never blocks on a full pipe). */
  private static CompletableFuture<String> drain(InputStream in) {
    CompletableFuture<String> text = new CompletableFuture<>();
    Thread t = new Thread(() -> {
      try (in) {
        text.complete(new String(in.readAllBytes(), StandardCharsets.UTF_8));
      } catch (IOException e) {
        text.completeExceptionally(e);
      }
    }, "test-drain");
    t.setDaemon(true);
    t.start();
    return text;
  }

  private static String readLineUntil(BufferedReader r, String wanted) throws IOException {
    String line;
    while ((line = r.readLine()) != null) {
      if (line.equals(wanted)) {
        return line;
      }
    }
    return null;
  }

  /** The caller reads the worker's stdout from the Process; shutdown ends it with status 0. */
  @Test
  void callerReadsStdoutAndShutdownEndsTheProcess() throws Exception {
    try (RpcParallel app = RpcParallel.create()) {
      ForegroundWorker<LifecycleWorker> fw = app.spawnInForeground(new LifecycleWorker(), 0, SpawnOptions.builder().name("fg").build());
      Process p = fw.process();
      CompletableFuture<String> stderr = drain(p.getErrorStream());
      try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        try (Connection<LifecycleWorker> c = app.connect(fw.worker())) {
          assertThat(c.call(LifecycleWorker.PID)).isEqualTo(p.pid());
          c.call(LifecycleWorker.PRINT, "HELLO");
        }
        assertThat(readLineUntil(out, "HELLO")).isEqualTo("HELLO");
        app.shutdown(fw.worker()).get(10, TimeUnit.SECONDS);
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isZero();
        assertThat(app.onExit(fw.worker()).get(5, TimeUnit.SECONDS)).isZero();
      } finally {
        p.getOutputStream().close();
      }
      assertThat(stderr.get(5, TimeUnit.SECONDS)).as("an orderly exit is silent").isEmpty();
    }
  }

  /**
   * Closing the worker's stdin (the caller's end of the pipe) ends a HEARTBEAT_TIMEOUT foreground
   * worker; to it the master is gone, which is a failure exit (254) as in the original.
   */
  @Test
  void closingItsStdinEndsTheWorker() throws Exception {
    try (RpcParallel app = RpcParallel.create()) {
      ForegroundWorker<LifecycleWorker> fw = app.spawnInForeground(new LifecycleWorker(), 0, SpawnOptions.builder().name("fg-stdin").build());
      Process p = fw.process();
      CompletableFuture<String> stdout = drain(p.getInputStream());
      CompletableFuture<String> stderr = drain(p.getErrorStream());
      try (Connection<LifecycleWorker> c = app.connect(fw.worker())) {
        assertThat(c.call(LifecycleWorker.SUM, 42)).isEqualTo(861L);
        p.getOutputStream().close();
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isEqualTo(254);
        assertThat(c.closeFuture().get(10, TimeUnit.SECONDS)).isNotEmpty();
      }
      stdout.get(5, TimeUnit.SECONDS);
      assertThat(stderr.get(5, TimeUnit.SECONDS)).contains("stdin from the master closed");
    }
  }

  /** ForegroundWorker is AutoCloseable: close() ends a live worker, reaps it and closes its streams; again is a no-op. */
  @Test
  void closeEndsTheProcessAndLeavesNoZombie() {
    try (RpcParallel app = RpcParallel.create()) {
      ForegroundWorker<LifecycleWorker> closed;
      try (ForegroundWorker<LifecycleWorker> fw =
          app.spawnInForeground(new LifecycleWorker(), 0, SpawnOptions.builder().name("fg-close").build())) {
        closed = fw;
        try (Connection<LifecycleWorker> c = app.connect(fw.worker())) {
          assertThat(c.call(LifecycleWorker.PID)).isEqualTo(fw.process().pid());
        }
      }
      assertThat(closed.process().isAlive()).isFalse();
      assertThat(ProcFs.childrenOf(ProcessHandle.current().pid())).as("children, zombies included").isEmpty();
      closed.close();
    }
  }

  /** A foreground spawn whose init throws fails with the text, and the library reaps the child. */
  @Test
  void failedForegroundSpawnLeavesNoZombie() {
    try (RpcParallel app = RpcParallel.create()) {
      RpcParallelException e = (RpcParallelException) catchThrowable(
          () -> app.spawnInForeground(new TestWorker(), -1, SpawnOptions.builder().name("fg-boom").build()));
      assertThat(e).isNotNull().hasMessageContaining("boom: init refused -1");
      assertThat(e.kind()).isEqualTo(RpcParallelException.Kind.SPAWN_FAILED);
      assertThat(ProcFs.childrenOf(ProcessHandle.current().pid())).as("children, zombies included").isEmpty();
    }
  }
}
