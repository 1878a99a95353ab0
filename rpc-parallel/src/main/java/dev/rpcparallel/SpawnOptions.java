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
 *   <tr><td>jvmOptions</td><td>{@code -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xss512k -Dio.netty.jfr.enabled=false}
 *       (small, quick to start; Netty's flight-recorder events cost ~40 ms of start-up)</td></tr>
 *   <tr><td>javaExecutable</td><td>the master's own {@code java.home}/bin/java</td></tr>
 *   <tr><td>extraClasspath</td><td>none (the master's class path is always used)</td></tr>
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
  static final List<String> DEFAULT_JVM_OPTIONS = List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xss512k", "-Dio.netty.jfr.enabled=false");

  private final String name;
  private final Map<String, String> env;
  private final Path workingDirectory;
  private final List<String> jvmOptions;
  private final Path javaExecutable;
  private final List<Path> extraClasspath;
  private final Duration connectionTimeout;
  private final Duration spawnTimeout;
  private final Duration initTimeout;
  private final Consumer<RpcParallelException> onFailure;
  private final Redirect stdout;
  private final Redirect stderr;
  private final Launcher launcher;
  private final ShutdownOn shutdownOn;
  private final String mainClass;

  private SpawnOptions(Builder b) {
    this.name = b.name;
    this.env = Map.copyOf(b.env);
    this.workingDirectory = b.workingDirectory;
    this.jvmOptions = List.copyOf(b.jvmOptions);
    this.javaExecutable = b.javaExecutable;
    this.extraClasspath = List.copyOf(b.extraClasspath);
    this.connectionTimeout = b.connectionTimeout;
    this.spawnTimeout = b.spawnTimeout;
    this.initTimeout = b.initTimeout;
    this.onFailure = b.onFailure;
    this.stdout = b.stdout;
    this.stderr = b.stderr;
    this.launcher = b.launcher;
    this.shutdownOn = b.shutdownOn;
    this.mainClass = b.mainClass;
  }

  public static SpawnOptions defaults() {
    return builder().build();
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    return new Builder(this);
  }

  public Optional<String> name() {
    return Optional.ofNullable(name);
  }

  public Map<String, String> env() {
    return env;
  }

  public Optional<Path> workingDirectory() {
    return Optional.ofNullable(workingDirectory);
  }

  public List<String> jvmOptions() {
    return jvmOptions;
  }

  public Path javaExecutable() {
    return javaExecutable != null ? javaExecutable : Path.of(System.getProperty("java.home"), "bin", "java");
  }

  public List<Path> extraClasspath() {
    return extraClasspath;
  }

  public Duration connectionTimeout() {
    return connectionTimeout;
  }

  public Duration spawnTimeout() {
    return spawnTimeout != null ? spawnTimeout : connectionTimeout.multipliedBy(2);
  }

  /** How long {@code initWorkerState} may run, if limited. */
  public Optional<Duration> initTimeout() {
    return Optional.ofNullable(initTimeout);
  }

  public Optional<Consumer<RpcParallelException>> onFailure() {
    return Optional.ofNullable(onFailure);
  }

  public Redirect stdout() {
    return stdout;
  }

  public Redirect stderr() {
    return stderr;
  }

  public Launcher launcher() {
    return launcher;
  }

  public ShutdownOn shutdownOn() {
    return shutdownOn;
  }

  public String mainClass() {
    return mainClass;
  }

  /** Builds {@link SpawnOptions}. Not thread-safe. */
  public static final class Builder {
    private String name;
    private final Map<String, String> env = new LinkedHashMap<>();
    private Path workingDirectory;
    private final List<String> jvmOptions = new ArrayList<>(DEFAULT_JVM_OPTIONS);
    private Path javaExecutable;
    private final List<Path> extraClasspath = new ArrayList<>();
    private Duration connectionTimeout = Duration.ofSeconds(10);
    private Duration spawnTimeout;
    private Duration initTimeout;
    private Consumer<RpcParallelException> onFailure;
    private Redirect stdout = Redirect.forward();
    private Redirect stderr = Redirect.forward();
    private Launcher launcher = Launcher.local();
    private ShutdownOn shutdownOn = ShutdownOn.HEARTBEAT_TIMEOUT;
    private String mainClass = WorkerMain.class.getName();

    private Builder() {}

    private Builder(SpawnOptions o) {
      name = o.name;
      env.putAll(o.env);
      workingDirectory = o.workingDirectory;
      jvmOptions.clear();
      jvmOptions.addAll(o.jvmOptions);
      javaExecutable = o.javaExecutable;
      extraClasspath.addAll(o.extraClasspath);
      connectionTimeout = o.connectionTimeout;
      spawnTimeout = o.spawnTimeout;
      initTimeout = o.initTimeout;
      onFailure = o.onFailure;
      stdout = o.stdout;
      stderr = o.stderr;
      launcher = o.launcher;
      shutdownOn = o.shutdownOn;
      mainClass = o.mainClass;
    }

    public Builder name(String name) {
      this.name = Objects.requireNonNull(name);
      return this;
    }

    /** Adds an environment variable for the worker; values reach it unchanged. */
    public Builder env(String key, String value) {
      env.put(Objects.requireNonNull(key), Objects.requireNonNull(value));
      return this;
    }

    public Builder env(Map<String, String> vars) {
      vars.forEach(this::env);
      return this;
    }

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

    public Builder javaExecutable(Path java) {
      this.javaExecutable = Objects.requireNonNull(java);
      return this;
    }

    public Builder addClasspath(Path entry) {
      extraClasspath.add(Objects.requireNonNull(entry));
      return this;
    }

    /** The worker must connect back within this, counted from its launch. */
    public Builder connectionTimeout(Duration d) {
      if (d.isNegative()) {
        throw new IllegalArgumentException("connectionTimeout must not be negative: " + d);
      }
      this.connectionTimeout = d;
      return this;
    }

    /** The worker must have started {@code initWorkerState} within this, counted from its launch. */
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

    public Builder stdout(Redirect r) {
      this.stdout = Objects.requireNonNull(r);
      return this;
    }

    public Builder stderr(Redirect r) {
      this.stderr = Objects.requireNonNull(r);
      return this;
    }

    public Builder launcher(Launcher l) {
      this.launcher = Objects.requireNonNull(l);
      return this;
    }

    public Builder shutdownOn(ShutdownOn s) {
      this.shutdownOn = Objects.requireNonNull(s);
      return this;
    }

    /** A main class that calls {@link WorkerMain#runIfSpawned()} first (for fat jars, own mains). */
    public Builder mainClass(String className) {
      this.mainClass = Objects.requireNonNull(className);
      return this;
    }

    public SpawnOptions build() {
      return new SpawnOptions(this);
    }
  }
}
