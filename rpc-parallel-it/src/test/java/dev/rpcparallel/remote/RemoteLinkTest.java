package dev.rpcparallel.remote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.rpcparallel.Connection;
import dev.rpcparallel.RpcParallel;
import dev.rpcparallel.RpcSettings;
import dev.rpcparallel.SpawnOptions;
import dev.rpcparallel.Worker;
import dev.rpcparallel.fixtures.TestWorker;
import dev.rpcparallel.testing.NoLeaks;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A cut link and a killed master: both sides notice without a reset, within the heartbeat
 * timeout, and remote workers exit by themselves.
 */
@Timeout(180)
@ExtendWith(NoLeaks.class)
class RemoteLinkTest {
  private static final Duration INTERVAL = Duration.ofMillis(500);
  private static final Duration TIMEOUT = Duration.ofSeconds(3);
  private static SshHosts hosts;
  private static Path cache;

  @BeforeAll
  static void fixture() {
    hosts = SshHosts.get();
    cache = Remote.freshCache(hosts, "link");
  }

  @AfterAll
  static void cleanUp() throws Exception {
    if (cache != null) {
      Remote.deleteTree(cache);
    }
  }

  @Test
  void aCutLinkFailsCallsWithTheHeartbeatReasonAndTheWorkerExitsByItself() throws Exception {
    SshHosts.Host h2 = hosts.hosts().get(1);
    RpcSettings settings = RpcSettings.builder().heartbeatInterval(INTERVAL).heartbeatTimeout(TIMEOUT).build();
    try (RpcParallel app = RpcParallel.builder().settings(settings).environment(Map.of()).build()) {
      Worker<TestWorker> w = app.spawn(new TestWorker(), 0,
          SpawnOptions.builder().name("cut").launcher(Remote.launcher(hosts, h2, cache).build()).build());
      try (Connection<TestWorker> c = app.connect(w, "c")) {
        assertThat(c.call(TestWorker.ECHO, "before")).isEqualTo("before");
        hosts.cut(h2);
        long cutAt = System.nanoTime();
        try {
          CompletableFuture<Integer> pending = c.callAsync(TestWorker.SLEEP, 60_000);
          Throwable t = catchThrowable(() -> pending.get(TIMEOUT.plus(INTERVAL).toMillis() + 5_000, TimeUnit.MILLISECONDS));
          long ms = (System.nanoTime() - cutAt) / 1_000_000;
          assertThat(Remote.closedCause(t).reason()).contains("no heartbeat");
          assertThat(ms).as("ms from the cut to the failed call").isLessThan(TIMEOUT.plus(INTERVAL).toMillis() + 2_000);
        } finally {
          hosts.restore(h2);
        }
        // The worker lost its master connection too, and exited by itself with the failure status;
        // ssh brings that status back once the link is up again.
        assertThat(app.onExit(w).get(60, TimeUnit.SECONDS)).isEqualTo(254);
      }
    }
  }

  @Test
  void killingTheMasterLeavesNoRemoteWorker() throws Exception {
    SshHosts.Host h1 = hosts.hosts().get(0);
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"), RemoteMasterMain.class.getName(),
        h1.address(), hosts.user(), cache.toString()));
    cmd.addAll(Remote.launcherOptions(hosts));
    Process master = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    List<Long> pids = new ArrayList<>();
    try (BufferedReader out = new BufferedReader(new InputStreamReader(master.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = out.readLine()) != null && !line.equals("READY")) {
        if (line.startsWith("PID ")) {
          pids.add(Long.parseLong(line.substring(4)));
        }
      }
      assertThat(line).as("the master's last line").isEqualTo("READY");
      assertThat(pids).hasSize(2);
      for (long pid : pids) {
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive)).as("remote worker " + pid).contains(true);
      }
      master.destroyForcibly();
      master.waitFor(10, TimeUnit.SECONDS);
      long bound = RemoteMasterMain.TIMEOUT.toMillis() + 5_000;
      long deadline = System.currentTimeMillis() + bound;
      for (long pid : pids) {
        ProcessHandle h = ProcessHandle.of(pid).orElse(null);
        if (h != null) {
          h.onExit().get(Math.max(1, deadline - System.currentTimeMillis()), TimeUnit.MILLISECONDS);
        }
      }
    } finally {
      master.destroyForcibly();
    }
  }
}
