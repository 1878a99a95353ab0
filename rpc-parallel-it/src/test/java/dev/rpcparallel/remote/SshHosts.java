package dev.rpcparallel.remote;

import dev.rpcparallel.remote.Commands.CommandFailedException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.opentest4j.TestAbortedException;

/**
 * Two real "remote hosts" on this machine for the remote-worker tests: an OpenSSH server in each
 * of two Linux network namespaces, joined by a bridge to the root namespace, where the tests
 * and the master run.
 *
 * <pre>
 *   root namespace: bridge rpcpbr0 10.231.0.1/24
 *     ├─ veth rpcp-v1 ── eth0 10.231.0.11/24 in netns rpcp-h1 (sshd on :22, default route via .1)
 *     └─ veth rpcp-v2 ── eth0 10.231.0.12/24 in netns rpcp-h2 (sshd on :22, default route via .1)
 * </pre>
 *
 * <p>Set up once per JVM by {@link #get()} (about a second: keys, links, two sshds), torn down by
 * {@link #close()} or, at the latest, a JVM shutdown hook. Each run works in a fresh 0700 temp
 * directory holding the client keys, host keys, {@code authorized_keys}, {@code known_hosts},
 * sshd configs and logs. Leftovers of an earlier run that was killed (namespaces, links, sshds,
 * temp directories) are removed first; two JVMs using the fixture at once are not supported.
 *
 * <p>The sshds are daemons (no {@code -D}), not children of this JVM: {@code
 * dev.rpcparallel.testing.Leaks} counts every descendant of the test JVM as a leak and kills it,
 * which would take the hosts down under any {@code @ExtendWith(NoLeaks.class)} test. Everything
 * an ssh session starts on a host runs in that host's namespace, and {@link #close()} kills
 * every process in the namespaces (deepest first), so a remote worker left behind by a test
 * dies with the fixture.
 *
 * <p>When this machine cannot host the fixture (not root, no {@code ip} or {@code
 * /usr/sbin/sshd}, namespaces or bridges refused), {@link #get()} aborts the calling test as
 * skipped, loudly, unless {@value #REQUIRE_ENV}=1 or {@code -D}{@value #REQUIRE_PROPERTY}{@code
 * =true}: then it fails. CI sets the variable. Every other setup failure (an sshd that does not
 * come up, hosts that cannot reach each other) is a failure, with the sshd log in the message.
 *
 * <p>Linux bridges with {@code br_netfilter} loaded ({@code net.bridge.bridge-nf-call-iptables=1})
 * pass bridged frames through the root namespace's iptables {@code FORWARD} chain: where its
 * policy drops (hosts running Docker), host-to-host traffic is dropped while root-to-host traffic
 * (INPUT/OUTPUT) still works. Setup checks host-to-host reachability and fails naming that cause.
 */
public final class SshHosts implements AutoCloseable {
  /** Environment variable that turns "cannot set up here" from a skip into a failure. */
  public static final String REQUIRE_ENV = "RPC_PARALLEL_REQUIRE_SSH_FIXTURE";
  /** System property with the same effect as {@link #REQUIRE_ENV}. */
  public static final String REQUIRE_PROPERTY = "rpcparallel.requireSshFixture";

  private static final String BRIDGE = "rpcpbr0";
  private static final String SUBNET = "10.231.0.";
  private static final String LOCAL_ADDRESS = SUBNET + "1";
  private static final String UNREACHABLE_ADDRESS = SUBNET + "99";
  private static final int HOST_COUNT = 2;
  private static final String TEMP_PREFIX = "rpcp-sshfixture-";
  private static final Path SSHD = Path.of("/usr/sbin/sshd");
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(10);
  /**
   * The account tests log in as: a system user of this machine with {@code /bin/sh} as login shell
   * and a home of its own, so a session costs what ssh costs (root's {@code ~/.bashrc} here runs
   * {@code pyenv init}, about 1 s per session), and workers run as a user other than the master's,
   * as on a real host.
   */
  private static final String USER = "rpcp-ssh";
  private static final Path HOME = Path.of("/var/tmp/rpcp-ssh-home");

  private static SshHosts instance;
  /** Why setup failed or was skipped in this JVM: not retried by every test. */
  private static Throwable failure;

