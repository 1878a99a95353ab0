package dev.rpcparallel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rpcparallel.fixtures.TestWorker;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Reference scenario serve.ml: served workers, shared state across connections, closeServer. */
@Timeout(60)
class ServeScenarioTest {

  /** shutdown(served worker): its connections close with "worker shut down" and it listens no more. */
  @Test
  void shutdownOfAServedWorkerClosesItsConnections() throws Exception {
    try (RpcParallel app = RpcParallel.create()) {
      Worker<TestWorker> w = app.serve(new TestWorker(), 0);
      Worker<TestWorker> other = app.serve(new TestWorker(), 0);
      try (Connection<TestWorker> c = app.connect(w, "one");
          Connection<TestWorker> unaffected = app.connect(other, "two")) {
        CompletableFuture<Integer> pending = c.callAsync(TestWorker.SLEEP, 30_000);
        app.shutdown(w).get(10, TimeUnit.SECONDS);
        assertThat(c.closeFuture().get(10, TimeUnit.SECONDS)).isEqualTo("worker shut down");
        assertThatThrownBy(() -> pending.get(10, TimeUnit.SECONDS))
            .hasCauseInstanceOf(ConnectionClosedException.class)
            .hasMessageContaining("worker shut down");
        assertThatThrownBy(() -> app.connect(w, "three"))
            .isInstanceOfSatisfying(RpcParallelException.class,
                e -> assertThat(e.kind()).isEqualTo(RpcParallelException.Kind.CONNECT_FAILED));
        assertThat(unaffected.call(TestWorker.INC)).isEqualTo(1);
      }
    }
  }

  @Test
  void connectionsShareWorkerStateAndCloseServerRefusesNewClients() throws Exception {
    try (RpcParallel app = RpcParallel.create()) {
      List<Worker<TestWorker>> workers = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        workers.add(app.serve(new TestWorker(), i));
      }
      for (int i = 0; i < 10; i++) {
        Worker<TestWorker> w = workers.get(i);
        try (Connection<TestWorker> c1 = app.connect(w, "one");
            Connection<TestWorker> c2 = app.connect(w, "two")) {
          assertThat(c1.call(TestWorker.INC)).isEqualTo(i + 1);
          assertThat(c2.call(TestWorker.INC)).isEqualTo(i + 2);
          if (i % 2 == 0) {
            c1.closeServer();
          } else {
            c1.closeServerAsync().get(10, TimeUnit.SECONDS);
          }
          assertThatThrownBy(() -> app.connect(w, "three"))
              .isInstanceOf(RpcParallelException.class)
              .satisfies(e -> assertThat(((RpcParallelException) e).kind()).isEqualTo(RpcParallelException.Kind.CONNECT_FAILED))
              .hasMessageContaining("could not connect to worker " + w.nameOrId());
          assertThat(c1.call(TestWorker.INC)).isEqualTo(i + 3);
        }
      }
    }
  }
}
