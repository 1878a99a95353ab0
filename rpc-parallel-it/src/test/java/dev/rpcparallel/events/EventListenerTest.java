package dev.rpcparallel.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rpcparallel.Connection;
import dev.rpcparallel.EventListener;
import dev.rpcparallel.RemoteException;
import dev.rpcparallel.RpcParallel;
import dev.rpcparallel.RpcParallelException;
import dev.rpcparallel.SpawnOptions;
import dev.rpcparallel.StateStream;
import dev.rpcparallel.StreamReader;
import dev.rpcparallel.Worker;
import dev.rpcparallel.fixtures.TestWorker;
import dev.rpcparallel.testing.NoLeaks;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** The events an {@link EventListener} hears for spawns, connections and calls, in order. */
@Timeout(60)
@ExtendWith(NoLeaks.class)
class EventListenerTest {

  @Test
  void listenerEventsInOrderForASpawnAndACall() throws Exception {
    RecordingListener events = new RecordingListener();
    try (RpcParallel app = RpcParallel.builder().eventListener(events).build()) {
      Worker<TestWorker> w = app.spawn(new TestWorker(), 0, SpawnOptions.builder().name("ev").build());
      try (Connection<TestWorker> c = app.connect(w, "c")) {
        assertThat(c.call(TestWorker.SUM, 42)).isEqualTo(861L);
        assertThat(events.lastCallNanos).isPositive();
        assertThatThrownBy(() -> c.call(TestWorker.FAIL, "no")).isInstanceOf(RemoteException.class);
      }
      events.awaitEvent(e -> e.startsWith("connectionClosed"));
      app.shutdown(w).get(10, TimeUnit.SECONDS);
      assertThat(app.onExit(w).get(10, TimeUnit.SECONDS)).isZero();
      events.awaitEvent(e -> e.startsWith("workerExited"));
    }
    assertThat(events.events()).containsExactly(
        "spawnStarted ev",
        "processStarted ev",
        "workerConnected ev",
        "initStarted ev",
        "spawnReady ev",
        "connectionOpened ev",
        "callStarted sum RPC",
        "callFinished sum RPC ok",
        "callStarted fail RPC",
        "callFinished fail RPC RemoteException",
        "connectionClosed ev closed by client",
        "workerExited ev 0");
    assertThat(events.lastSpawn).isPositive().isLessThan(Duration.ofSeconds(60));
  }

  /** Every kind of call starts and finishes; streams finish when their reader sees the end. */
  @Test
  void everyKindOfCallIsHeard() throws Exception {
    RecordingListener events = new RecordingListener();
    try (RpcParallel app = RpcParallel.builder().eventListener(events).build()) {
      Worker<TestWorker> w = app.spawn(new TestWorker(), 0, SpawnOptions.builder().name("kinds").build());
      try (Connection<TestWorker> c = app.connect(w, "c")) {
        assertThat(c.callAsync(TestWorker.ECHO, "x").get(10, TimeUnit.SECONDS)).isEqualTo("x");
        c.sendAsync(TestWorker.NOTE, "hello").get(10, TimeUnit.SECONDS);
        assertThat(c.call(TestWorker.TAKE_NOTE, null)).isEqualTo("c:hello");
        List<Integer> items = new ArrayList<>();
        try (StreamReader<Integer> r = c.open(TestWorker.COUNT, 3)) {
          r.forEachRemaining(items::add);
        }
        assertThat(items).containsExactly(0, 1, 2);
        StateStream<String, Character> s = c.openState(TestWorker.STATE, 2);
        assertThat(s.state()).isEqualTo("hello world ");
        try (StreamReader<Character> u = s.updates()) {
          u.forEachRemaining(x -> {});
        }
        assertThat(c.callReverse(TestWorker.SHARD, 1, List.of(1, 2).iterator())).hasSize(2);
        StreamReader<Integer> failing = c.open(TestWorker.COUNT_THEN_FAIL, 1);
        assertThatThrownBy(() -> failing.forEachRemaining(x -> {})).isInstanceOf(RemoteException.class);
      }
    }
    List<String> calls = events.events().stream().filter(e -> e.startsWith("call")).toList();
    assertThat(calls).containsExactly(
        "callStarted echo RPC", "callFinished echo RPC ok",
        "callStarted note ONE_WAY", "callFinished note ONE_WAY ok",
        "callStarted take_note RPC", "callFinished take_note RPC ok",
        "callStarted count PIPE", "callFinished count PIPE ok",
        "callStarted state STATE_RPC", "callFinished state STATE_RPC ok",
        "callStarted shard REVERSE_PIPE", "callFinished shard REVERSE_PIPE ok",
        "callStarted count_then_fail PIPE", "callFinished count_then_fail PIPE RemoteException");
  }

  /** A spawn whose initWorkerState throws reports spawnFailed, and no exit. */
  @Test
  void aFailedSpawnIsHeard() throws Exception {
    RecordingListener events = new RecordingListener();
    try (RpcParallel app = RpcParallel.builder().eventListener(events).build()) {
      assertThatThrownBy(() -> app.spawn(new TestWorker(), -1, SpawnOptions.builder().name("bad").build()))
          .isInstanceOf(RpcParallelException.class);
    }
    assertThat(events.events()).containsExactly(
        "spawnStarted bad", "processStarted bad", "workerConnected bad", "initStarted bad",
        "spawnFailed bad RpcParallelException");
  }

  /** A listener that throws from every method changes nothing the library does. */
  @Test
  void aThrowingListenerBreaksNothing() throws Exception {
    AtomicInteger heard = new AtomicInteger();
    EventListener throwing = new EventListener() {
      @Override
      public void spawnReady(Worker<?> worker, Duration elapsed) {
        heard.incrementAndGet();
        throw new IllegalStateException("listener bug");
      }

      @Override
      public void connectionOpened(Connection<?> connection) {
        heard.incrementAndGet();
        throw new IllegalStateException("listener bug");
      }

      @Override
      public void callStarted(Connection<?> connection, String function, CallKind kind) {
        heard.incrementAndGet();
        throw new IllegalStateException("listener bug");
      }

      @Override
      public void callFinished(Connection<?> connection, String function, CallKind kind, long elapsedNanos, Throwable failure) {
        heard.incrementAndGet();
        throw new Error("listener bug");
      }
    };
    try (RpcParallel app = RpcParallel.builder().eventListener(throwing).build()) {
      Worker<TestWorker> w = app.spawn(new TestWorker(), 0, SpawnOptions.builder().name("throwing").build());
      try (Connection<TestWorker> c = app.connect(w, "c")) {
        assertThat(c.call(TestWorker.SUM, 3)).isEqualTo(3L);
        assertThat(c.callAsync(TestWorker.SUM, 4).get(10, TimeUnit.SECONDS)).isEqualTo(6L);
      }
      app.shutdown(w).get(10, TimeUnit.SECONDS);
      assertThat(app.onExit(w).get(10, TimeUnit.SECONDS)).isZero();
    }
    assertThat(heard).hasValue(6);
  }

  @Test
  void theDefaultIsNone() {
    assertThatThrownBy(() -> RpcParallel.builder().eventListener(null)).isInstanceOf(NullPointerException.class);
    assertThat(EventListener.NONE).hasToString("EventListener.NONE");
  }
}
