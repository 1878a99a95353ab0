package dev.rpcparallel.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rpcparallel.Connection;
import dev.rpcparallel.Redirect;
import dev.rpcparallel.RpcParallel;
import dev.rpcparallel.SpawnOptions;
import dev.rpcparallel.Worker;
import dev.rpcparallel.fixtures.HandleBytes;
import dev.rpcparallel.fixtures.ProcFs;
import dev.rpcparallel.fixtures.SecurityWorker;
import dev.rpcparallel.testing.NoLeaks;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * <b>Attack: reading what a spawned worker exposes to other local users.</b>
 *
 * <ul>
 *   <li>Redirect files a spawn creates (stdout with {@code Redirect.truncate}, stderr with {@code
 *       Redirect.appendTo}) are readable by their owner only (0600), whatever the umask (the test
 *       runs with the usual 022, which would give 0644); a file that existed keeps its mode.
 *       SpawnOptionsTest checks a relative stdout path the same way.
 *   <li>The command line ({@code /proc/<pid>/cmdline}, readable by every local user) and the
 *       environment of a spawned worker hold neither its id nor its credential nor the
 *       application secret: the worker is marked {@code --rpc-parallel-worker}, or {@code
 *       --rpc-parallel-worker=<name>} when a name is given.
 * </ul>
 */
@Timeout(60)
@ExtendWith(NoLeaks.class)
class SpawnExposureTest {
  private static final byte[] SECRET = "spawn exposure test: app secret!".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

  private static String mode(Path p) throws Exception {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
  }

  @Test
  void redirectFilesCreatedByASpawnAreReadableByTheirOwnerOnly(@TempDir Path tmp) throws Exception {
    Path out = tmp.resolve("worker.out");
    Path err = tmp.resolve("worker.err");
    Path existing = tmp.resolve("existing.err");
    Files.writeString(existing, "earlier\n");
    Files.setPosixFilePermissions(existing, PosixFilePermissions.fromString("rw-r-----"));
    try (RpcParallel app = RpcParallel.builder().environment(Map.of()).build()) {
      Worker<SecurityWorker> w = app.spawn(new SecurityWorker(), 0, SpawnOptions.builder().name("private-files")
          .stdout(Redirect.truncate(out)).stderr(Redirect.appendTo(err)).build());
      Worker<SecurityWorker> w2 = app.spawn(new SecurityWorker(), 0, SpawnOptions.builder().name("existing-file")
          .stderr(Redirect.appendTo(existing)).build());
      assertThat(mode(out)).as("stdout file created by the spawn").isEqualTo("rw-------");
      assertThat(mode(err)).as("stderr file created by the spawn").isEqualTo("rw-------");
      assertThat(mode(existing)).as("a file that existed keeps its mode").isEqualTo("rw-r-----");
      for (Worker<SecurityWorker> x : List.of(w, w2)) {
        app.shutdown(x).get(10, TimeUnit.SECONDS);
        assertThat(app.onExit(x).get(20, TimeUnit.SECONDS)).isZero();
      }
    }
  }

  @Test
  void spawnedWorkersCommandLineAndEnvironmentHoldNoIdNorSecret() throws Exception {
    try (RpcParallel app = RpcParallel.builder().environment(Map.of()).secret(SECRET).build()) {
      Worker<SecurityWorker> unnamed = app.spawn(new SecurityWorker(), 0);
      Worker<SecurityWorker> named = app.spawn(new SecurityWorker(), 0, SpawnOptions.builder().name("visible-name").build());
      for (Worker<SecurityWorker> w : List.of(unnamed, named)) {
        long pid;
        try (Connection<SecurityWorker> c = app.connect(w)) {
          pid = c.call(SecurityWorker.PID);
        }
        String cmdline = String.join(" ", ProcFs.commandLine(pid));
        String environ = String.join("\n", ProcFs.environment(pid));
        byte[] credential = HandleBytes.of(w).credential();
        for (String exposed : List.of(cmdline, environ)) {
          assertThat(exposed).doesNotContain(w.id().toString())
              .doesNotContain(w.id().toString().replace("-", ""))
              .doesNotContain(new String(SECRET, java.nio.charset.StandardCharsets.US_ASCII))
              .doesNotContain(Base64.getEncoder().encodeToString(SECRET))
              .doesNotContain(HexFormat.of().formatHex(SECRET))
              .doesNotContain(Base64.getEncoder().encodeToString(credential))
              .doesNotContain(HexFormat.of().formatHex(credential));
        }
        List<String> args = ProcFs.commandLine(pid);
        assertThat(args.get(args.size() - 1)).as("the worker's mark, last on its command line")
            .isEqualTo(w == named ? "--rpc-parallel-worker=visible-name" : "--rpc-parallel-worker");
        app.shutdown(w).get(10, TimeUnit.SECONDS);
        assertThat(app.onExit(w).get(20, TimeUnit.SECONDS)).isZero();
      }
    }
  }
}
