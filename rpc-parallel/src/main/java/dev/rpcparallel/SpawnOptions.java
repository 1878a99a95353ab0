package dev.rpcparallel;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * How to start one worker JVM. Immutable and thread-safe; build with {@link #builder()} and
 * derive variants with {@link #toBuilder()}.
 *
 * <table>
 *   <caption>Options and defaults</caption>
 *   <tr><td>name</td><td>none (the worker id is used in messages)</td></tr>
 *   <tr><td>env</td><td>the master's environment plus these additions</td></tr>
 *   <tr><td>workingDirectory</td><td>the master's</td></tr>
 *   <tr><td>jvmOptions</td><td>{@code -XX:+UseSerialGC -Xss512k -Dio.netty.jfr.enabled=false}:
 *       full JIT (C1 and C2: workers exist to compute); the serial collector, because a machine
 *       usually runs about one worker per core and the serial collector adds no GC threads to
 *       compete with sibling workers (a worker that computes on many threads with a large heap
 *       does better with {@code -XX:+UseParallelGC}); the JVM's default heap limit (a quarter of
 *       the machine's memory: set {@code -Xmx} when many workers share a host); small thread
 *       stacks; and no Netty flight-recorder events (they cost ~40 ms of start-up)</td></tr>
 *   <tr><td>javaExecutable</td><td>the master's own {@code java.home}/bin/java</td></tr>
 *   <tr><td>extraClasspath</td><td>none (the master's class path is always used)</td></tr>
 *   <tr><td>classDataSharing</td><td>on: a local worker maps a cached class-data archive of its
 *       JDK and class path, made by the first such worker when it exits ({@link
 *       Builder#classDataSharing(boolean)})</td></tr>
 *   <tr><td>connectionTimeout</td><td>10 s: the worker must connect back within it</td></tr>
 *   <tr><td>spawnTimeout</td><td>2 × connectionTimeout: the worker must have started {@code
 *       initWorkerState} within it (JVM start, connecting back, loading the spec class)</td></tr>
 *   <tr><td>initTimeout</td><td>none: {@code initWorkerState} may take as long as it needs, as in the
 *       original</td></tr>
 *   <tr><td>onFailure</td><td>logs the failure</td></tr>
 *   <tr><td>stdout, stderr</td><td>{@link Redirect#forward()}</td></tr>
 *   <tr><td>launcher</td><td>{@link Launcher#local()}</td></tr>
 *   <tr><td>shutdownOn</td><td>{@link ShutdownOn#HEARTBEAT_TIMEOUT}</td></tr>
 *   <tr><td>mainClass</td><td>{@link WorkerMain}; a program with its own main calls {@link
 *       WorkerMain#runIfSpawned()} first</td></tr>
 * </table>
 */
public final class SpawnOptions {
  static final List<String> DEFAULT_JVM_OPTIONS = List.of("-XX:+UseSerialGC", "-Xss512k", "-Dio.netty.jfr.enabled=false");

  private final String name;
  private final Map<String, String> env;
  private final Path workingDirectory;
  private final List<String> jvmOptions;
  private final Path javaExecutable;
  private final List<Path> extraClasspath;
  private final boolean classDataSharing;
  private final Duration connectionTimeout;
  private final Duration spawnTimeout;
  private final Duration initTimeout;
  private final Consumer<RpcParallelException> onFailure;
  private final Redirect stdout;
  private final Redirect stderr;
  private final Launcher launcher;
  private final ShutdownOn shutdownOn;
  private final String mainClass;
  private final String listenAddress;
  private final String advertiseAddress;

  private SpawnOptions(Builder b) {
    this.name = b.name;
    this.env = Map.copyOf(b.env);
    this.workingDirectory = b.workingDirectory;
    this.jvmOptions = List.copyOf(b.jvmOptions);
    this.javaExecutable = b.javaExecutable;
    this.extraClasspath = List.copyOf(b.extraClasspath);
    this.classDataSharing = b.classDataSharing;
    this.connectionTimeout = b.connectionTimeout;
    this.spawnTimeout = b.spawnTimeout;
    this.initTimeout = b.initTimeout;
    this.onFailure = b.onFailure;
    this.stdout = b.stdout;
    this.stderr = b.stderr;
    this.launcher = b.launcher;
    this.shutdownOn = b.shutdownOn;
    this.mainClass = b.mainClass;
    this.listenAddress = b.listenAddress;
    this.advertiseAddress = b.advertiseAddress;
  }

  /** Options with every default of the table above; the same as {@code builder().build()}. */
  public static SpawnOptions defaults() {
    return builder().build();
  }

  /** A builder holding every default of the table above. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding these options, to derive a variant; this instance does not change. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /** The worker's name, if one was set; when empty, the worker's id stands in for it. */
  public Optional<String> name() {
    return Optional.ofNullable(name);
  }

  /**
   * The variables the worker gets on top of the master's environment; unmodifiable, empty by
   * default.
   */
  public Map<String, String> env() {
    return env;
  }

  /** The worker's working directory, if set; when empty, the master's current directory. */
  public Optional<Path> workingDirectory() {
    return Optional.ofNullable(workingDirectory);
  }

  /** The worker's JVM options in command-line order; unmodifiable. */
  public List<String> jvmOptions() {
    return jvmOptions;
  }

  /**
   * The {@code java} program that starts the worker: the one set, else this JVM's {@code
   * java.home}/bin/java.
   */
  public Path javaExecutable() {
    return javaExecutable != null ? javaExecutable : Path.of(System.getProperty("java.home"), "bin", "java");
  }

  /**
   * The entries added after the master's class path on the worker's {@code -cp}; unmodifiable,
   * empty by default.
   */
  public List<Path> extraClasspath() {
    return extraClasspath;
  }

  /** Whether a local worker uses the class-data cache (default true); see {@link Builder#classDataSharing(boolean)}. */
  public boolean classDataSharing() {
    return classDataSharing;
  }

  /**
   * How long the worker has to connect back to the master, counted from its launch (default 10 s).
   */
  public Duration connectionTimeout() {
    return connectionTimeout;
  }

  /**
   * How long the worker has to start {@code initWorkerState}, counted from its launch: the value
   * set, else twice {@link #connectionTimeout()}.
   */
  public Duration spawnTimeout() {
    return spawnTimeout != null ? spawnTimeout : connectionTimeout.multipliedBy(2);
  }

  /** How long {@code initWorkerState} may run, if limited. */
  public Optional<Duration> initTimeout() {
    return Optional.ofNullable(initTimeout);
  }

  /**
   * The background-failure callback, if set; when empty, a failure is logged through SLF4J at error
   * level.
   */
  public Optional<Consumer<RpcParallelException>> onFailure() {
    return Optional.ofNullable(onFailure);
  }

  /** Where the worker's stdout goes (default {@link Redirect#forward()}). */
  public Redirect stdout() {
    return stdout;
  }

  /** Where the worker's stderr goes (default {@link Redirect#forward()}). */
  public Redirect stderr() {
    return stderr;
  }

  /**
   * What runs the worker's Java command line (default {@link Launcher#local()}: the command as is).
   */
  public Launcher launcher() {
    return launcher;
  }

  /** When the worker exits by itself (default {@link ShutdownOn#HEARTBEAT_TIMEOUT}). */
  public ShutdownOn shutdownOn() {
    return shutdownOn;
  }

  /** The fully qualified main class on the worker's command line (default {@link WorkerMain}). */
  public String mainClass() {
    return mainClass;
  }

  /**
   * Where the worker's server listens, if set; by default {@code 127.0.0.1} for a local worker
   * and {@code 0.0.0.0} (all interfaces) for one started by an {@link SshLauncher}. A listener
   * not on loopback speaks only TLS 1.3 with mutual authentication (docs/REMOTE.md).
   */
  public Optional<String> listenAddress() {
    return Optional.ofNullable(listenAddress);
  }

  /**
   * The address put in the worker's handle, if set; by default the listen address, or, when that
   * is all interfaces, the worker's own address on the route to its master.
   */
  public Optional<String> advertiseAddress() {
    return Optional.ofNullable(advertiseAddress);
  }

  /** Builds {@link SpawnOptions}. Not thread-safe. */
  public static final class Builder {
    private String name;
    private final Map<String, String> env = new LinkedHashMap<>();
    private Path workingDirectory;
    private final List<String> jvmOptions = new ArrayList<>(DEFAULT_JVM_OPTIONS);
    private Path javaExecutable;
    private final List<Path> extraClasspath = new ArrayList<>();
    private boolean classDataSharing = true;
    private Duration connectionTimeout = Duration.ofSeconds(10);
    private Duration spawnTimeout;
    private Duration initTimeout;
    private Consumer<RpcParallelException> onFailure;
    private Redirect stdout = Redirect.forward();
    private Redirect stderr = Redirect.forward();
    private Launcher launcher = Launcher.local();
    private ShutdownOn shutdownOn = ShutdownOn.HEARTBEAT_TIMEOUT;
    private String mainClass = WorkerMain.class.getName();
    private String listenAddress;
    private String advertiseAddress;

    private Builder() {}

    private Builder(SpawnOptions o) {
      name = o.name;
      env.putAll(o.env);
      workingDirectory = o.workingDirectory;
      jvmOptions.clear();
      jvmOptions.addAll(o.jvmOptions);
      javaExecutable = o.javaExecutable;
      extraClasspath.addAll(o.extraClasspath);
      classDataSharing = o.classDataSharing;
      connectionTimeout = o.connectionTimeout;
      spawnTimeout = o.spawnTimeout;
      initTimeout = o.initTimeout;
      onFailure = o.onFailure;
      stdout = o.stdout;
      stderr = o.stderr;
      launcher = o.launcher;
      shutdownOn = o.shutdownOn;
      mainClass = o.mainClass;
      listenAddress = o.listenAddress;
      advertiseAddress = o.advertiseAddress;
    }

    /**
     * Names the worker. The name appears in spawn errors and the worker's own messages, in the
     * prefix of its forwarded output ({@code [WORKER name STDOUT]}), in its log entries ({@link
     * LogEntry#worker()}), in its handle ({@link Worker#name()}) and on its command line as
     * {@code --rpc-parallel-worker=name}, so {@code ps} shows it (not for a worker made from a
     * spare, whose command line was set when the spare started). Without a name the worker's id
     * is used in messages, prefixes and log entries, and the command line carries a bare {@code
     * --rpc-parallel-worker}. Names are not checked for uniqueness.
     *
     * @throws NullPointerException if {@code name} is null
     */
    public Builder name(String name) {
      this.name = Objects.requireNonNull(name);
      return this;
    }

    /**
     * Adds an environment variable for the worker; values reach it unchanged. The worker's
     * environment is the master's plus these; a variable set twice keeps the last value. On
     * another host ({@link SshLauncher}) it is the remote login's environment plus these, and a
     * name must be a shell variable name ({@code [A-Za-z_][A-Za-z0-9_]*}) or the spawn fails.
     *
     * @throws NullPointerException if {@code key} or {@code value} is null
     */
    public Builder env(String key, String value) {
      env.put(Objects.requireNonNull(key), Objects.requireNonNull(value));
      return this;
    }

    /**
     * Adds every entry of {@code vars} as {@link #env(String, String)} does.
     *
     * @throws NullPointerException if {@code vars}, or one of its keys or values, is null
     */
    public Builder env(Map<String, String> vars) {
      vars.forEach(this::env);
      return this;
    }

    /**
     * The worker's working directory (default: the master's current directory); a relative path is
     * resolved against the master's. Relative {@link Redirect} files are resolved against it. It
     * is checked at spawn time: if it is not an existing directory, the spawn fails with an {@link
     * RpcParallelException} of kind {@code SPAWN_FAILED}. On another host ({@link SshLauncher})
     * it is a directory there, taken as written (relative: to the remote home; default: the
     * remote home); if the worker cannot change to it, it exits with status 3 and the spawn fails.
     *
     * @throws NullPointerException if {@code dir} is null
     */
    public Builder workingDirectory(Path dir) {
      this.workingDirectory = Objects.requireNonNull(dir);
      return this;
    }

    /** Replaces the JVM options (the defaults included). */
    public Builder jvmOptions(List<String> options) {
      jvmOptions.clear();
      jvmOptions.addAll(options);
      return this;
    }

    /** Adds JVM options after the current ones, e.g. {@code "-Xmx256m"}. */
    public Builder addJvmOptions(String... options) {
      jvmOptions.addAll(List.of(options));
      return this;
    }

    /**
     * The {@code java} program that starts the worker (default: this JVM's own {@code
     * java.home}/bin/java). It is the first word of the Java command line the {@link Launcher}
     * receives. If it cannot be started, the spawn fails with kind {@code SPAWN_FAILED}. Not used
     * by an {@link SshLauncher}, which finds the host's own java ({@code SshLauncher.Builder.java}).
     *
     * @throws NullPointerException if {@code java} is null
     */
    public Builder javaExecutable(Path java) {
      this.javaExecutable = Objects.requireNonNull(java);
      return this;
    }

    /**
     * Adds a jar or directory to the worker's class path, after the master's own entries (its
     * {@code java.class.path}, plus the jars and directories of URL class loaders between the
     * spec's class loader and the system class loader). Entries already present are not repeated.
     *
     * @throws NullPointerException if {@code entry} is null
     */
    public Builder addClasspath(Path entry) {
      extraClasspath.add(Objects.requireNonNull(entry));
      return this;
    }

    /**
     * Whether a local worker starts with a class-data-sharing archive of the library's and the
     * application's classes (default true): such a worker reaches its first reply in about 60 % of
     * the time, and its JVM uses less CPU and memory. The archive is made automatically: the first
     * worker of a JDK, class path and JVM options writes it when it exits (its start is about
     * 0.1 s slower and its exit about 0.5 s later), and later workers map it; workers started while it
     * is being made run without. On JDK 17 and 18 the archive is written with {@code
     * -XX:ArchiveClassesAtExit}; on JDK 19+ with {@code -XX:+AutoCreateSharedArchive}, which also
     * rewrites one made by another JDK build.
     *
     * <p>Archives live in {@code $XDG_CACHE_HOME/rpc-parallel/cds} or {@code
     * ~/.cache/rpc-parallel/cds} (or the directory in the system property {@code
     * dev.rpcparallel.classDataCache.directory} of the master), one per key: a SHA-256 of the JDK,
     * the JVM options and each class path jar with its size and modification time, so a rebuilt
     * jar or another JDK gets a new archive; files untouched for 30 days are deleted when a new
     * archive is made. The directory is created owner-only, and is not used (the worker starts
     * without an archive, silently) if it or its parent can be written by other users, if it
     * belongs to another user, or if it cannot be written. A stale, truncated or corrupt archive
     * is deleted or ignored, and the JVM's own CDS messages are turned off, so it never shows in the
     * worker's output: at worst the worker starts as it would without the cache.
     *
     * <p>The cache does nothing (as if off) for an {@link SshLauncher}; for a class path with a
     * non-empty directory (the JDK archives classes from jars only); for a {@code java} outside a
     * JDK 17+ home; and when the JVM options, or {@code JAVA_TOOL_OPTIONS}, {@code
     * JDK_JAVA_OPTIONS} or {@code _JAVA_OPTIONS}, set class-data or AOT options themselves (e.g.
     * {@code -Xshare:off}, {@code -XX:SharedArchiveFile}, {@code -XX:AOTCache}), so those choose.
     * See docs/PERFORMANCE.md, "Class-data cache".
     */
    public Builder classDataSharing(boolean on) {
      this.classDataSharing = on;
      return this;
    }

    /**
     * The worker must connect back within this, counted from its launch (default 10 s). A {@link
     * ShutdownOn#CONNECTION_CLOSED} worker also exits if its first client connection has not
     * opened within this plus 5 s of it starting to serve. Raise it for many spawns at once on
     * few cores: a worker JVM's start costs about 1.2–1.6 core-seconds (half that with the
     * class-data cache), so ten started at once on two cores connect back up to ~10 s later.
     *
     * @throws IllegalArgumentException if {@code d} is negative
     */
    public Builder connectionTimeout(Duration d) {
      if (d.isNegative()) {
        throw new IllegalArgumentException("connectionTimeout must not be negative: " + d);
      }
      this.connectionTimeout = d;
      return this;
    }

    /**
     * The worker must have started {@code initWorkerState} within this, counted from its launch
     * (default: twice the connection timeout). Past it, the spawn fails with {@code SPAWN_TIMEOUT}.
     *
     * @throws IllegalArgumentException if {@code d} is negative
     */
    public Builder spawnTimeout(Duration d) {
      if (d.isNegative()) {
        throw new IllegalArgumentException("spawnTimeout must not be negative: " + d);
      }
      this.spawnTimeout = d;
      return this;
    }

    /**
     * Limits how long {@code initWorkerState} may run (default: no limit). Past it, the spawn
     * fails with {@code SPAWN_TIMEOUT} and the worker is killed.
     *
     * @throws IllegalArgumentException if {@code d} is zero or negative
     */
    public Builder initTimeout(Duration d) {
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException("initTimeout must be positive: " + d);
      }
      this.initTimeout = d;
      return this;
    }

    /**
     * Called (once, on a library thread) when the worker fails in the background: the exception
     * has kind {@code WORKER_FAILED}, names the worker, and its cause is the {@link
     * RemoteException} with the worker's stack.
     */
    public Builder onFailure(Consumer<RpcParallelException> onFailure) {
      this.onFailure = Objects.requireNonNull(onFailure);
      return this;
    }

    /**
     * Where the worker's stdout goes, from the moment its JVM starts (default {@link
     * Redirect#forward()}: each line printed on the master's stdout, prefixed {@code [WORKER name
     * STDOUT]}). Ignored by {@link RpcParallel#spawnInForeground}.
     *
     * @throws NullPointerException if {@code r} is null
     */
    public Builder stdout(Redirect r) {
      this.stdout = Objects.requireNonNull(r);
      return this;
    }

    /**
     * Where the worker's stderr goes, from the moment its JVM starts (default {@link
     * Redirect#forward()}: each line printed on the master's stderr, prefixed {@code [WORKER name
     * STDERR]}). Ignored by {@link RpcParallel#spawnInForeground}.
     *
     * @throws NullPointerException if {@code r} is null
     */
    public Builder stderr(Redirect r) {
      this.stderr = Objects.requireNonNull(r);
      return this;
    }

    /**
     * What turns the worker's Java command line into the command executed (default {@link
     * Launcher#local()}: the command as is), for example to prefix {@code nice} or run the worker
     * in a container.
     *
     * @throws NullPointerException if {@code l} is null
     */
    public Builder launcher(Launcher l) {
      this.launcher = Objects.requireNonNull(l);
      return this;
    }

    /**
     * When the worker exits by itself (default {@link ShutdownOn#HEARTBEAT_TIMEOUT}). {@link
     * RpcParallel#spawn} refuses {@link ShutdownOn#CONNECTION_CLOSED} with an {@link
     * IllegalArgumentException}; {@link RpcParallel#spawnAndConnect} uses it whatever is set here.
     * {@link RpcParallel#close()} ends the workers it spawned, except {@link
     * ShutdownOn#CALLED_SHUTDOWN_FUNCTION} ones.
     *
     * @throws NullPointerException if {@code s} is null
     */
    public Builder shutdownOn(ShutdownOn s) {
      this.shutdownOn = Objects.requireNonNull(s);
      return this;
    }

    /** See {@link SpawnOptions#listenAddress()}, e.g. {@code "0.0.0.0"} or one interface's address. */
    public Builder listenAddress(String address) {
      this.listenAddress = checkAddress(address, "listenAddress");
      return this;
    }

    /** See {@link SpawnOptions#advertiseAddress()}: a host name or address other hosts reach the worker at. */
    public Builder advertiseAddress(String address) {
      this.advertiseAddress = checkAddress(address, "advertiseAddress");
      return this;
    }

    private static String checkAddress(String address, String what) {
      Objects.requireNonNull(address, what);
      if (address.isEmpty() || address.startsWith("-") || address.chars().anyMatch(c -> c <= 0x20)) {
        throw new IllegalArgumentException(what + " must be a host name or address, got \"" + address + "\"");
      }
      return address;
    }

    /** A main class that calls {@link WorkerMain#runIfSpawned()} first (for fat jars, own mains). */
    public Builder mainClass(String className) {
      this.mainClass = Objects.requireNonNull(className);
      return this;
    }

    /**
     * The options; they copy the builder's values, so later changes to the builder do not reach
     * them.
     */
    public SpawnOptions build() {
      return new SpawnOptions(this);
    }
  }
}