  /** One namespace host: {@code name} "h1", its address, its namespace and the bridge-side veth. */
  public record Host(String name, String address, String namespace, String rootVeth) {
    @Override
    public String toString() {
      return name + "(" + address + ")";
    }
  }

  private final String ip;
  private final List<Host> hosts = new ArrayList<>();
  private final Path dir;
  private final Thread shutdownHook;
  private boolean closed;

  /**
   * The fixture of this JVM, set up on first use (again after {@link #close()}).
   *
   * @throws TestAbortedException when this machine cannot host it and it is not required
   * @throws AssertionError when it is required but cannot be hosted, or setup failed
   */
  public static synchronized SshHosts get() {
    if (failure instanceof TestAbortedException skipped) {
      throw skipped;
    }
    if (failure != null) {
      throw new AssertionError("SSH fixture setup failed earlier in this JVM: " + failure.getMessage(), failure);
    }
    if (instance == null || instance.closed) {
      try {
        String ipPath = checkPrerequisites();
        instance = new SshHosts(ipPath);
      } catch (RuntimeException | Error e) {
        failure = e;
        throw e;
      } catch (Unavailable e) {
        String message = "SSH fixture cannot be set up on this machine: " + e.getMessage()
            + ". Remote-worker tests need root, iproute2 (ip netns) and openssh-server (" + SSHD + ").";
        if (required()) {
          AssertionError required = new AssertionError(message + " It is required here (" + REQUIRE_ENV
              + "=1 or -D" + REQUIRE_PROPERTY + "=true).", e.getCause());
          failure = required;
          throw required;
        }
        System.err.println("WARNING: " + message + " Tests using it are SKIPPED; set " + REQUIRE_ENV
            + "=1 to make this a failure.");
        TestAbortedException skipped = new TestAbortedException(message + " Set " + REQUIRE_ENV
            + "=1 to fail instead of skipping.");
        failure = skipped;
        throw skipped;
      }
    }
    return instance;
  }

  private static boolean required() {
    return "1".equals(System.getenv(REQUIRE_ENV)) || Boolean.getBoolean(REQUIRE_PROPERTY);
  }

  /** The machine cannot host the fixture at all (as opposed to a setup that went wrong). */
  private static final class Unavailable extends Exception {
    Unavailable(String message, Throwable cause) {
      super(message, cause);
    }
  }

  private static String checkPrerequisites() throws Unavailable {
    if (!isRoot()) {
      throw new Unavailable("not running as root", null);
    }
    if (!Files.isExecutable(SSHD)) {
      throw new Unavailable(SSHD + " is missing (package openssh-server)", null);
    }
    if (Commands.executable("ssh-keygen").isEmpty()) {
      throw new Unavailable("ssh-keygen is missing (package openssh-client)", null);
    }
    return Commands.executable("ip")
        .orElseThrow(() -> new Unavailable("`ip` is missing (package iproute2)", null))
        .toString();
  }

  private static boolean isRoot() {
    try (Stream<String> lines = Files.lines(Path.of("/proc/self/status"))) {
      return lines.filter(l -> l.startsWith("Uid:")).map(l -> l.split("\\s+")[1]).anyMatch("0"::equals);
    } catch (IOException e) {
      return false;
    }
  }

