package dev.rpcparallel.remote;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rpcparallel.remote.SshHosts.Host;
import dev.rpcparallel.testing.NoLeaks;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The SSH test fixture itself, driven by real {@code ssh} client processes: logins work only with
 * its keys, commands run inside each host's namespace, hosts reach each other, a cut host is a
 * silent black hole until restored, and teardown leaves nothing behind. {@link NoLeaks} checks
 * that the fixture's sshds are not taken for processes a test leaked (they are no children of
 * this JVM), as the remote-worker tests will use both.
 */
@Timeout(120)
@ExtendWith(NoLeaks.class)
class SshHostsTest {

  /** What an ssh client did: exit code, stdout, stderr, and how long it ran. */
  record Run(int exit, String out, String err, Duration took) {}

  /**
   * Runs {@code ssh <overrides> <fixture options> root@address command…}; a fixture option whose
   * key is overridden is left out (ssh would try every IdentityFile given, not just the first).
   */
  private static Run ssh(List<String> overrides, String address, String... command) throws Exception {
    SshHosts f = SshHosts.get();
    List<String> options = new ArrayList<>(overrides);
    for (String o : f.sshOptions()) {
      String key = o.substring(0, o.indexOf('=') + 1);
      if (overrides.stream().noneMatch(v -> v.startsWith(key))) {
        options.add(o);
      }
    }
    List<String> cmd = new ArrayList<>(List.of("ssh"));
    for (String o : options) {
      cmd.add("-o");
      cmd.add(o);
    }
    cmd.add(f.user() + "@" + address);
    cmd.addAll(List.of(command));
    long start = System.nanoTime();
    Process p = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile())).start();
    CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> readAll(p, false));
    CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> readAll(p, true));
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("ssh did not exit within 60 s: " + cmd);
    }
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    return new Run(p.exitValue(), out.get(5, TimeUnit.SECONDS), err.get(5, TimeUnit.SECONDS), took);
  }

  private static Run ssh(Host h, String... command) throws Exception {
    return ssh(List.of(), h.address(), command);
  }

  private static String readAll(Process p, boolean stderr) {
    try {
      return new String((stderr ? p.getErrorStream() : p.getInputStream()).readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(unreadable: " + e + ")";
    }
  }

  private static String describe(Run r, Host h) {
    return "exit " + r.exit() + ", stderr: " + r.err() + "\nsshd log " + SshHosts.get().logOf(h);
  }

  @Test
  void echoRunsOnEveryHost() throws Exception {
    List<Host> hosts = SshHosts.get().hosts();
    assertThat(hosts).extracting(Host::address).containsExactly("10.231.0.11", "10.231.0.12");
    for (Host h : hosts) {
      Run r = ssh(h, "echo", "hi");
      assertThat(r.exit()).as(describe(r, h)).isZero();
      assertThat(r.out()).isEqualTo("hi\n");
    }
  }

  @Test
  void commandsRunInsideTheHostsNamespace() throws Exception {
    List<Host> hosts = SshHosts.get().hosts();
    for (Host h : hosts) {
      Run r = ssh(h, "ip netns identify; ip -4 -o addr show dev eth0");
      assertThat(r.exit()).as(describe(r, h)).isZero();
      assertThat(r.out()).startsWith(h.namespace() + "\n").contains("inet " + h.address() + "/24");
      for (Host other : hosts) {
        if (other != h) {
          assertThat(r.out()).doesNotContain(other.address());
        }
      }
    }
  }

  @Test
  void hostsReachEachOtherAndTheRootNamespace() throws Exception {
    SshHosts f = SshHosts.get();
    Host h1 = f.hosts().get(0);
    Host h2 = f.hosts().get(1);
    Run r = ssh(h1, "bash -c 'exec 3<>/dev/tcp/" + h2.address() + "/22; head -c 7 <&3'");
    assertThat(r.exit()).as(describe(r, h1)).isZero();
    assertThat(r.out()).isEqualTo("SSH-2.0");
    r = ssh(h2, "bash -c 'exec 3<>/dev/tcp/" + h1.address() + "/22; head -c 7 <&3'");
    assertThat(r.out()).as(describe(r, h2)).isEqualTo("SSH-2.0");
    // The root namespace answers at localAddress(): no route problem (refused, as nothing listens on port 1).
    r = ssh(h1, "bash -c 'exec 3<>/dev/tcp/" + f.localAddress() + "/1'");
    assertThat(r.exit()).isNotZero();
    assertThat(r.err()).contains("Connection refused");
  }

  @Test
  void wrongHostKeyIsRejected() throws Exception {
    SshHosts f = SshHosts.get();
    Host h1 = f.hosts().get(0);
    Run r = ssh(List.of("UserKnownHostsFile=" + f.wrongKnownHostsFile()), h1.address(), "echo", "hi");
    assertThat(r.exit()).isEqualTo(255);
    assertThat(r.out()).isEmpty();
    assertThat(r.err()).contains("Host key verification failed");
  }

  @Test
  void unauthorizedKeyIsRejected() throws Exception {
    SshHosts f = SshHosts.get();
    Host h1 = f.hosts().get(0);
    Run r = ssh(List.of("IdentityFile=" + f.unauthorizedIdentityFile()), h1.address(), "echo", "hi");
    assertThat(r.exit()).isEqualTo(255);
    assertThat(r.out()).isEmpty();
    assertThat(r.err()).contains("Permission denied");
  }

  @Test
  void unreachableAddressFailsWithinTheConnectTimeout() throws Exception {
    Run r = ssh(List.of("ConnectTimeout=2"), SshHosts.get().unreachableAddress(), "echo", "hi");
    assertThat(r.exit()).isEqualTo(255);
    assertThat(r.err()).containsAnyOf("Connection timed out", "No route to host");
    assertThat(r.took()).isLessThan(Duration.ofSeconds(10));
  }

  @Test
  void tenConcurrentSessionsToOneHost() throws Exception {
    Host h1 = SshHosts.get().hosts().get(0);
    List<CompletableFuture<Run>> runs = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      String n = Integer.toString(i);
      runs.add(CompletableFuture.supplyAsync(() -> {
        try {
          return ssh(h1, "sleep 1; echo", n);
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      }, runnable -> new Thread(runnable).start()));
    }
    for (int i = 0; i < 10; i++) {
      Run r = runs.get(i).get(90, TimeUnit.SECONDS);
      assertThat(r.exit()).as(describe(r, h1)).isZero();
      assertThat(r.out()).isEqualTo(i + "\n");
    }
  }

  /**
   * After {@link SshHosts#cut}, an open session hears nothing (no reset, no error) and new
   * connections time out; after {@link SshHosts#restore} the host answers again.
   */
  @Test
  void cutHostIsASilentBlackHoleUntilRestored() throws Exception {
    SshHosts f = SshHosts.get();
    Host h1 = f.hosts().get(0);
    List<String> cmd = f.sshCommand(h1, "echo started; sleep 30");
    Process session = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    try {
      BufferedReader out = new BufferedReader(new InputStreamReader(session.getInputStream(), StandardCharsets.UTF_8));
      assertThat(out.readLine()).isEqualTo("started");
      f.cut(h1);
      try {
        Run r = ssh(List.of("ConnectTimeout=2"), h1.address(), "echo", "hi");
        assertThat(r.exit()).isEqualTo(255);
        assertThat(r.err()).containsAnyOf("Connection timed out", "No route to host").doesNotContain("refused", "reset");
        assertThat(session.isAlive()).as("the open session noticed nothing after " + r.took()).isTrue();
      } finally {
        f.restore(h1);
      }
      Run r = ssh(h1, "echo", "back");
      assertThat(r.exit()).as(describe(r, h1)).isZero();
      assertThat(r.out()).isEqualTo("back\n");
      assertThat(session.isAlive()).isTrue();
    } finally {
      session.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }

  /** close() kills the sshds and removes namespaces, links and files; get() then sets up anew. */
  @Test
  void closeRemovesEverythingAndGetStartsAgain() throws Exception {
    SshHosts f = SshHosts.get();
    Path dir = f.identityFile().getParent();
    Run r = ssh(f.hosts().get(1), "echo", "hi");
    assertThat(r.exit()).isZero();
    f.close();
    f.close();
    assertThat(dir).doesNotExist();
    assertThat(command("ip", "netns", "list")).doesNotContain("rpcp-h");
    assertThat(command("ip", "-o", "link", "show")).doesNotContain("rpcp-v", "rpcpbr0");
    assertThat(ProcessHandle.allProcesses().map(p -> p.info().commandLine().orElse("")))
        .noneMatch(c -> c.contains(dir.toString()));

    SshHosts again = SshHosts.get();
    assertThat(again).isNotSameAs(f);
    r = ssh(again.hosts().get(0), "echo", "hi");
    assertThat(r.exit()).as(describe(r, again.hosts().get(0))).isZero();
    assertThat(Files.exists(again.knownHostsFile())).isTrue();
  }

  private static String command(String... cmd) {
    return Commands.run(cmd);
  }
}
