package dev.rpcparallel.managed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rpcparallel.RpcParallel;
import dev.rpcparallel.RpcParallelException;
import dev.rpcparallel.SpawnOptions;
import dev.rpcparallel.fixtures.Await;
import dev.rpcparallel.fixtures.LifecycleWorker;
import dev.rpcparallel.testing.Leaks;
import dev.rpcparallel.testing.NoLeaks;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** Managed workers: reconnecting after a cut, supervision restarting a killed worker then giving up, the callbacks. */
@Timeout(120)
@ExtendWith(NoLeaks.class)
class ManagedWorkerTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private RpcParallel app;
  private final List<String> events = new CopyOnWriteArrayList<>();

  /** Records every event as one line. */
  private final ManagedWorker.Listener recorder = new ManagedWorker.Listener() {
    @Override
    public void onFailure(RpcParallelException failure) {
      events.add("failure: " + failure.getMessage());
    }

    @Override
    public void onConnectionLost(String reason) {
      events.add("lost: " + reason);
    }

    @Override
    public void onRestart(int restart, Duration backoff, String why) {
      events.add("restart " + restart + " after " + backoff.toMillis() + " ms: " + why);
    }

    @Override
    public void onGiveUp(RpcParallelException why) {
      events.add("give up: " + why.getMessage());
    }
  };

  @BeforeEach
  void start() {
    app = RpcParallel.create();
  }

  @AfterEach
  void stop() {
    app.close();
  }

  private void awaitEvent(String prefix) {
    Await.until(WAIT, "an event starting with \"" + prefix + "\" (so far: " + events + ")",
        () -> events.stream().anyMatch(e -> e.startsWith(prefix)));
  }

  /** The connection is aborted under the master (ss -K, as a network failure would); the next call reconnects to the same worker. */
  @Test
  void aCutConnectionIsMadeAgainByTheNextCall() throws Exception {
    try (ManagedWorker<LifecycleWorker> m = ManagedWorker.builder(app, new LifecycleWorker(), 0)
        .options(SpawnOptions.builder().name("cut").build()).listener(recorder).start()) {
      long pid = m.call(LifecycleWorker.PID, null);
      Process ss = new ProcessBuilder("ss", "-K", "dst", m.worker().host(), "dport", "=", Integer.toString(m.worker().port()))
          .redirectErrorStream(true).start();
      String out = new String(ss.getInputStream().readAllBytes());
      assertThat(ss.waitFor()).as("ss -K: " + out).isZero();
      awaitEvent("lost: Lost connection with worker cut: ");
      assertThat(m.call(LifecycleWorker.PID, null)).as("the same worker, reconnected").isEqualTo(pid);
      assertThat(m.restarts()).isZero();
      assertThat(events).hasSize(1);
    }
    assertThat(events).as("kill() causes no event").hasSize(1);
  }

  @Test
  void supervisionRestartsAKilledWorkerUpToItsLimitThenGivesUp() {
    Supervision policy = Supervision.restart(2, Duration.ofMinutes(1)).backoff(Duration.ofMillis(50), Duration.ofMillis(80));
    try (ManagedWorker<LifecycleWorker> m = ManagedWorker.builder(app, new LifecycleWorker(), 0)
        .options(SpawnOptions.builder().name("supervised").build())
        .supervision(policy).listener(recorder).start()) {
      long first = m.call(LifecycleWorker.PID, null);
      ProcessHandle.of(first).orElseThrow().destroyForcibly();
      awaitEvent("restart 1 after 50 ms: worker supervised exited with status 137");
      long second = m.call(LifecycleWorker.PID, null);
      assertThat(second).as("a new worker").isNotEqualTo(first);

      ProcessHandle.of(second).orElseThrow().destroyForcibly();
      awaitEvent("restart 2 after 80 ms: worker supervised exited with status 137");
      long third = m.call(LifecycleWorker.PID, null);
      assertThat(third).isNotIn(first, second);
      assertThat(m.restarts()).isEqualTo(2);

      ProcessHandle.of(third).orElseThrow().destroyForcibly();
      awaitEvent("give up: worker supervised exited with status 137; restarted 2 times within PT1M, so it is given up");
      assertThatThrownBy(() -> m.call(LifecycleWorker.PID, null))
          .isInstanceOf(RpcParallelException.class)
          .satisfies(e -> assertThat(((RpcParallelException) e).kind()).isEqualTo(RpcParallelException.Kind.WORKER_FAILED))
          .hasMessageContaining("restarted 2 times");
      assertThat(events).filteredOn(e -> e.startsWith("lost: ")).as("each lost connection reported").hasSize(3);
    }
    assertThat(Leaks.processes()).isEmpty();
  }

  /** A call right after the worker died waits for the restart (at most the call already under way fails). */
  @Test
  void aCallRightAfterTheWorkerDiedWaitsForTheRestart() {
    Supervision policy = Supervision.restart(3, Duration.ofMinutes(1)).backoff(Duration.ofMillis(200), Duration.ofMillis(200));
    try (ManagedWorker<LifecycleWorker> m = ManagedWorker.builder(app, new LifecycleWorker(), 0)
        .options(SpawnOptions.builder().name("racing").build()).supervision(policy).listener(recorder).start()) {
      long first = m.call(LifecycleWorker.PID, null);
      ProcessHandle.of(first).orElseThrow().destroyForcibly();
      long second = -1;
      List<String> raced = new ArrayList<>();
      while (second < 0) {
        try {
          second = m.call(LifecycleWorker.PID, null);
        } catch (dev.rpcparallel.ConnectionClosedException e) {
          raced.add(e.toString()); // sent on the old connection before it was seen to close
        }
      }
      assertThat(raced).as("calls that raced the worker's death").hasSizeLessThanOrEqualTo(1);
      assertThat(second).as("the restarted worker").isNotEqualTo(first);
    }
  }

  /** Reference managed_on_failure.ml: an exception thrown in the background fires both callbacks. */
  @Test
  void aBackgroundFailureFiresOnFailureAndOnConnectionLost() {
    try (ManagedWorker<LifecycleWorker> m = ManagedWorker.builder(app, new LifecycleWorker(), 0)
        .options(SpawnOptions.builder().name("failing").build()).listener(recorder).start()) {
      m.call(LifecycleWorker.FAIL_LATER, "asynchronous exception");
      awaitEvent("failure: worker failing failed: ");
      awaitEvent("lost: Lost connection with worker failing");
      awaitEvent("give up: worker failing exited with status");
      assertThat(events).anyMatch(e -> e.startsWith("failure: ") && e.contains("asynchronous exception"));
      // onConnectionLost fires whether the exit (give up) or the connection's end is noticed first.
      assertThat(events).anyMatch(e -> e.startsWith("give up: ") && e.endsWith("supervision is off (Supervision.none())"));
    }
  }

  @Test
  void afterKillCallsFailAndNothingIsLeft() {
    ManagedWorker<LifecycleWorker> m = ManagedWorker.builder(app, new LifecycleWorker(), 0).listener(recorder).start();
    assertThat(m.call(LifecycleWorker.SUM, 4)).isEqualTo(6L);
    m.kill();
    m.kill();
    assertThat(Leaks.processes()).isEmpty();
    assertThatThrownBy(() -> m.call(LifecycleWorker.SUM, 4))
        .isInstanceOf(RpcParallelException.class).hasMessageContaining("was killed");
    assertThat(events).isEmpty();
  }

  @Test
  void connectionClosedShutdownIsRefused() {
    assertThatThrownBy(() -> ManagedWorker.builder(app, new LifecycleWorker(), 0)
        .options(SpawnOptions.builder().shutdownOn(dev.rpcparallel.ShutdownOn.CONNECTION_CLOSED).build()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("outlives its connections");
  }

  @Test
  void backoffDoublesUpToItsMaximum() {
    Supervision s = Supervision.restart(10, Duration.ofMinutes(1)).backoff(Duration.ofMillis(100), Duration.ofMillis(700));
    assertThat(List.of(s.backoffBefore(1), s.backoffBefore(2), s.backoffBefore(3), s.backoffBefore(4), s.backoffBefore(9)))
        .containsExactly(Duration.ofMillis(100), Duration.ofMillis(200), Duration.ofMillis(400), Duration.ofMillis(700), Duration.ofMillis(700));
    assertThatThrownBy(() -> Supervision.none().backoff(Duration.ZERO, Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Supervision.restart(0, Duration.ofMinutes(1))).hasMessageContaining("maxRestarts must be positive");
  }
}