  private SshHosts(String ip) throws Unavailable {
    this.ip = ip;
    for (int i = 1; i <= HOST_COUNT; i++) {
      hosts.add(new Host("h" + i, SUBNET + (10 + i), "rpcp-h" + i, "rpcp-v" + i));
    }
    removeLeftovers();
    try {
      dir = Files.createTempDirectory(TEMP_PREFIX, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    shutdownHook = new Thread(this::closeQuietly, "ssh-fixture-teardown");
    Runtime.getRuntime().addShutdownHook(shutdownHook);
    try {
      createUser();
      createNetwork();
      createKeys();
      for (Host h : hosts) {
        startSshd(h);
      }
      for (Host h : hosts) {
        awaitSshd(h);
      }
      checkHostToHost(hosts.get(0), hosts.get(1));
      checkHostToHost(hosts.get(1), hosts.get(0));
    } catch (Unavailable | RuntimeException | Error e) {
      closeQuietly();
      throw e;
    }
  }

  // ---------------------------------------------------------------------------------------------
  // What tests use

  /** The hosts, h1 then h2. */
  public List<Host> hosts() {
    return List.copyOf(hosts);
  }

  /** The authorized client private key. */
  public Path identityFile() {
    return dir.resolve("id_ed25519");
  }

  /** A client private key no host authorizes. */
  public Path unauthorizedIdentityFile() {
    return dir.resolve("unauthorized_ed25519");
  }

  /** {@code known_hosts} with each host's real ed25519 key. */
  public Path knownHostsFile() {
    return dir.resolve("known_hosts");
  }

  /** {@code known_hosts} listing every host with one other, freshly generated key. */
  public Path wrongKnownHostsFile() {
    return dir.resolve("wrong_known_hosts");
  }

  /** The user to log in as: {@value #USER}, an account the fixture makes, with {@code /bin/sh}. */
  public String user() {
    return USER;
  }

  /** The home directory of {@link #user()} on every host (the hosts share this machine's files). */
  public Path home() {
    return HOME;
  }

  /** This (the root) namespace's address on the bridge, which the hosts reach it at. */
  public String localAddress() {
    return LOCAL_ADDRESS;
  }

  /** An address on the hosts' subnet where nothing answers (connects time out or find no route). */
  public String unreachableAddress() {
    return UNREACHABLE_ADDRESS;
  }

  /** The sshd log of a host (sshd's {@code -E}, level VERBOSE), for error messages. */
  public Path logOf(Host h) {
    return dir.resolve(h.name() + "-sshd.log");
  }

  /**
   * ssh client options, as {@code key=value} (prefix each with {@code -o}), that reach these hosts
   * without prompts and trust nothing but this fixture's keys: the user's own {@code
   * ~/.ssh/config} is still read, but these win over it. ssh takes the first value given for most
   * options, so a test that wants a different value (another known_hosts, a shorter timeout)
   * passes its {@code -o} before these. Not so {@code IdentityFile}: every one given is tried, so
   * to log in with another key, leave this list's {@code IdentityFile=} entry out.
   */
  public List<String> sshOptions() {
    return List.of(
        "IdentityFile=" + identityFile(),
        "IdentitiesOnly=yes",
        "UserKnownHostsFile=" + knownHostsFile(),
        "GlobalKnownHostsFile=/dev/null",
        "StrictHostKeyChecking=yes",
        "BatchMode=yes",
        "User=" + user(),
        "LogLevel=ERROR",
        "ConnectTimeout=5");
  }

  /** {@code ssh -o … root@<host> <remoteCommand…>}, for a ProcessBuilder. */
  public List<String> sshCommand(Host h, String... remoteCommand) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Commands.executable("ssh").map(Path::toString).orElse("ssh"));
    for (String o : sshOptions()) {
      cmd.add("-o");
      cmd.add(o);
    }
    cmd.add(user() + "@" + h.address());
    cmd.addAll(List.of(remoteCommand));
    return cmd;
  }

  /**
   * Cuts a host off: {@code ip link set <rootVeth> down}. Every frame to and from the host is then
   * dropped silently, in both directions, with no RST and no ICMP from the host's side: its end
   * ({@code eth0}) loses carrier and veth drops what it sends, and the bridge has no port left to
   * deliver to it. Established TCP connections just stop hearing from the peer (what heartbeats
   * must detect); new connects time out (or, once this namespace's ARP entry for the host
   * expired, fail locally with "No route to host" after ~3 s). {@code tc netem loss 100%} would
   * need a qdisc on both ends and ARP would fail the same way, so the link is the simpler switch.
   */
  public void cut(Host h) {
    Commands.run(ip, "link", "set", h.rootVeth(), "down");
  }

  /** Undoes {@link #cut}: the link comes back up and this returns once the host's sshd answers. */
  public void restore(Host h) {
    Commands.run(ip, "link", "set", h.rootVeth(), "up");
    awaitSshd(h);
  }

