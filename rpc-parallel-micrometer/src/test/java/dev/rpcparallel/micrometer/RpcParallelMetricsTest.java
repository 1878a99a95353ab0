package dev.rpcparallel.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rpcparallel.Connection;
import dev.rpcparallel.RemoteException;
import dev.rpcparallel.RpcParallel;
import dev.rpcparallel.RpcParallelException;
import dev.rpcparallel.SpawnOptions;
import dev.rpcparallel.StreamReader;
import dev.rpcparallel.Worker;
import dev.rpcparallel.testing.NoLeaks;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** The meters of {@link RpcParallelMetrics}, against real spawned worker JVMs. */
@Timeout(60)
@ExtendWith(NoLeaks.class)
class RpcParallelMetricsTest {

  private static void await(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(condition.getAsBoolean()).as("condition within 10 s").isTrue();
  }

  @Test
  void callsSpawnsWorkersAndConnectionsAreMeasured() throws Exception {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    RpcParallelMetrics metrics = new RpcParallelMetrics(registry, Tags.of("app", "test"));
    try (RpcParallel app = RpcParallel.builder().eventListener(metrics).build()) {
      Worker<EchoWorker> w = app.spawn(new EchoWorker(), 0, SpawnOptions.builder().name("metrics").build());
      assertThat(registry.get(RpcParallelMetrics.WORKERS_LIVE).tag("app", "test").gauge().value()).isEqualTo(1.0);
      try (Connection<EchoWorker> c = app.connect(w)) {
        assertThat(registry.get(RpcParallelMetrics.CONNECTIONS_OPEN).gauge().value()).isEqualTo(1.0);
        for (int i = 0; i < 3; i++) {
          assertThat(c.call(EchoWorker.ECHO, "hi")).isEqualTo("hi");
        }
        assertThatThrownBy(() -> c.call(EchoWorker.FAIL, "no")).isInstanceOf(RemoteException.class);
        try (StreamReader<Integer> r = c.open(EchoWorker.COUNT, 4)) {
          r.forEachRemaining(x -> {});
        }
      }
      await(() -> registry.get(RpcParallelMetrics.CONNECTIONS_OPEN).gauge().value() == 0.0);
      assertThat(registry.get(RpcParallelMetrics.CONNECTIONS_OPENED).counter().count()).isEqualTo(1.0);

      Timer echo = registry.get(RpcParallelMetrics.CALLS)
          .tags("function", "echo", "kind", "rpc", "outcome", "success", "exception", "none", "app", "test").timer();
      assertThat(echo.count()).isEqualTo(3);
      assertThat(echo.totalTime(TimeUnit.NANOSECONDS)).isPositive();
      Timer fail = registry.get(RpcParallelMetrics.CALLS)
          .tags("function", "fail", "outcome", "failure", "exception", "RemoteException").timer();
      assertThat(fail.count()).isEqualTo(1);
      assertThat(registry.get(RpcParallelMetrics.CALLS).tags("function", "count", "kind", "pipe").timer().count()).isEqualTo(1);

      Timer spawns = registry.get(RpcParallelMetrics.SPAWNS).tag("outcome", "success").timer();
      assertThat(spawns.count()).isEqualTo(1);
      assertThat(spawns.totalTime(TimeUnit.MILLISECONDS)).isPositive();

      app.shutdown(w).get(10, TimeUnit.SECONDS);
      assertThat(app.onExit(w).get(10, TimeUnit.SECONDS)).isZero();
      await(() -> registry.get(RpcParallelMetrics.WORKERS_LIVE).gauge().value() == 0.0);
      assertThat(registry.get(RpcParallelMetrics.WORKER_EXITS).tag("status", "0").counter().count()).isEqualTo(1.0);
    }
  }

  @Test
  void aFailedSpawnIsTimedAsAFailure() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (RpcParallel app = RpcParallel.builder().eventListener(new RpcParallelMetrics(registry)).build()) {
      assertThatThrownBy(() -> app.spawn(new EchoWorker(), -1, SpawnOptions.builder().name("refused").build()))
          .isInstanceOf(RpcParallelException.class);
    }
    assertThat(registry.get(RpcParallelMetrics.SPAWNS).tag("outcome", "failure").timer().count()).isEqualTo(1);
    assertThat(registry.get(RpcParallelMetrics.SPAWNS).tag("outcome", "success").timer().count()).isZero();
    assertThat(registry.get(RpcParallelMetrics.WORKERS_LIVE).gauge().value()).isZero();
  }
}
