package dev.rpcparallel.spawn;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rpcparallel.Connection;
import dev.rpcparallel.RpcParallel;
import dev.rpcparallel.ShutdownOn;
import dev.rpcparallel.SpawnOptions;
import dev.rpcparallel.Worker;
import dev.rpcparallel.testing.NoLeaks;
import dev.rpcparallel.testing.TestWorker;
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