  /**
   * Kills every process in the hosts' namespaces (the sshds, their sessions and whatever those
   * started), deletes the namespaces, links and the temp directory. Idempotent.
   *
   * @throws IllegalStateException when something of the fixture is still there afterwards
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      if (shutdownHook != null) {
        Runtime.getRuntime().removeShutdownHook(shutdownHook);
      }
    } catch (IllegalStateException | IllegalArgumentException e) {
      // already shutting down (this is the hook), or the hook was never registered
    }
    removeLeftovers();
    deleteRecursively(dir);
    deleteRecursively(HOME);
    List<String> left = leftovers();
    if (!left.isEmpty()) {
      throw new IllegalStateException("SSH fixture teardown left: " + String.join("; ", left));
    }
  }

  @Override
  public String toString() {
    return "SshHosts" + hosts + " in " + dir;
  }

  private void closeQuietly() {
    try {
      close();
    } catch (RuntimeException e) {
      System.err.println("WARNING: " + e.getMessage());
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Network

  private void createNetwork() throws Unavailable {
    String clash = Commands.run(ip, "-o", "-4", "addr", "show").lines()
        .filter(l -> l.contains(" " + SUBNET)).collect(Collectors.joining("\n"));
    if (!clash.isEmpty()) {
      throw new IllegalStateException("SSH fixture: this machine already has addresses in " + SUBNET + "0/24, which the fixture needs:\n" + clash);
    }
    try {
      Commands.run(ip, "link", "add", BRIDGE, "type", "bridge");
      Commands.run(ip, "netns", "add", hosts.get(0).namespace());
    } catch (CommandFailedException e) {
      throw new Unavailable("creating a bridge or a network namespace was refused: " + e.getMessage(), e);
    }
    Commands.run(ip, "addr", "add", LOCAL_ADDRESS + "/24", "dev", BRIDGE);
    Commands.run(ip, "link", "set", BRIDGE, "up");
    for (Host h : hosts) {
      String ns = h.namespace();
      if (h != hosts.get(0)) {
        Commands.run(ip, "netns", "add", ns);
      }
      Commands.run(ip, "-n", ns, "link", "set", "lo", "up");
      Commands.run(ip, "link", "add", h.rootVeth(), "type", "veth", "peer", "name", "eth0", "netns", ns);
      Commands.run(ip, "link", "set", h.rootVeth(), "master", BRIDGE);
      Commands.run(ip, "link", "set", h.rootVeth(), "up");
      Commands.run(ip, "-n", ns, "addr", "add", h.address() + "/24", "dev", "eth0");
      Commands.run(ip, "-n", ns, "link", "set", "eth0", "up");
      Commands.run(ip, "-n", ns, "route", "add", "default", "via", LOCAL_ADDRESS);
    }
  }

  /** Kills what runs in the fixture's namespaces, deletes them, the links and old temp dirs. */
  private void removeLeftovers() {
    for (Host h : hosts) {
      killNamespaceProcesses(h.namespace());
      Commands.attempt(ip, "netns", "delete", h.namespace());
    }
    killOrphanSshds();
    for (Host h : hosts) {
      Commands.attempt(ip, "link", "delete", h.rootVeth());
    }
    Commands.attempt(ip, "link", "delete", BRIDGE);
    Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
    try (DirectoryStream<Path> old = Files.newDirectoryStream(tmp, TEMP_PREFIX + "*")) {
      for (Path p : old) {
        if (!p.equals(dir)) {
          deleteRecursively(p);
        }
      }
    } catch (IOException e) {
      // nothing to clean
    }
  }

  private List<String> leftovers() {
    List<String> left = new ArrayList<>();
    String netns = Commands.attempt(ip, "netns", "list").output();
    String links = Commands.attempt(ip, "-o", "link", "show").output();
    for (Host h : hosts) {
      if (netns.lines().anyMatch(l -> l.split(" ")[0].equals(h.namespace()))) {
        left.add("namespace " + h.namespace());
      }
      if (links.contains(" " + h.rootVeth() + "@") || links.contains(" " + h.rootVeth() + ":")) {
        left.add("link " + h.rootVeth());
      }
    }
    if (links.contains(" " + BRIDGE + ":")) {
      left.add("bridge " + BRIDGE);
    }
    fixtureSshds().forEach(p -> left.add("sshd " + p.pid()));
    if (dir != null && Files.exists(dir)) {
      left.add("directory " + dir);
    }
    return left;
  }

