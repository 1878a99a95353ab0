package dev.rpcparallel.spawn;

import dev.rpcparallel.testing.NoLeaks;
import static org.assertj.core.api.Assertions.assertThat;

import dev.rpcparallel.Connection;
import dev.rpcparallel.LogEntry;
import dev.rpcparallel.RpcParallel;
import dev.rpcparallel.ShutdownOn;
import dev.rpcparallel.SpawnOptions;
import dev.rpcparallel.StreamReader;
import dev.rpcparallel.Worker;
import dev.rpcparallel.fixtures.LifecycleWorker;
import dev.rpcparallel.fixtures.ProcFs;
import dev.rpcparallel.fixtures.TestWorker;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

@Timeout(60)
@ExtendWith(NoLeaks.class)
class SpawnBasicsTest {

  @Test
  void spawnCallShutdown() throws Exception {
    try (RpcParallel app = RpcParallel.create()) {
      Worker<TestWorker> w = app.spawn(new TestWorker(), 0, SpawnOptions.builder().name("basic").build());
      try (Connection<TestWorker> c = app.connect(w, "c")) {
        assertThat(c.call(TestWorker.SUM, 42)).isEqualTo(861L);
      }
      app.shutdown(w).get(10, TimeUnit.SECONDS);
      assertThat(app.onExit(w).get(10, TimeUnit.SECONDS)).isEqualTo(0);
    }
  }

  /**
   * A spawned worker starts in a session of its own (a terminal's signals to the master's
   * process group do not reach it), yet stays a child of the master.
   */
  @Test
  void spawnedWorkerRunsInItsOwnSessionAndStaysAChild() throws Exception {
    long self = ProcessHandle.current().pid();
    try (RpcParallel app = RpcParallel.create()) {
      Worker<LifecycleWorker> w = app.spawn(new LifecycleWorker(), 0, SpawnOptions.builder().name("own-session").build());
      long pid;
      try (Connection<LifecycleWorker> c = app.connect(w)) {
        pid = c.call(LifecycleWorker.PID);
        assertThat(c.call(LifecycleWorker.PARENT_PID)).isEqualTo(self);
      }
      assertThat(ProcFs.sessionOf(pid)).as("the worker's session").isEqualTo(pid).isNotEqualTo(ProcFs.sessionOf(self));
      assertThat(ProcessHandle.current().descendants().map(ProcessHandle::pid)).contains(pid);
      app.shutdown(w).get(10, TimeUnit.SECONDS);
      assertThat(app.onExit(w).get(10, TimeUnit.SECONDS)).isZero();
    }
  }

  /** In a spawned worker, what is logged through SLF4J reaches log subscribers, with the logger's name. */
  @Test
  void slf4jLogsOfASpawnedWorkerReachLogSubscribers() throws Exception {
    try (RpcParallel app = RpcParallel.create()) {
      Worker<LifecycleWorker> w = app.spawn(new LifecycleWorker(), 0, SpawnOptions.builder().name("slf4j").build());
      try (Connection<LifecycleWorker> c = app.connect(w);
          StreamReader<LogEntry> log = c.subscribeLog()) {
        c.call(LifecycleWorker.LOG_SLF4J, "through slf4j");
        LogEntry e = log.next();
        while (!e.logger().equals(LifecycleWorker.SLF4J_LOGGER)) {
          e = log.next(); // the library's own messages may come first
        }
        assertThat(e.message()).isEqualTo("through slf4j");
        assertThat(e.level()).isEqualTo("WARN");
        assertThat(e.worker()).isEqualTo("slf4j");
      }
      app.shutdown(w).get(10, TimeUnit.SECONDS);
      assertThat(app.onExit(w).get(10, TimeUnit.SECONDS)).isZero();
    }
  }

  @Test
  void spawnAndConnectExitsWhenTheConnectionCloses() throws Exception {
    try (RpcParallel app = RpcParallel.create()) {
      Connection<TestWorker> c = app.spawnAndConnect(new TestWorker(), 0, "c", SpawnOptions.defaults());
      assertThat(c.call(TestWorker.SUM, 42)).isEqualTo(861L);
      c.close();
      assertThat(app.onExit(c.worker()).get(10, TimeUnit.SECONDS)).isEqualTo(0);
    }
  }
}
