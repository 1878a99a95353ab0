package dev.rpcparallel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rpcparallel.testing.TestWorker;
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
  private Worker worker;
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
    try (Connection c = app.connect(worker, "c1")) {
      assertThat(c.call(TestWorker.SUM, 42)).isEqualTo(861L);
      assertThat(c.callAsync(TestWorker.SUM, 10).get(10, TimeUnit.SECONDS)).isEqualTo(45L);
      assertThat(c.call(TestWorker.WHO, "x")).isEqualTo("c1:x");
    }
  }

  @Test
  void aCallbackMayWaitForAnotherCallOfTheSameConnection() throws Exception {
    try (Connection c = app.connect(worker, "c1")) {
      CompletableFuture<String> nested = c.callAsync(TestWorker.ECHO, "outer")
          .thenApply(outer -> outer + "+" + c.callAsync(TestWorker.ECHO, "inner").join());
      assertThat(nested.get(10, TimeUnit.SECONDS)).isEqualTo("outer+inner");
    }
  }

  @Test
  void mapAndContraMapAdaptOnTheClientOnly() {
    try (Connection c = app.connect(worker, "c1")) {
      Rpc<String, String> adapted = TestWorker.SUM.contraMap(String::length).map(n -> "sum=" + n);
      assertThat(c.call(adapted, "abcd")).isEqualTo("sum=6");
      assertThatThrownBy(() -> new Implementations<Void, Void>().rpc(adapted, (s, t, q) -> q))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("map/contraMap");
    }
  }

  @Test
  void oneWayIsDelivered() throws Exception {
    try (Connection c = app.connect(worker, "c1")) {
      c.send(TestWorker.NOTE, "hello");
      c.sendAsync(TestWorker.NOTE, "again").get(10, TimeUnit.SECONDS);
      List<String> got = List.of(c.call(TestWorker.TAKE_NOTE, null), c.call(TestWorker.TAKE_NOTE, null));
      assertThat(got).containsExactlyInAnyOrder("c1:hello", "c1:again");
    }
  }

  @Test
  void pipeByIterator() {
    try (Connection c = app.connect(worker, "c1");
        StreamReader<Integer> r = c.open(TestWorker.COUNT, 1000)) {
      List<Integer> got = new ArrayList<>();
      r.forEachRemaining(got::add);
      assertThat(got).isEqualTo(IntStream.range(0, 1000).boxed().collect(Collectors.toList()));
    }
  }

  @Test
  void pipeByCallback() throws Exception {
    try (Connection c = app.connect(worker, "c1")) {
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
    try (Connection c = app.connect(worker, "c1");
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
    try (Connection c = app.connect(worker, "c1")) {
      StreamReader<Integer> r = c.open(TestWorker.ENDLESS, null);
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
    try (Connection c = app.connect(worker, "c1")) {
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
    List<Worker> shards = new ArrayList<>();
    List<Connection> conns = new ArrayList<>();
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
    try (Connection c = app.connect(worker, "c1")) {
      List<String> got = c.callReverse(TestWorker.SHARD, 3, List.of(3, 13, 23).iterator());
      assertThat(got).containsExactly("worker 3 got 3:23", "worker 3 got 3:13", "worker 3 got 3:3");
    }
  }

  @Test
  void stateRpcGivesStateThenUpdates() {
    try (Connection c = app.connect(worker, "c1");
        StateStream<String, Character> s = c.openState(TestWorker.STATE, 10)) {
      StringBuilder sb = new StringBuilder(s.state());
      s.updates().forEachRemaining(sb::append);
      assertThat(sb.toString()).isEqualTo("hello world abcdefghij");
    }
  }

  @Test
  void logSubscribersFanOutAndUnsubscribeOnClose() {
    try (Connection c = app.connect(worker, "c1")) {
      StreamReader<LogEntry> r1 = c.subscribeLog();
      StreamReader<LogEntry> r2 = c.subscribeLog();
      c.call(TestWorker.LOG, "worker log message");
      LogEntry e1 = r1.next();
      LogEntry e2 = r2.next();
      assertThat(e1.message()).isEqualTo("worker log message");
      assertThat(e2.message()).isEqualTo("worker log message");
      assertThat(e1.level()).isEqualTo("INFO");
      assertThat(e1.worker()).isEqualTo(worker.nameOrId());
      r1.close();
      c.call(TestWorker.LOG, "second");
      assertThat(r2.next().message()).isEqualTo("second");
      assertThat(r1.hasNext()).isFalse();
      r2.close();
    }
  }
}
