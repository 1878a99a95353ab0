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

  /**
   * spawnAndConnect opens one authenticated connection, not two: the worker's connection to the
   * master server becomes the connection the spawn returns (the worker turns it), and nothing
   * connects to the worker's own listening socket. Seen from both ends' sockets.
   */
  @Test
  void spawnAndConnectOpensOneConnection() throws Exception {
    Set<Integer> before = listeningPorts();
    try (RpcParallel app = RpcParallel.create();
        Connection<LifecycleWorker> c = app.spawnAndConnect(new LifecycleWorker(), 0, null, SpawnOptions.builder().name("one").build())) {
      long pid = c.call(LifecycleWorker.PID);
      Set<Integer> opened = new HashSet<>(listeningPorts());
      opened.removeAll(before);
      int masterPort = opened.iterator().next();
      int workerPort = c.worker().port();

      List<ProcFs.TcpSocket> worker = ProcFs.tcpSocketsOf(pid);
      assertThat(worker.stream().filter(ProcFs.TcpSocket::established))
          .as("the worker's connections: only the one it opened to the master server")
          .singleElement().satisfies(s -> assertThat(s.remotePort()).isEqualTo(masterPort));
      assertThat(worker.stream().filter(ProcFs.TcpSocket::listening).map(ProcFs.TcpSocket::localPort))
          .as("the worker still listens, for other connections").containsExactly(workerPort);
      assertThat(ProcFs.ownTcpSockets().stream().filter(s -> s.established() && s.remotePort() == workerPort))
          .as("connections from the master to the worker's listening socket").isEmpty();
      assertThat(masterConnections(masterPort)).as("connections accepted by the master server").isEqualTo(1);

      assertThat(c.call(LifecycleWorker.PID)).isEqualTo(pid); // and it serves calls
      c.close();
      assertThat(app.onExit(c.worker()).get(10, TimeUnit.SECONDS)).as("a CONNECTION_CLOSED worker exits 0").isZero();
    }
  }
}
