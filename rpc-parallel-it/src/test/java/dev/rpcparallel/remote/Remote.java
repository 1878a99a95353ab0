package dev.rpcparallel.remote;

import dev.rpcparallel.ConnectionClosedException;
import dev.rpcparallel.SshLauncher;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Launchers onto the {@link SshHosts} fixture, and small helpers of the remote tests. */
final class Remote {
  private Remote() {}

  /** A launcher onto {@code host} with the fixture's keys and known hosts, copying into {@code cache}. */
  static SshLauncher.Builder launcher(SshHosts hosts, SshHosts.Host host, Path cache) {
    SshLauncher.Builder b = SshLauncher.to(host.address()).user(hosts.user()).cacheDirectory(cache.toString());
    launcherOptions(hosts).forEach(b::option);
    return b;
  }

  /** The fixture's ssh options but ConnectTimeout, which a launcher sets itself ({@code connectTimeout}). */
  static java.util.List<String> launcherOptions(SshHosts hosts) {
    return hosts.sshOptions().stream().filter(o -> !o.startsWith("ConnectTimeout=")).toList();
  }

  /**
   * A cache directory, not yet made, in the remote user's home (the namespaces share this
   * machine's file system, so a test can look at it as a local path).
   */
  static Path freshCache(SshHosts hosts, String label) {
    return hosts.home().resolve("cache-" + label + "-" + Long.toHexString(System.nanoTime()));
  }

  static long filesIn(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.getFileName().toString().endsWith(".jar")).count();
    }
  }

  static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) s.sorted(Comparator.reverseOrder())::iterator) {
        Files.deleteIfExists(p);
      }
    }
  }

  static ConnectionClosedException closedCause(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof ConnectionClosedException cce) {
        return cce;
      }
    }
    throw new AssertionError("expected a ConnectionClosedException, got " + t, t);
  }
}
