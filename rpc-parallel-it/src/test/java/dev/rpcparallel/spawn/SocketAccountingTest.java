package dev.rpcparallel.spawn;

import dev.rpcparallel.testing.NoLeaks;
import static org.assertj.core.api.Assertions.assertThat;

import dev.rpcparallel.Connection;
import dev.rpcparallel.RpcParallel;
import dev.rpcparallel.ShutdownOn;
import dev.rpcparallel.SpawnOptions;
import dev.rpcparallel.Worker;
import dev.rpcparallel.fixtures.Await;
import dev.rpcparallel.fixtures.LifecycleWorker;
import dev.rpcparallel.fixtures.ProcFs;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** Reference scenario 20, from the test JVM's own sockets ({@code /proc/self/fd} and {@code /proc/self/net/tcp}). */
@Timeout(120)
@ExtendWith(NoLeaks.class)
class SocketAccountingTest {

  private static Set<Integer> listeningPorts() {
    return ProcFs.ownTcpSockets().stream().filter(ProcFs.TcpSocket::listening)
        .map(ProcFs.TcpSocket::localPort).collect(Collectors.toSet());
  }

  private static long masterConnections(int masterPort) {
    return ProcFs.ownTcpSockets().stream().filter(s -> s.established() && s.localPort() == masterPort).count();
  }

  /**
   * Scenario 20: an app listens on nothing until its first spawn, which opens exactly one
   * listening socket (the master server); each HEARTBEAT_TIMEOUT worker keeps exactly one
   * connection to it; a CALLED_SHUTDOWN_FUNCTION worker keeps none once ready; a worker that
   * exits drops its connection.
   */
  @Test
  void scenario20_socketAccounting() throws Exception {
    Set<Integer> before = listeningPorts();
    try (RpcParallel app = RpcParallel.create()) {
      assertThat(listeningPorts()).as("listening sockets before the first spawn").isEqualTo(before);
      List<CompletableFuture<Worker<LifecycleWorker>>> spawning = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        spawning.add(app.spawnAsync(new LifecycleWorker(), i, SpawnOptions.builder().name("s20-hb-" + i).build()));
      }
      List<Worker<LifecycleWorker>> hb = new ArrayList<>();
      for (CompletableFuture<Worker<LifecycleWorker>> f : spawning) {
        hb.add(f.get(60, TimeUnit.SECONDS));
      }
      Set<Integer> opened = new HashSet<>(listeningPorts());
      opened.removeAll(before);
      assertThat(opened).as("listening sockets opened by spawning").hasSize(1);
      int masterPort = opened.iterator().next();
      Await.until(Duration.ofSeconds(5), "3 master connections (now " + masterConnections(masterPort) + ")",
          () -> masterConnections(masterPort) == 3);
      // Seen from each worker: exactly one connection to the master's port.
      for (Worker<LifecycleWorker> w : hb) {
        long pid;
        try (Connection<LifecycleWorker> c = app.connect(w)) {
          pid = c.call(LifecycleWorker.PID);
        }
        long toMaster = ProcFs.tcpSocketsOf(pid).stream()
            .filter(s -> s.established() && s.remotePort() == masterPort).count();
        assertThat(toMaster).as("connections from worker " + w.nameOrId() + " to the master").isEqualTo(1);
      }

      Worker<LifecycleWorker> csf = app.spawn(new LifecycleWorker(), 9,
          SpawnOptions.builder().name("s20-csf").shutdownOn(ShutdownOn.CALLED_SHUTDOWN_FUNCTION).build());
      Await.until(Duration.ofSeconds(5), "the CALLED_SHUTDOWN_FUNCTION worker to drop its master connection (now "
          + masterConnections(masterPort) + ")", () -> masterConnections(masterPort) == 3);
      assertThat(listeningPorts()).as("still one listening socket").hasSize(before.size() + 1);

      app.shutdown(csf).get(10, TimeUnit.SECONDS);
      app.shutdown(hb.get(0)).get(10, TimeUnit.SECONDS);
      assertThat(app.onExit(csf).get(10, TimeUnit.SECONDS)).isZero();
      assertThat(app.onExit(hb.get(0)).get(10, TimeUnit.SECONDS)).isZero();
      Await.until(Duration.ofSeconds(5), "2 master connections once a worker exited (now "
          + masterConnections(masterPort) + ")", () -> masterConnections(masterPort) == 2);
    }
    assertThat(listeningPorts()).as("listening sockets after close").isEqualTo(before);
  }
}
