package dev.rpcparallel.remote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.rpcparallel.Connection;
import dev.rpcparallel.RpcParallel;
import dev.rpcparallel.RpcParallelException;
import dev.rpcparallel.SpawnOptions;
import dev.rpcparallel.SshLauncher;
import dev.rpcparallel.Worker;
import dev.rpcparallel.testing.NoLeaks;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What goes wrong on the way to a host is a {@code SPAWN_FAILED} that says what, with ssh's own
 * words, within the connect timeout; and environment values arrive byte for byte.
 */
@Timeout(120)
@ExtendWith(NoLeaks.class)
class RemoteFailuresTest {
  private static SshHosts hosts;
  private static Path cache;

  @BeforeAll
  static void fixture() {
    hosts = SshHosts.get();
    cache = Remote.freshCache(hosts, "failures");
  }

  @AfterAll
  static void cleanUp() throws Exception {
    if (cache != null) {
      Remote.deleteTree(cache);
    }
  }

  private static RpcParallelException spawnFails(SshLauncher launcher) {
    try (RpcParallel app = RpcParallel.create()) {
      long start = System.nanoTime();
      RpcParallelException e = catchThrowableOfType(
          () -> app.spawn(new HopWorker(), null, SpawnOptions.builder().name("doomed").launcher(launcher).build()),
          RpcParallelException.class);
      long ms = (System.nanoTime() - start) / 1_000_000;
      assertThat(e).as("spawn through " + launcher).isNotNull();
      assertThat(e.kind()).isEqualTo(RpcParallelException.Kind.SPAWN_FAILED);
      // a bound, not a measurement: the connect timeout (2 s) plus ssh's and the JVM's own start
      assertThat(ms).as("ms until the spawn failed").isLessThan(30_000);
      assertThat(e.getMessage()).contains("doomed");
      return e;
    }
  }

  @Test
  void anUnreachableHost() {
    SshLauncher.Builder b = SshLauncher.to(hosts.unreachableAddress()).user(hosts.user()).cacheDirectory(cache.toString())
        .connectTimeout(Duration.ofSeconds(2));
    Remote.launcherOptions(hosts).forEach(b::option);
    RpcParallelException e = spawnFails(b.build());
    assertThat(e.getMessage()).contains(hosts.unreachableAddress()).contains("status 255")
        .containsAnyOf("timed out", "No route to host", "Connection refused");
  }

  @Test
  void aRefusedKey() {
    SshHosts.Host h1 = hosts.hosts().get(0);
    SshLauncher.Builder b = SshLauncher.to(h1.address()).user(hosts.user()).cacheDirectory(cache.toString())
        .identityFile(hosts.unauthorizedIdentityFile()).connectTimeout(Duration.ofSeconds(2));
    b.option("IdentitiesOnly=yes"); // first value wins in ssh: before the fixture's own IdentityFile
    Remote.launcherOptions(hosts).stream().filter(o -> !o.startsWith("IdentityFile=")).forEach(b::option);
    RpcParallelException e = spawnFails(b.build());
    assertThat(e.getMessage()).contains(h1.address()).contains("Permission denied");
  }

  @Test
  void aChangedHostKey() {
    SshHosts.Host h1 = hosts.hosts().get(0);
    SshLauncher.Builder b = SshLauncher.to(h1.address()).user(hosts.user()).cacheDirectory(cache.toString())
        .strictHostKeyChecking("yes").connectTimeout(Duration.ofSeconds(2));
    b.option("UserKnownHostsFile=" + hosts.wrongKnownHostsFile());
    Remote.launcherOptions(hosts).stream().filter(o -> !o.startsWith("UserKnownHostsFile=")).forEach(b::option);
    RpcParallelException e = spawnFails(b.build());
    assertThat(e.getMessage()).contains(h1.address()).contains("Host key verification failed");
  }

  @Test
  void noJavaOnTheHost() {
    SshHosts.Host h2 = hosts.hosts().get(1);
    RpcParallelException e = spawnFails(Remote.launcher(hosts, h2, cache).java("/nonexistent/jdk/bin/java").build());
    assertThat(e.getMessage()).contains(h2.address()).contains("no java found at /nonexistent/jdk/bin/java");
  }

  @Test
  void environmentValuesArriveByteIdentical() throws Exception {
    String nasty = "quotes ' \" and $HOME `id` $(id) (parens) [x] {y} ; & | \\ * ? ~ # ! %\nsecond line\n\ttab é 中 🚀\n";
    SshHosts.Host h2 = hosts.hosts().get(1);
    try (RpcParallel app = RpcParallel.create()) {
      Worker<HopWorker> w = app.spawn(new HopWorker(), null, SpawnOptions.builder().name("env")
          .launcher(Remote.launcher(hosts, h2, cache).build()).env("RP_NASTY", nasty).env("RP_EMPTY", "").build());
      try (Connection<HopWorker> c = app.connect(w)) {
        assertThat(c.call(HopWorker.ENVIRON_BYTES, "RP_NASTY")).as("the bytes in the worker's environment")
            .isEqualTo(nasty.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        // and Java reads them as they were meant: the launch line sets LC_CTYPE=C.UTF-8 when the
        // remote login has no locale (as here)
        assertThat(c.call(HopWorker.GETENV, "RP_NASTY")).isEqualTo(nasty);
        assertThat(c.call(HopWorker.GETENV, "RP_EMPTY")).isEmpty();
      }
      app.shutdown(w).get(20, TimeUnit.SECONDS);
    }
  }
}
