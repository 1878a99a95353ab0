package dev.rpcparallel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rpcparallel.fixtures.TestWorker;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Every kind of function over a real TCP connection to a served worker. */
@Timeout(60)
class FunctionKindsTest {
  private RpcParallel app;
  private Worker<TestWorker> worker;
  private TestWorker spec;

  @BeforeEach
  void start() {
    app = RpcParallel.create();
    spec = new TestWorker();
    worker = app.serve(spec, 0);
  }

  @AfterEach
  void stop() {
    app.close();
  }

  @Test
  void rpcBlockingAndAsync() throws Exception {
    try (Connection<TestWorker> c = app.connect(worker, "c1")) {
      assertThat(c.call(TestWorker.SUM, 42)).isEqualTo(861L);
      assertThat(c.callAsync(TestWorker.SUM, 10).get(10, TimeUnit.SECONDS)).isEqualTo(45L);
      assertThat(c.call(TestWorker.WHO, "x")).isEqualTo("c1:x");
    }
  }

  @Test
  void voidQueryFormsAndAsyncFormsOfStreamsAndBuiltins() throws Exception {
    try (Connection<TestWorker> c = app.connect(worker, "c1")) {
      assertThat(c.call(TestWorker.INC)).isEqualTo(1);
      assertThat(c.callAsync(TestWorker.INC).get(10, TimeUnit.SECONDS)).isEqualTo(2);
      try (StreamReader<Integer> r = c.openAsync(TestWorker.COUNT, 3).get(10, TimeUnit.SECONDS)) {
        List<Integer> got = new ArrayList<>();
        r.forEachRemaining(got::add);
        assertThat(got).containsExactly(0, 1, 2);
      }
      List<Integer> got = new CopyOnWriteArrayList<>();
      Subscription sub = c.subscribeAsync(TestWorker.COUNT, 4, got::add).get(10, TimeUnit.SECONDS);
      sub.done().get(10, TimeUnit.SECONDS);
      assertThat(got).containsExactly(0, 1, 2, 3);
      try (StreamReader<LogEntry> log = c.subscribeLogAsync().get(10, TimeUnit.SECONDS)) {
        c.call(TestWorker.LOG, "async subscriber");
        assertThat(log.next().message()).isEqualTo("async subscriber");
      }
      assertThat(c.workerSettingsAsync().get(10, TimeUnit.SECONDS)).isEqualTo(app.settings());
      try (StateStream<String, Character> s = c.openStateAsync(TestWorker.STATE, 2).get(10, TimeUnit.SECONDS)) {
        assertThat(s.state()).isEqualTo("hello world ");
        assertThat(s.updates().next()).isEqualTo('a');
        assertThat(s.updates().next()).isEqualTo('b');
        assertThat(s.updates().hasNext()).isFalse();
      }
    }
  }

  @Test
  void withConnectionClosesTheConnectionHoweverTheBodyEnds() {
    List<Connection<TestWorker>> seen = new ArrayList<>();
    long sum = app.withConnection(worker, "w", c -> {
      seen.add(c);
      return c.call(TestWorker.SUM, 4);
    });
    assertThat(sum).isEqualTo(6L);
    assertThat(seen.get(0).closeReason()).contains("closed by client");
    assertThatThrownBy(() -> app.withConnection(worker, "w", c -> {
      seen.add(c);
      throw new IllegalStateException("body failed");
    })).isInstanceOf(IllegalStateException.class).hasMessage("body failed");
    assertThat(seen).hasSize(2);
    assertThat(seen.get(1).closeReason()).contains("closed by client");
  }

  @Test
  void aCallbackMayWaitForAnotherCallOfTheSameConnection() throws Exception {
    try (Connection<TestWorker> c = app.connect(worker, "c1")) {
      CompletableFuture<String> nested = c.callAsync(TestWorker.ECHO, "outer")
          .thenApply(outer -> outer + "+" + c.callAsync(TestWorker.ECHO, "inner").join());
      assertThat(nested.get(10, TimeUnit.SECONDS)).isEqualTo("outer+inner");
    }
  }

