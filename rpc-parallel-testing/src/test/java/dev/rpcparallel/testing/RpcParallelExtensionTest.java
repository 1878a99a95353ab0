package dev.rpcparallel.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.rpcparallel.Connection;
import dev.rpcparallel.RpcParallel;
import dev.rpcparallel.Worker;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Events;

/** The extension, run on small fixture classes through the JUnit test kit. */
class RpcParallelExtensionTest {

  private static Events run(Class<?> fixture) {
    return EngineTestKit.engine("junit-jupiter").selectors(selectClass(fixture)).execute().testEvents();
  }

  // ---- fixtures (run only through the test kit: they are nested and not annotated to run alone) ----

  static class InMemoryFixture {
    static RpcParallel seen;
    @RegisterExtension final RpcParallelExtension rp = RpcParallelExtension.inMemory();

    @Test
    void callsAWorkerWithoutSockets(RpcParallel app) {
      assertThat(app).isSameAs(rp.app());
      seen = app;
      Worker<Sleeper> w = app.serve(new Sleeper(), null);
      assertThat(w.host()).isEqualTo("in-memory");
      try (Connection<Sleeper> c = app.connect(w)) {
        assertThat(c.call(Sleeper.ECHO, "hi")).isEqualTo("hi");
      }
    }
  }

  @Test
  void eachTestGetsAnApplicationThatIsClosedAfterIt() {
    run(InMemoryFixture.class).assertStatistics(s -> s.succeeded(1).failed(0));
    assertThat(InMemoryFixture.seen).isNotNull();
    assertThatClosed(InMemoryFixture.seen);
  }

  private static void assertThatClosed(RpcParallel app) {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> app.serve(new Sleeper(), null))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
  }

  static class HeartbeatFixture {
    @RegisterExtension final RpcParallelExtension rp = RpcParallelExtension.inMemory();

    @Test
    void aBlockedHandlerDoesNotStopHeartbeats(RpcParallel app, FakeClock clock) throws Exception {
      Sleeper.release = new CountDownLatch(1);
      Connection<Sleeper> c = app.connect(app.serve(new Sleeper(), null));
      CompletableFuture<Boolean> held = c.callAsync(Sleeper.HOLD);
      // 30 heartbeat intervals while the handler blocks, one at a time. A timer of an in-memory
      // link runs on that link's thread: one jump of 5 minutes let a side's timeout check run
      // before the other side's link thread had sent the heartbeats that fell due (a verify run
      // saw "no heartbeat received for 30s"). After each interval, a round trip on the same
      // connection passes through both link threads behind those heartbeats.
      for (int interval = 0; interval < 30; interval++) {
        clock.advance(Duration.ofSeconds(10));
        assertThat(c.call(Sleeper.ECHO, "tick")).isEqualTo("tick");
      }
      assertThat(c.isClosed()).isFalse();
      assertThat(held).isNotDone();
      Sleeper.release.countDown();
      assertThat(held.get(5, TimeUnit.SECONDS)).isTrue();
      assertThat(clock.elapsed()).isEqualTo(Duration.ofMinutes(5));
    }
  }

  @Test
  void theFakeClockDrivesHeartbeats() {
    Events events = run(HeartbeatFixture.class);
    events.failed().stream().forEach(e -> e.getPayload(org.junit.platform.engine.TestExecutionResult.class)
        .flatMap(org.junit.platform.engine.TestExecutionResult::getThrowable)
        .ifPresent(t -> { throw new AssertionError("the fixture failed: " + t, t); }));
    events.assertStatistics(s -> s.succeeded(1).failed(0));
  }

  static class LeakedThreadFixture {
    @RegisterExtension final RpcParallelExtension rp = RpcParallelExtension.inMemory();

    @Test
    void leaksAThread() {
      Thread t = new Thread(() -> {
        try {
          Thread.sleep(Leaks.GRACE.toMillis() + 2_000);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }, "rpc-parallel-leaked-by-a-test");
      t.setDaemon(true);
      t.start();
    }
  }

  @Test
  void aThreadLeftRunningFailsTheTest() {
    run(LeakedThreadFixture.class).assertThatEvents().haveExactly(1,
        org.junit.platform.testkit.engine.EventConditions.finishedWithFailure(
            org.junit.platform.testkit.engine.TestExecutionResultConditions.message(m ->
                m.contains("rpc-parallel threads alive: rpc-parallel-leaked-by-a-test"))));
  }

  static class LeakedProcessFixture {
    @RegisterExtension final RpcParallelExtension rp = RpcParallelExtension.sockets();

    @Test
    void leaksAProcessReparentedToInit() throws Exception {
      // A grandchild whose parent exits at once: it is re-parented, so descendants() no longer
      // sees it; only the origin mark on its command line gives it away.
      String mark = "-Ddev.rpcparallel.origin=" + ProcessHandle.current().pid();
      Process sh = new ProcessBuilder("bash", "-c", "perl -e 'sleep 30' fake-worker " + mark + " &").start();
      sh.waitFor(5, TimeUnit.SECONDS);
      assertThat(ProcessHandle.current().descendants().filter(ProcessHandle::isAlive).count()).isZero();
    }
  }

  @Test
  void aReparentedGrandchildIsFoundKilledAndReported() {
    run(LeakedProcessFixture.class).assertThatEvents().haveExactly(1,
        org.junit.platform.testkit.engine.EventConditions.finishedWithFailure(
            org.junit.platform.testkit.engine.TestExecutionResultConditions.message(m ->
                m.contains("processes left running") && m.contains("fake-worker"))));
    assertThat(Leaks.processes()).as("the leak check killed it").isEmpty();
  }

  static class ClassScopedFixture {
    @RegisterExtension static final RpcParallelExtension RP = RpcParallelExtension.inMemory();
    static RpcParallel first;

    @Test
    void one() {
      first = RP.app();
    }

    @Test
    void two() {
      if (first != null) {
        assertThat(RP.app()).isSameAs(first);
      } else {
        first = RP.app();
      }
    }
  }

  @Test
  void aStaticRegistrationSharesOneApplicationPerClass() {
    run(ClassScopedFixture.class).assertStatistics(s -> s.succeeded(2).failed(0));
    assertThatClosed(ClassScopedFixture.first);
  }

  @Test
  void theClockIsOnlyForInMemoryApplications() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> RpcParallelExtension.sockets().clock())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("inMemory()");
  }
}