  /**
   * SIGKILLs the processes of a namespace, children before parents, so that each is reaped by its
   * (still living) parent rather than left to init.
   */
  private void killNamespaceProcesses(String ns) {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (System.nanoTime() < deadline) {
      Commands.Result r = Commands.attempt(ip, "netns", "pids", ns);
      if (!r.ok()) {
        return; // no such namespace
      }
      Set<Long> pids = r.output().lines().map(String::strip).filter(s -> s.matches("\\d+"))
          .map(Long::parseLong).collect(Collectors.toSet());
      if (pids.isEmpty()) {
        return;
      }
      Set<Long> parents = new HashSet<>();
      for (long pid : pids) {
        ProcessHandle.of(pid).flatMap(ProcessHandle::parent).ifPresent(p -> parents.add(p.pid()));
      }
      List<Long> leaves = pids.stream().filter(p -> !parents.contains(p)).collect(Collectors.toList());
      leaves.forEach(p -> ProcessHandle.of(p).ifPresent(ProcessHandle::destroyForcibly));
      awaitGone(leaves, Duration.ofMillis(500));
    }
    throw new IllegalStateException("SSH fixture: processes in namespace " + ns + " survived SIGKILL for 10 s");
  }

  /** sshds of this fixture that live outside its namespaces (their namespace mount was removed). */
  private void killOrphanSshds() {
    List<ProcessHandle> orphans = fixtureSshds();
    orphans.forEach(ProcessHandle::destroyForcibly);
    awaitGone(orphans.stream().map(ProcessHandle::pid).collect(Collectors.toList()), Duration.ofSeconds(2));
  }

  private static List<ProcessHandle> fixtureSshds() {
    return ProcessHandle.allProcesses()
        .filter(p -> p.info().commandLine().map(c -> c.contains(SSHD + " ") && c.contains("/" + TEMP_PREFIX)).orElse(false))
        .collect(Collectors.toList());
  }