  @Test
  void mapAndContraMapAdaptOnTheClientOnly() {
    try (Connection<TestWorker> c = app.connect(worker, "c1")) {
      Rpc<TestWorker, String, String> adapted = TestWorker.SUM.contraMap(String::length).map(n -> "sum=" + n);
      assertThat(c.call(adapted, "abcd")).isEqualTo("sum=6");
    }
    // Implementations is the engine's now: binding an adapted handle fails when the worker is built.
    assertThatThrownBy(() -> app.serve(new ImplementsAdapted(), null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'sum'")
        .hasMessageContaining("map/contraMap");
  }

  /** A worker that tries to implement a handle made by map: refused when its table is built. */
  public static final class ImplementsAdapted extends StatelessWorkerSpec {
    @Override
    public void implement(Implementations<Void, Void> table) {
      table.rpc(TestWorker.SUM.map(n -> "sum=" + n), (s, t, q) -> "never");
    }
  }

  @Test
  void oneWayIsDelivered() throws Exception {
    try (Connection<TestWorker> c = app.connect(worker, "c1")) {
      c.send(TestWorker.NOTE, "hello");
      c.sendAsync(TestWorker.NOTE, "again").get(10, TimeUnit.SECONDS);
      List<String> got = List.of(c.call(TestWorker.TAKE_NOTE), c.call(TestWorker.TAKE_NOTE));
      assertThat(got).containsExactlyInAnyOrder("c1:hello", "c1:again");
    }
  }

  /** As the original: one-ways are handled one at a time in the order sent, and a later call starts after them. */
  @Test
  void oneWaysAreHandledInOrderAndACallSentAfterThemStartsAfterThem() {
    try (Connection<TestWorker> c = app.connect(worker, "c1")) {
      for (int i = 0; i < 200; i++) {
        c.send(TestWorker.NOTE, "n" + i);
      }
      assertThat(c.call(TestWorker.DRAIN_NOTES))
          .containsExactlyElementsOf(IntStream.range(0, 200).mapToObj(i -> "c1:n" + i).collect(Collectors.toList()));
    }
  }

  /** As the original: a one-way handler that throws closes its connection, with the error as the reason. */
  @Test
  void aThrowingOneWayClosesItsConnectionOnly() throws Exception {
    try (Connection<TestWorker> c = app.connect(worker, "c1");
        Connection<TestWorker> other = app.connect(worker, "c2")) {
      CompletableFuture<Integer> pending = c.callAsync(TestWorker.SLEEP, 30_000);
      c.send(TestWorker.NOTE, "throw:deliberate");
      assertThat(c.closeFuture().get(10, TimeUnit.SECONDS))
          .isEqualTo("one-way function 'note' threw java.lang.IllegalStateException: deliberate");
      assertThatThrownBy(() -> pending.get(10, TimeUnit.SECONDS))
          .hasCauseInstanceOf(ConnectionClosedException.class)
          .hasMessageContaining("one-way function 'note' threw");
      assertThat(other.call(TestWorker.ECHO, "unaffected")).isEqualTo("unaffected");
    }
  }

  @Test
  void pipeByIterator() {
    try (Connection<TestWorker> c = app.connect(worker, "c1");
        StreamReader<Integer> r = c.open(TestWorker.COUNT, 1000)) {
      List<Integer> got = new ArrayList<>();
      r.forEachRemaining(got::add);
      assertThat(got).isEqualTo(IntStream.range(0, 1000).boxed().collect(Collectors.toList()));
    }
  }

  @Test
  void pipeByCallback() throws Exception {
    try (Connection<TestWorker> c = app.connect(worker, "c1")) {
      List<Integer> got = new CopyOnWriteArrayList<>();
      CompletableFuture<String> end = new CompletableFuture<>();
      Subscription sub = c.subscribe(TestWorker.COUNT, 500, new StreamListener<>() {
        @Override
        public void onItem(Integer item) {
          got.add(item);
        }

        @Override
        public void onEnd() {
          end.complete("end");
        }

        @Override
        public void onError(Throwable error) {
          end.completeExceptionally(error);
        }
      });
      assertThat(end.get(10, TimeUnit.SECONDS)).isEqualTo("end");
      sub.done().get(10, TimeUnit.SECONDS);
      assertThat(got).isEqualTo(IntStream.range(0, 500).boxed().collect(Collectors.toList()));
    }
  }

  @Test
  void pipeErrorAfterItemsReachesTheReader() {
    try (Connection<TestWorker> c = app.connect(worker, "c1");
        StreamReader<Integer> r = c.open(TestWorker.COUNT_THEN_FAIL, 3)) {
      assertThat(r.next()).isEqualTo(0);
      assertThat(r.next()).isEqualTo(1);
      assertThat(r.next()).isEqualTo(2);
      assertThatThrownBy(r::hasNext)
          .isInstanceOf(RemoteException.class)
          .hasMessageContaining("UnsupportedOperationException")
          .hasMessageContaining("failed after 3");
      assertThat(c.call(TestWorker.ECHO, "still fine")).isEqualTo("still fine");
    }
  }

  @Test
  void pipeAbortedMidStreamClosesTheWorkersWriter() throws Exception {
    try (Connection<TestWorker> c = app.connect(worker, "c1")) {
      StreamReader<Integer> r = c.open(TestWorker.ENDLESS);
      for (int i = 0; i < 100; i++) {
        assertThat(r.next()).isEqualTo(i);
      }
      r.close();
      long written = c.call(TestWorker.ABORTED_AFTER, null);
      assertThat(written).isGreaterThanOrEqualTo(100);
      assertThat(r.hasNext()).isFalse();
      assertThat(c.call(TestWorker.ECHO, "after abort")).isEqualTo("after abort");
    }
  }

  @Test
  void callbackSubscriptionCancelClosesTheWorkersWriter() throws Exception {
    try (Connection<TestWorker> c = app.connect(worker, "c1")) {
      CompletableFuture<Void> tenSeen = new CompletableFuture<>();
      List<Integer> got = new CopyOnWriteArrayList<>();
      Subscription sub = c.subscribe(TestWorker.ENDLESS, null, item -> {
        got.add(item);
        if (got.size() == 10) {
          tenSeen.complete(null);
        }
      });
      tenSeen.get(10, TimeUnit.SECONDS);
      sub.cancel();
      sub.done().get(10, TimeUnit.SECONDS);
      assertThat(c.call(TestWorker.ABORTED_AFTER, null)).isGreaterThanOrEqualTo(10);
    }
  }

  @Test
  void reversePipeRoutesNumbersToTenShards() throws Exception {
    List<Worker<TestWorker>> shards = new ArrayList<>();
    List<Connection<TestWorker>> conns = new ArrayList<>();
    List<ReverseCall<Integer, List<String>>> calls = new ArrayList<>();
    try {
      for (int i = 0; i < 10; i++) {
        shards.add(app.serve(new TestWorker(), i));
        conns.add(app.connect(shards.get(i), "m"));
        calls.add(conns.get(i).openReverse(TestWorker.SHARD, i));
      }
      for (int n = 0; n < 1000; n++) {
        assertThat(calls.get(n % 10).updates().write(n)).isTrue();
      }
      calls.forEach(call -> call.updates().close());
      for (int i = 0; i < 10; i++) {
        List<String> got = calls.get(i).result().get(20, TimeUnit.SECONDS);
        assertThat(got).hasSize(100);
        assertThat(got.get(0)).isEqualTo("worker " + i + " got " + i + ":" + (990 + i));
        assertThat(got.get(99)).isEqualTo("worker " + i + " got " + i + ":" + i);
      }
    } finally {
      conns.forEach(Connection::close);
    }
  }

  @Test
  void reversePipeFromIterator() {
    try (Connection<TestWorker> c = app.connect(worker, "c1")) {
      List<String> got = c.callReverse(TestWorker.SHARD, 3, List.of(3, 13, 23).iterator());
      assertThat(got).containsExactly("worker 3 got 3:23", "worker 3 got 3:13", "worker 3 got 3:3");
    }
  }

  @Test
  void stateRpcGivesStateThenUpdates() {
    try (Connection<TestWorker> c = app.connect(worker, "c1");
        StateStream<String, Character> s = c.openState(TestWorker.STATE, 10)) {
      StringBuilder sb = new StringBuilder(s.state());
      s.updates().forEachRemaining(sb::append);
      assertThat(sb.toString()).isEqualTo("hello world abcdefghij");
    }
  }

  /** A state handler that throws (after writing an update) fails the caller's openState; it used to hang. */
  @Test
  @Timeout(30)
  void stateRpcWhoseHandlerThrowsFailsTheCaller() {
    try (Connection<TestWorker> c = app.connect(worker, "c1")) {
      assertThatThrownBy(() -> c.openState(TestWorker.STATE, -1))
          .isInstanceOf(RemoteException.class)
          .hasMessageContaining("negative count -1");
      assertThat(c.openState(TestWorker.STATE, 2).state()).as("the connection still works").isEqualTo("hello world ");
    }
  }

  @Test
  void logSubscribersFanOutAndUnsubscribeOnClose() {
    try (Connection<TestWorker> c = app.connect(worker, "c1")) {
      StreamReader<LogEntry> r1 = c.subscribeLog();
      StreamReader<LogEntry> r2 = c.subscribeLog();
      c.call(TestWorker.LOG, "worker log message");
      LogEntry e1 = r1.next();
      LogEntry e2 = r2.next();
      assertThat(e1.message()).isEqualTo("worker log message");
      assertThat(e2.message()).isEqualTo("worker log message");
      assertThat(e1.level()).isEqualTo("INFO");
      assertThat(e1.worker()).isEqualTo(worker.nameOrId());
      assertThat(e1.logger()).as("the logger of WorkerContext.log()").isEqualTo("worker");
      r1.close();
      c.call(TestWorker.LOG, "second");
      assertThat(r2.next().message()).isEqualTo("second");
      assertThat(r1.hasNext()).isFalse();
      r2.close();
    }
  }
}
