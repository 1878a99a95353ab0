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
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The class path goes to a host once, by content hash: a second spawn copies nothing, concurrent
 * spawns copy each file once, a tampered copy is refused by name, and the copies can be deleted.
 * Each test uses a fresh cache directory on the host.
 */
@Timeout(240)
@ExtendWith(NoLeaks.class)
class CodeShippingTest {
  private static SshHosts hosts;

  @BeforeAll
  static void fixture() {
    hosts = SshHosts.get();
  }

  @Test
  void aSecondSpawnCopiesNothingEvenFromAnotherLauncher() throws Exception {
    Path cache = Remote.freshCache(hosts, "second");
    SshHosts.Host h1 = hosts.hosts().get(0);
    try (RpcParallel app = RpcParallel.create()) {
      SshLauncher first = Remote.launcher(hosts, h1, cache).build();
      Worker<HopWorker> a = app.spawn(new HopWorker(), null, SpawnOptions.builder().launcher(first).build());
      long files = Remote.filesIn(cache);
      assertThat(first.filesCopied()).isPositive().isEqualTo(files);
      assertThat(first.bytesCopied()).isPositive();

      SshLauncher second = Remote.launcher(hosts, h1, cache).build();
      Worker<HopWorker> b = app.spawn(new HopWorker(), null, SpawnOptions.builder().launcher(second).build());
      assertThat(second.bytesCopied()).as("bytes copied by the second spawn").isZero();
      assertThat(second.filesCopied()).isZero();
      assertThat(Remote.filesIn(cache)).isEqualTo(files);
      app.shutdown(a).get(20, TimeUnit.SECONDS);
      app.shutdown(b).get(20, TimeUnit.SECONDS);
    } finally {
      Remote.deleteTree(cache);
    }
  }

