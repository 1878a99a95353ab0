package dev.rpcparallel;

import dev.rpcparallel.internal.remote.ClassPathPacker;
import dev.rpcparallel.internal.remote.CodeShipper;
import dev.rpcparallel.internal.remote.RemoteFailureException;
import dev.rpcparallel.internal.remote.ShellQuoting;
import dev.rpcparallel.internal.remote.ShippedEntry;
import dev.rpcparallel.internal.remote.SshTarget;
import java.io.File;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Starts workers on another host through the system's OpenSSH client, so the user's {@code
 * ~/.ssh/config}, agent, {@code known_hosts} and {@code ProxyJump} apply. Give it to {@link
 * SpawnOptions.Builder#launcher}; a spawn then:
 *
 * <ol>
 *   <li>runs {@code ssh host sh -s} to find the host's java ({@link Builder#java}, else {@code
 *       $JAVA_HOME/bin/java}, else {@code java} on the PATH), check that it is Java 17 or later,
 *       and look up the class path there;
 *   <li>copies each class path entry the host does not have yet into its cache directory ({@link
 *       Builder#cacheDirectory}; default {@code ${XDG_CACHE_HOME:-~/.cache}/rpc-parallel/classpath}),
 *       named by the SHA-256 of its bytes (directories are packed into a jar first, the same tree
 *       always giving the same bytes); a later spawn, from this master or another, copies nothing,
 *       and concurrent spawns from this JVM copy each file once. With {@link
 *       Builder#existingInstallation} nothing is copied: each entry must be in that directory
 *       under its own file name, with the same bytes. A copy whose bytes are not what its name
 *       says fails the spawn with an error naming the host and the path;
 *   <li>starts the worker with {@code ssh host exec sh -c 'IFS= read -r s && eval "$s"'}: the line
 *       it reads from the ssh session's stdin exports the spawn's {@linkplain
 *       SpawnOptions.Builder#env environment additions} (byte for byte: values are rebuilt by
 *       {@code printf}, never interpreted) and execs java, which reads its bootstrap (the application
 *       secret, from which the TLS key is derived; the master's address; the settings) from the
 *       same stdin. Nothing secret is in any argv or environment.
 * </ol>
 *
 * <p>The worker connects back to the master over TLS 1.3 with mutual authentication (see {@code
 * docs/REMOTE.md}): the master listens for remote workers on {@link Builder#masterListenAddress}
 * (default all interfaces) and tells them to connect to {@link Builder#masterAddress} (default:
 * this machine's address on the route to the host). The worker listens on {@link
 * SpawnOptions.Builder#listenAddress} (default all interfaces for remote workers) over TLS.
 * ssh failures (unreachable host, refused key, changed host key, no java) fail the spawn with
 * what ssh printed, within the connect timeout. When ssh ends, the worker's stdin closes and it
 * exits as a local worker does when its master is gone.
 *
 * <p>The remote host needs a POSIX {@code sh}, {@code sha256sum}, {@code cut}, {@code head} and
 * {@code mktemp} (coreutils), {@code find}, {@code tar}, and the JDK. Immutable and thread-safe,
 * but for its copy counters.
 */
public final class SshLauncher implements Launcher {
  private final SshTarget target;
  private final AtomicLong filesCopied = new AtomicLong();
  private final AtomicLong bytesCopied = new AtomicLong();

  private SshLauncher(Builder b) {
    this.target = new SshTarget(b.host, b.user, b.port, b.identityFile, b.strictHostKeyChecking, List.copyOf(b.options),
        b.connectTimeout, b.ssh, b.java, b.cacheDirectory, b.installation, List.copyOf(b.remotePrefix),
        b.masterAddress, b.masterListenAddress);
  }

  /**
   * A builder for workers on {@code host}: a host name, address or {@code ~/.ssh/config} alias.
   *
   * @throws IllegalArgumentException if it is empty or starts with {@code -}
   */
  public static Builder to(String host) {
    return new Builder(host);
  }

  /**
   * The ssh command that runs {@code javaCommand} on the host as it is (no class path copy, no
   * environment); spawns do more, as the class comment says. For a custom use of the launcher.
   *
   * @throws IllegalArgumentException if a word of {@code javaCommand} holds a newline or NUL
   */
  @Override
  public List<String> command(List<String> javaCommand) {
    return target.command("exec " + ShellQuoting.words(javaCommand));
  }

  /** The host as given to {@link #to}. */
  public String host() {
    return target.host();
  }

  /** {@code user@host:port} as configured, for messages. */
  public String destination() {
    return target.destination();
  }

  /** The address remote workers connect back to, if set; else found per spawn. */
  public Optional<String> masterAddress() {
    return target.masterAddress();
  }

  /** Where the master listens for workers of this launcher. */
  public String masterListenAddress() {
    return target.masterListenAddress();
  }

  /** The ssh connect timeout. */
  public Duration connectTimeout() {
    return target.connectTimeout();
  }

  /** Files copied to the host by spawns through this launcher (0 when the host had them all). */
  public long filesCopied() {
    return filesCopied.get();
  }

  /** Bytes copied to the host by spawns through this launcher. */
  public long bytesCopied() {
    return bytesCopied.get();
  }

  /**
   * Deletes the copies in the host's cache directory — files named {@code <sha256>.jar}, made by
   * any master, and leftover temporary files; nothing else — then the directory if that left it
   * empty. The next spawn copies again. Call it when no worker runs from the copies: a running
   * worker may still load classes from a jar it had not opened yet.
   *
   * @throws RpcParallelException {@code SPAWN_FAILED}, with what ssh said, if ssh fails, or if
   *     this launcher uses an {@linkplain Builder#existingInstallation existing installation}
   */
  public void deleteCopies() {
    try {
      CodeShipper.delete(target);
    } catch (RemoteFailureException e) {
      throw new RpcParallelException(RpcParallelException.Kind.SPAWN_FAILED, e.getMessage(), e);
    }
  }

  /**
   * What an {@linkplain Builder#existingInstallation existing installation} of this JVM's class
   * path must hold: for each entry, the file name it must have in the installation directory and
   * a local file with the right bytes (a jar as it is; a directory packed as a spawn packs it).
   * Copy each file there under its name (for example with {@code scp}); spawns then check every
   * one by SHA-256.
   *
   * @throws java.io.UncheckedIOException if an entry cannot be read or packed
   */
  public static Map<String, Path> installationFiles() {
    Map<String, Path> out = new LinkedHashMap<>();
    for (ShippedEntry e : ClassPathPacker.entries(List.of(System.getProperty("java.class.path").split(File.pathSeparator)))) {
      out.put(e.name(), e.jar());
    }
    return out;
  }

  SshTarget target() {
    return target;
  }

  void copied(int files, long bytes) {
    filesCopied.addAndGet(files);
    bytesCopied.addAndGet(bytes);
  }

  @Override
  public String toString() {
    return "SshLauncher[" + target.destination() + "]";
  }

  /** Configures an {@link SshLauncher}. Not thread-safe. */
  public static final class Builder {
    private final String host;
    private Optional<String> user = Optional.empty();
    private Optional<Integer> port = Optional.empty();
    private Optional<Path> identityFile = Optional.empty();
    private Optional<String> strictHostKeyChecking = Optional.empty();
    private final List<String> options = new ArrayList<>();
    private Duration connectTimeout = Duration.ofSeconds(10);
    private String ssh = "ssh";
    private Optional<String> java = Optional.empty();
    private Optional<String> cacheDirectory = Optional.empty();
    private Optional<String> installation = Optional.empty();
    private final List<String> remotePrefix = new ArrayList<>();
    private Optional<String> masterAddress = Optional.empty();
    private String masterListenAddress = "0.0.0.0";

    private Builder(String host) {
      this.host = checkWord(host, "host");
    }

    /** The login name (ssh {@code -l}); default: ssh's (the config's {@code User}, else yours). */
    public Builder user(String user) {
      this.user = Optional.of(checkWord(user, "user"));
      return this;
    }

    /** The port (ssh {@code -p}); default: ssh's (the config's {@code Port}, else 22). */
    public Builder port(int port) {
      if (port < 1 || port > 65535) {
        throw new IllegalArgumentException("port must be 1..65535, got " + port);
      }
      this.port = Optional.of(port);
      return this;
    }

    /** The private key (ssh {@code -i}); default: ssh's (agent and default keys). */
    public Builder identityFile(Path file) {
      this.identityFile = Optional.of(Objects.requireNonNull(file, "file"));
      return this;
    }

    /**
     * ssh's {@code StrictHostKeyChecking}: {@code yes}, {@code accept-new} or {@code no};
     * default: ssh's (the config's, else {@code ask}, which in batch mode refuses unknown hosts).
     */
    public Builder strictHostKeyChecking(String mode) {
      if (!List.of("yes", "no", "accept-new", "ask", "off").contains(mode)) {
        throw new IllegalArgumentException("StrictHostKeyChecking must be yes, no, accept-new, ask or off, got " + mode);
      }
      this.strictHostKeyChecking = Optional.of(mode);
      return this;
    }

    /**
     * Adds an ssh option, as for {@code -o}, e.g. {@code option("ProxyJump=bastion")}. ssh keeps
     * the first value it is given for most options, and these come after the launcher's own
     * ({@code BatchMode=yes}, {@code ConnectTimeout}, then {@link #strictHostKeyChecking}) and in
     * the order added; {@code ConnectTimeout} and {@code BatchMode=no} are refused here (use
     * {@link #connectTimeout}), {@code BatchMode=yes} is accepted and changes nothing.
     * {@code IdentityFile} adds up instead: every key given is tried.
     *
     * @throws IllegalArgumentException if it is not {@code Key=value}, or sets {@code
     *     ConnectTimeout} or {@code BatchMode=no}
     */
    public Builder option(String keyEqualsValue) {
      if (!keyEqualsValue.matches("[A-Za-z][A-Za-z0-9]*[= ].*")) {
        throw new IllegalArgumentException("an ssh option is Key=value, got " + keyEqualsValue);
      }
      String key = keyEqualsValue.split("[= ]", 2)[0].toLowerCase(Locale.ROOT);
      String value = keyEqualsValue.split("[= ]", 2)[1].strip();
      if (key.equals("batchmode") && value.equalsIgnoreCase("yes")) {
        return this; // what the launcher sets anyway
      }
      if (key.equals("batchmode") || key.equals("connecttimeout")) {
        throw new IllegalArgumentException("the launcher sets " + keyEqualsValue.split("[= ]", 2)[0]
            + " itself (ssh keeps its first value): use connectTimeout(Duration); BatchMode is always yes");
      }
      options.add(keyEqualsValue);
      return this;
    }

    /**
     * ssh's {@code ConnectTimeout} (whole seconds, rounded up), default 10 s. Preparing the host
     * (before any copy) is bounded by twice this plus 10 s.
     */
    public Builder connectTimeout(Duration timeout) {
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("connectTimeout must be positive, got " + timeout);
      }
      this.connectTimeout = timeout;
      return this;
    }

    /** The local ssh program (default {@code ssh} on the PATH). */
    public Builder sshExecutable(String ssh) {
      this.ssh = Objects.requireNonNull(ssh, "ssh");
      return this;
    }

    /** The java executable on the host; default: {@code $JAVA_HOME/bin/java} there, else {@code java} on its PATH. */
    public Builder java(String path) {
      this.java = Optional.of(checkWord(path, "java"));
      return this;
    }

    /**
     * The directory on the host that holds the copies (created if missing, private to the login
     * user; {@code ~/} means the remote home); default {@code
     * ${XDG_CACHE_HOME:-~/.cache}/rpc-parallel/classpath}. It must belong to the login user and
     * not be writable by group or others, or spawns fail.
     */
    public Builder cacheDirectory(String dir) {
      this.cacheDirectory = Optional.of(checkWord(dir, "cacheDirectory"));
      return this;
    }

    /**
     * Copies nothing: the class path is already in {@code dir} on the host, as {@link
     * SshLauncher#installationFiles()} lists it (each jar under its own file name, each directory packed
     * into {@code <name>.jar}), and is checked by SHA-256 at each spawn; a missing or different
     * file fails the spawn, naming host and path. {@code dir} must not be writable by group or
     * others.
     */
    public Builder existingInstallation(String dir) {
      this.installation = Optional.of(checkWord(dir, "existingInstallation"));
      return this;
    }

    /** Words put before java on the host, e.g. {@code remotePrefix("nice", "-n", "10")} or {@code taskset -c 1}. */
    public Builder remotePrefix(String... words) {
      for (String w : words) {
        ShellQuoting.word(w); // fails now, not at spawn time
        remotePrefix.add(w);
      }
      return this;
    }

    /** The address workers connect back to; default: this machine's address on the route to the host. */
    public Builder masterAddress(String address) {
      this.masterAddress = Optional.of(checkWord(address, "masterAddress"));
      return this;
    }

    /** Where the master listens for these workers (default {@code 0.0.0.0}, all interfaces; always TLS). */
    public Builder masterListenAddress(String address) {
      this.masterListenAddress = checkWord(address, "masterListenAddress");
      return this;
    }

    /** The launcher. */
    public SshLauncher build() {
      return new SshLauncher(this);
    }

    private static String checkWord(String value, String what) {
      Objects.requireNonNull(value, what);
      if (value.isEmpty() || value.startsWith("-") || value.chars().anyMatch(c -> c < 0x20)) {
        throw new IllegalArgumentException(what + " must be non-empty, must not start with '-' and must not hold control characters, got \""
            + value.replace("\n", "\\n") + "\"");
      }
      return value;
    }
  }
}