  /** Waits until these processes are gone from {@code /proc} (exited and reaped), or the bound. */
  private static void awaitGone(List<Long> pids, Duration bound) {
    long deadline = System.nanoTime() + bound.toNanos();
    while (pids.stream().anyMatch(p -> Files.exists(Path.of("/proc/" + p))) && System.nanoTime() < deadline) {
      pause();
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Keys and sshd

  private void createKeys() {
    keygen(identityFile());
    keygen(unauthorizedIdentityFile());
    Path wrongHostKey = dir.resolve("wrong_host_ed25519");
    keygen(wrongHostKey);
    StringBuilder known = new StringBuilder();
    StringBuilder wrong = new StringBuilder();
    for (Host h : hosts) {
      keygen(hostKey(h));
      known.append(h.address()).append(' ').append(publicKey(hostKey(h))).append('\n');
      wrong.append(h.address()).append(' ').append(publicKey(wrongHostKey)).append('\n');
    }
    write(knownHostsFile(), known.toString());
    write(wrongKnownHostsFile(), wrong.toString());
    write(authorizedKeys(), publicKey(identityFile()) + "\n");
    Commands.run("chown", USER + ":", authorizedKeys().toString());
  }

  private void keygen(Path key) {
    Commands.run(Commands.executable("ssh-keygen").map(Path::toString).orElse("ssh-keygen"), "-q", "-t", "ed25519", "-N", "", "-C", "rpc-parallel-ssh-fixture", "-f", key.toString());
  }

  /** "ssh-ed25519 AAAA…", without the comment. */
  private static String publicKey(Path privateKey) {
    String[] parts = read(Path.of(privateKey + ".pub")).strip().split("\\s+");
    return parts[0] + " " + parts[1];
  }

  private Path hostKey(Host h) {
    return dir.resolve(h.name() + "_host_ed25519");
  }

  /** In the user's home: sshd reads it with the user's rights. */
  private Path authorizedKeys() {
    return HOME.resolve("authorized_keys");
  }

  /** Makes {@value #USER} if missing (unlocked, no password) and gives it a fresh, empty home. */
  private void createUser() {
    if (!Commands.attempt("id", "-u", USER).ok()) {
      Commands.run("useradd", "--system", "--no-create-home", "--home-dir", HOME.toString(), "--shell", "/bin/sh", USER);
    }
    Commands.run("usermod", "-p", "*", USER); // "*": no password, but not locked (sshd refuses locked accounts)
    deleteRecursively(HOME);
    try {
      Files.createDirectories(HOME);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Commands.run("chown", USER + ":", HOME.toString());
    Commands.run("chmod", "0755", HOME.toString());
  }

  private Path config(Host h) {
    return dir.resolve(h.name() + "-sshd_config");
  }

  private void startSshd(Host h) {
    try {
      Files.createDirectories(Path.of("/run/sshd")); // sshd's privilege separation directory
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    write(config(h), String.join("\n",
        "ListenAddress " + h.address(),
        "Port 22",
        "HostKey " + hostKey(h),
        "PidFile " + dir.resolve(h.name() + "-sshd.pid"),
        "AuthorizedKeysFile " + authorizedKeys(),
        "PasswordAuthentication no",
        "KbdInteractiveAuthentication no",
        "UsePAM no",
        "StrictModes no",
        "PermitRootLogin prohibit-password",
        "LogLevel VERBOSE",
        "MaxStartups 100:30:200",
        "MaxSessions 100",
        "Subsystem sftp internal-sftp",
        ""));
    Commands.Result r = Commands.attempt(ip, "netns", "exec", h.namespace(),
        SSHD.toString(), "-f", config(h).toString(), "-E", logOf(h).toString());
    if (!r.ok()) {
      throw new AssertionError("SSH fixture: sshd of " + h + " did not start: " + r.describe() + "\n" + logText(h));
    }
  }

  /** Polls until the host's sshd sends its banner to a connection from this namespace. */
  private void awaitSshd(Host h) {
    long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
    String last = "";
    while (true) {
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress(h.address(), 22), 1000);
        s.setSoTimeout(2000);
        InputStream in = s.getInputStream();
        String banner = new String(in.readNBytes(7), StandardCharsets.US_ASCII);
        if (banner.equals("SSH-2.0")) {
          return;
        }
        last = "banner " + banner;
      } catch (IOException e) {
        last = e.toString();
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("SSH fixture: sshd of " + h + " did not answer on port 22 within "
            + READY_TIMEOUT + " (last attempt: " + last + ")\n" + logText(h));
      }
      pause();
    }
  }

  /** Checks that one host reaches the other's sshd, i.e. that the bridge forwards between its ports. */
  private void checkHostToHost(Host from, Host to) {
    Commands.Result r = Commands.attempt(ip, "netns", "exec", from.namespace(),
        "ssh-keyscan", "-T", "5", "-t", "ed25519", to.address());
    if (!r.ok() || !r.output().contains(publicKey(hostKey(to)))) {
      String netfilter = "";
      Path sysctl = Path.of("/proc/sys/net/bridge/bridge-nf-call-iptables");
      if (Files.exists(sysctl) && read(sysctl).strip().equals("1")) {
        netfilter = "\nbr_netfilter is loaded and net.bridge.bridge-nf-call-iptables=1: bridged traffic passes the"
            + " root namespace's iptables FORWARD chain, whose policy may drop it (Docker sets DROP). Allow it with e.g."
            + " `iptables -I FORWARD -i " + BRIDGE + " -o " + BRIDGE + " -j ACCEPT`.";
      }
      throw new AssertionError("SSH fixture: " + from + " cannot reach the sshd of " + to + ": " + r.describe() + netfilter
          + "\n" + logText(to));
    }
  }

  private String logText(Host h) {
    Path log = logOf(h);
    return "sshd log " + log + ":\n" + (Files.exists(log) ? read(log) : "(none)");
  }

  // ---------------------------------------------------------------------------------------------
  // Files

  private static void write(Path p, String text) {
    try {
      Files.writeString(p, text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String read(Path p) {
    try {
      return Files.readString(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void deleteRecursively(Path root) {
    if (root == null || !Files.exists(root)) {
      return;
    }
    try (Stream<Path> all = Files.walk(root)) {
      for (Path p : all.sorted(Comparator.reverseOrder()).collect(Collectors.toList())) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("deleting " + root, e);
    }
  }

  /** Polling interval: the OS gives no event for another process's exit or a port opening. */
  private static void pause() {
    try {
      Thread.sleep(20);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted");
    }
  }
}