  @Test
  void eightConcurrentSpawnsToAFreshHostCopyEachFileOnce() throws Exception {
    Path cache = Remote.freshCache(hosts, "eight");
    SshHosts.Host h2 = hosts.hosts().get(1);
    try (RpcParallel app = RpcParallel.create()) {
      SshLauncher launcher = Remote.launcher(hosts, h2, cache).build();
      SpawnOptions options = SpawnOptions.builder().launcher(launcher).spawnTimeout(Duration.ofSeconds(90)).build();
      List<CompletableFuture<Worker<HopWorker>>> spawns = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        spawns.add(app.spawnAsync(new HopWorker(), null, options.toBuilder().name("c" + i).build()));
      }
      List<Long> pids = new ArrayList<>();
      for (CompletableFuture<Worker<HopWorker>> s : spawns) {
        try (Connection<HopWorker> c = app.connect(s.get(120, TimeUnit.SECONDS))) {
          pids.add(c.call(HopWorker.PID));
        }
      }
      assertThat(pids).doesNotHaveDuplicates().hasSize(8);
      long files = Remote.filesIn(cache);
      assertThat(launcher.filesCopied()).as("files copied by 8 spawns").isEqualTo(files);
      long bytes;
      try (Stream<Path> s = Files.list(cache)) {
        bytes = s.mapToLong(p -> p.toFile().length()).sum();
      }
      assertThat(launcher.bytesCopied()).isEqualTo(bytes);
    } finally {
      Remote.deleteTree(cache);
    }
  }

  @Test
  void aTamperedCopyIsRefusedNamingHostAndPathAndDeleteRemovesTheCopies() throws Exception {
    Path cache = Remote.freshCache(hosts, "tamper");
    SshHosts.Host h1 = hosts.hosts().get(0);
    try (RpcParallel app = RpcParallel.create()) {
      SshLauncher launcher = Remote.launcher(hosts, h1, cache).build();
      app.shutdown(app.spawn(new HopWorker(), null, SpawnOptions.builder().launcher(launcher).build())).get(20, TimeUnit.SECONDS);
      Path victim;
      try (Stream<Path> s = Files.list(cache)) {
        victim = s.filter(p -> p.toString().endsWith(".jar")).findFirst().orElseThrow();
      }
      Files.write(victim, new byte[] {0}, StandardOpenOption.APPEND);

      RpcParallelException e = catchThrowableOfType(
          () -> app.spawn(new HopWorker(), null, SpawnOptions.builder().launcher(launcher).build()), RpcParallelException.class);
      assertThat(e.kind()).isEqualTo(RpcParallelException.Kind.SPAWN_FAILED);
      assertThat(e.getMessage()).contains(h1.address()).contains(victim.toString()).contains("sha256");

      launcher.deleteCopies();
      assertThat(Files.exists(cache)).as("the cache directory after deleteCopies").isFalse();
      SshLauncher again = Remote.launcher(hosts, h1, cache).build();
      Worker<HopWorker> w = app.spawn(new HopWorker(), null, SpawnOptions.builder().launcher(again).build());
      assertThat(again.filesCopied()).isPositive();
      app.shutdown(w).get(20, TimeUnit.SECONDS);
    } finally {
      Remote.deleteTree(cache);
    }
  }

  /** deleteCopies removes what rpc-parallel put there and nothing else, even in a directory the user also uses. */
  @Test
  void deleteCopiesRemovesOnlyTheCopies() throws Exception {
    Path cache = Remote.freshCache(hosts, "shared-use");
    SshHosts.Host h1 = hosts.hosts().get(0);
    try (RpcParallel app = RpcParallel.create()) {
      SshLauncher launcher = Remote.launcher(hosts, h1, cache).build();
      app.shutdown(app.spawn(new HopWorker(), null, SpawnOptions.builder().launcher(launcher).build())).get(20, TimeUnit.SECONDS);
      Path notes = Files.writeString(cache.resolve("notes.txt"), "mine");
      Path jar = Files.writeString(cache.resolve("keep.jar"), "mine too");
      launcher.deleteCopies();
      try (Stream<Path> left = Files.list(cache)) {
        assertThat(left).containsExactlyInAnyOrder(notes, jar);
      }
    } finally {
      Remote.deleteTree(cache);
    }
  }

  /** A cache directory the login user does not own (here: root's, writable by all) is refused. */
  @Test
  void aCacheDirectoryOfAnotherUserIsRefused() throws Exception {
    Path cache = Remote.freshCache(hosts, "not-mine");
    Files.createDirectories(cache);
    Files.setPosixFilePermissions(cache, java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxrwx"));
    SshHosts.Host h1 = hosts.hosts().get(0);
    try (RpcParallel app = RpcParallel.create()) {
      RpcParallelException e = catchThrowableOfType(() -> app.spawn(new HopWorker(), null,
          SpawnOptions.builder().launcher(Remote.launcher(hosts, h1, cache).build()).build()), RpcParallelException.class);
      assertThat(e.getMessage()).contains(h1.address()).contains(cache.toString()).contains("is not a directory of the login user");
    } finally {
      Remote.deleteTree(cache);
    }
  }

  @Test
  void anExistingInstallationIsUsedAsItIsAndCheckedByHash() throws Exception {
    Path cache = Remote.freshCache(hosts, "install-source");
    Path install = Remote.freshCache(hosts, "install");
    SshHosts.Host h2 = hosts.hosts().get(1);
    try (RpcParallel app = RpcParallel.create()) {
      // Install: what a deployment would put there (here: the copies, under their own names).
      SshLauncher copying = Remote.launcher(hosts, h2, cache).build();
      app.shutdown(app.spawn(new HopWorker(), null, SpawnOptions.builder().launcher(copying).build())).get(20, TimeUnit.SECONDS);
      RpcParallelException missing = catchThrowableOfType(() -> app.spawn(new HopWorker(), null,
          SpawnOptions.builder().launcher(installed(h2, install)).build()), RpcParallelException.class);
      assertThat(missing.getMessage()).contains(h2.address()).contains(install.toString()).contains("no directory");

      // Install as the docs say: each entry under its own name (directories as <module>-classes.jar).
      Files.createDirectories(install);
      java.util.Map<String, Path> files = SshLauncher.installationFiles();
      for (java.util.Map.Entry<String, Path> f : files.entrySet()) {
        Files.copy(f.getValue(), install.resolve(f.getKey()));
      }
      SshLauncher installedLauncher = installed(h2, install);
      Worker<HopWorker> w = app.spawn(new HopWorker(), null, SpawnOptions.builder().launcher(installedLauncher).build());
      try (Connection<HopWorker> c = app.connect(w)) {
        assertThat(c.call(HopWorker.PID)).isPositive();
      }
      assertThat(installedLauncher.filesCopied()).isZero();
      app.shutdown(w).get(20, TimeUnit.SECONDS);

      Path changed = install.resolve(new ArrayList<>(files.keySet()).get(files.size() - 1));
      Files.write(changed, new byte[] {0}, StandardOpenOption.APPEND);
      RpcParallelException differs = catchThrowableOfType(() -> app.spawn(new HopWorker(), null,
          SpawnOptions.builder().launcher(installed(h2, install)).build()), RpcParallelException.class);
      assertThat(differs.getMessage()).contains(h2.address()).contains(changed.toString()).contains("sha256");
    } finally {
      Remote.deleteTree(cache);
      Remote.deleteTree(install);
    }
  }

  private static SshLauncher installed(SshHosts.Host h, Path dir) {
    SshLauncher.Builder b = SshLauncher.to(h.address()).user(hosts.user()).existingInstallation(dir.toString());
    Remote.launcherOptions(hosts).forEach(b::option);
    return b.build();
  }
}
