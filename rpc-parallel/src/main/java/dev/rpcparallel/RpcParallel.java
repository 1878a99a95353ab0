package dev.rpcparallel;

import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Function;

/**
 * The entry point: one instance per application owns the I/O threads, the handler executor, the
 * settings and the application secret, and hosts, spawns or connects to workers.
 *
 * <pre>{@code
 * try (RpcParallel app = RpcParallel.create()) {
 *   Worker<SumWorker> w = app.spawn(new SumWorker(), null);
 *   try (Connection<SumWorker> c = app.connect(w)) {
 *     long total = c.call(SumWorker.SUM, 42);
 *   }
 * }
 * }</pre>
 *
 * <p><b>Typing</b>: handles, connections and functions carry their worker type {@code W} (the
 * spec class), so calling another worker type's function, or connecting with the wrong
 * connection argument, does not compile.
 *
 * <p><b>Threading</b>: thread-safe. <b>Lifecycle</b>: {@link #close()} closes every connection,
 * ends the spawned workers that must not outlive it and every worker served by this instance,
 * then stops its threads; it is idempotent. There is no global state: several instances may
 * coexist in one JVM (each with its own secret).
 */
public final class RpcParallel implements AutoCloseable {
  /** The engine, found at run time (see {@link EngineProvider}): this class only delegates. */
  private final EngineProvider.AppEngine engine;

  private RpcParallel(Builder b) {
    RpcSettings base = b.settings != null ? b.settings : RpcSettings.defaults();
    RpcSettings settings = base.withOverrides(b.environment != null ? b.environment : System.getenv());
    this.engine = EngineProvider.provider().start(new EngineProvider.Config(this, settings, b.secret, b.executor, b.ioThreads,
        b.bindHost, b.advertiseHost != null ? b.advertiseHost : b.bindHost, b.inMemory, b.timers, b.eventListener,
        b.spareCount, b.spareOptions));
  }

  /** An instance with default settings (plus any {@value RpcSettings#ENV_VAR} override). */
  public static RpcParallel create() {
    return builder().build();
  }

  /**
   * A builder with the defaults: {@link RpcSettings#defaults()}, the process environment for the
   * override, a random secret, the library's handler executor, up to 2 I/O threads, and sockets
   * bound to {@code 127.0.0.1}.
   */
  public static Builder builder() {
    return new Builder();
  }

  /** The effective settings: the builder's values with the environment override applied. */
  public RpcSettings settings() {
    return engine.settings();
  }

  /**
   * Hosts a worker inside this JVM (same protocol and codecs as a spawned worker) and returns its
   * handle once {@code initWorkerState} has returned. The worker lives until {@link #close()} or
   * {@link #shutdown(Worker)}.
   *
   * @throws RpcParallelException of kind {@code SPAWN_FAILED} if the init argument cannot be
   *     encoded or {@code initWorkerState} throws (its text is in the message)
   */
  public <W extends WorkerSpec<A, ?, ?, ?>, A> Worker<W> serve(W spec, A initArg) {
    Objects.requireNonNull(spec, "spec");
    return engine.serve(spec, initArg);
  }

  /**
   * Starts a worker JVM running {@code spec} (a public class with a public no-argument
   * constructor, on the master's class path) and returns its handle once {@code
   * initWorkerState} has returned in it. The options' {@link ShutdownOn} must not be {@code
   * CONNECTION_CLOSED} (use {@link #spawnAndConnect}).
   *
   * <p>Timing: the worker must connect back within the connection timeout and start {@code
   * initWorkerState} within the spawn timeout; {@code initWorkerState} itself has no limit unless
   * {@link SpawnOptions.Builder#initTimeout} sets one (as in the original).
   *
   * @throws RpcParallelException {@code SPAWN_FAILED} (bad working directory, the JVM refused
   *     its options, missing spec class, init threw: the message holds the reason, the exit
   *     status and the worker's last output lines prefixed {@code [WORKER name STDOUT]} or {@code
   *     [WORKER name STDERR]}) or {@code SPAWN_TIMEOUT}; in every case the child process is gone
   *     when this throws
   * @throws IllegalArgumentException if the options' {@link ShutdownOn} is {@code
   *     CONNECTION_CLOSED}
   * @throws IllegalStateException if this instance is closed or in-memory
   */
  public <W extends WorkerSpec<A, ?, ?, ?>, A> Worker<W> spawn(W spec, A initArg, SpawnOptions options) {
    Objects.requireNonNull(spec, "spec");
    Objects.requireNonNull(options, "options");
    if (options.shutdownOn() == ShutdownOn.CONNECTION_CLOSED) {
      throw new IllegalArgumentException("ShutdownOn.CONNECTION_CLOSED needs a connection: use spawnAndConnect");
    }
    return engine.spawn(spec, initArg, options);
  }

  /** {@link #spawn} with default options ({@link ShutdownOn#HEARTBEAT_TIMEOUT}). */
  public <W extends WorkerSpec<A, ?, ?, ?>, A> Worker<W> spawn(W spec, A initArg) {
    return spawn(spec, initArg, SpawnOptions.defaults());
  }

  /** {@link #spawn} on a library thread. */
  public <W extends WorkerSpec<A, ?, ?, ?>, A> CompletableFuture<Worker<W>> spawnAsync(
      W spec, A initArg, SpawnOptions options) {
    return CompletableFuture.supplyAsync(() -> spawn(spec, initArg, options), engineExecutor());
  }

  /**
   * Starts a worker that exits when the returned connection closes ({@link
   * ShutdownOn#CONNECTION_CLOSED}, whatever the options say). The returned connection is the one
   * the worker opened to this instance when it started, turned around: a spawn makes one
   * authenticated connection, not two. The worker still listens: {@link #connect} with {@code
   * connection.worker()} opens more connections, which end when the worker exits, that is when
   * the returned connection closes (they close with "worker shut down"). On the worker's side,
   * {@link ConnectionContext#remoteAddress()} of the returned connection is the address of this
   * instance's master server, not of a client socket. If connecting fails (for example {@code
   * initConnectionState} throws), the worker exits by itself (status 254; it is killed if it has
   * not within 5 s) and this throws that failure, with how the worker ended as its one suppressed
   * exception.
   *
   * <p>The connection argument is encoded first: if its codec throws, that exception is thrown
   * and no worker is started; if it is over {@link RpcSettings#maxMessageSize()} (less 64 bytes),
   * this throws {@link RpcParallelException} {@code CONNECT_FAILED} and no worker is started. If
   * this instance is closed while the worker starts, this throws {@link RpcParallelException}
   * {@code SPAWN_FAILED} "worker &lt;name&gt; did not start: this RpcParallel instance was closed
   * meanwhile" and {@code close()} ends the worker.
   */
  public <W extends WorkerSpec<A, ?, C, ?>, A, C> Connection<W> spawnAndConnect(
      W spec, A initArg, C connectionArg, SpawnOptions options) {
    Objects.requireNonNull(spec, "spec");
    Objects.requireNonNull(options, "options");
    SpawnOptions o = options.toBuilder().shutdownOn(ShutdownOn.CONNECTION_CLOSED).build();
    return engine.spawnAndConnect(spec, initArg, connectionArg, o);
  }

  /**
   * {@link #spawnAndConnect} on a library thread (the handler executor); the future completes
   * with the connection, or fails with what {@code spawnAndConnect} would throw.
   */
  public <W extends WorkerSpec<A, ?, C, ?>, A, C> CompletableFuture<Connection<W>> spawnAndConnectAsync(
      W spec, A initArg, C connectionArg, SpawnOptions options) {
    return CompletableFuture.supplyAsync(() -> spawnAndConnect(spec, initArg, connectionArg, options), engineExecutor());
  }

  /**
   * Starts a worker as a plain child process whose stdout and stderr the caller reads; the caller
   * must wait for the process and close its streams (or close the returned {@link
   * ForegroundWorker}). Redirect options are ignored.
   */
  public <W extends WorkerSpec<A, ?, ?, ?>, A> ForegroundWorker<W> spawnInForeground(W spec, A initArg, SpawnOptions options) {
    Objects.requireNonNull(spec, "spec");
    Objects.requireNonNull(options, "options");
    if (options.shutdownOn() == ShutdownOn.CONNECTION_CLOSED) {
      throw new IllegalArgumentException("ShutdownOn.CONNECTION_CLOSED needs a connection: use spawnAndConnect");
    }
    return engine.spawnInForeground(spec, initArg, options);
  }

  /** {@link #spawnInForeground} on a library thread. */
  public <W extends WorkerSpec<A, ?, ?, ?>, A> CompletableFuture<ForegroundWorker<W>> spawnInForegroundAsync(
      W spec, A initArg, SpawnOptions options) {
    return CompletableFuture.supplyAsync(() -> spawnInForeground(spec, initArg, options), engineExecutor());
  }

  /**
   * Tells a worker to shut down (a spawned worker exits with status 0; a served one stops
   * listening and closes its connections). The future completes once the request is written;
   * watch {@link #onExit} for the exit itself (workers this instance started).
   */
  public CompletableFuture<Void> shutdown(Worker<?> worker) {
    try {
      return engine.shutdown(worker);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /**
   * Retires the credentials of {@code worker}: the worker refuses every handle of it issued so
   * far (and closes the connections they opened, reason {@code "credential retired"}), and the
   * returned handle, of the next generation, is the one that works. For a handle that leaked.
   * Only an application holding the worker's application secret can do this (the order is signed
   * with it). From then on this instance uses the new generation when it shuts the worker down
   * ({@link #shutdown} with any of its handles, {@link #shutdownAll}, {@link #close}) and in
   * {@link #issueHandle}; other handles of the old generation are refused, also in this instance's
   * {@link #connect}.
   */
  public <W extends WorkerSpec<?, ?, ?, ?>> CompletableFuture<Worker<W>> retireCredentials(Worker<W> worker) {
    return engine.retireCredentials(worker);
  }

  /**
   * A handle of {@code worker} that stops working at {@code expiresAt}: to give a third party
   * access for a while. Connections already open when it expires stay open.
   *
   * @throws IllegalArgumentException if {@code worker} does not belong to this application (its
   *     credential was not made with this instance's secret)
   */
  public <W extends WorkerSpec<?, ?, ?, ?>> Worker<W> issueHandle(Worker<W> worker, java.time.Instant expiresAt) {
    return engine.issueHandle(worker, expiresAt);
  }

  /**
   * How many spare worker JVMs ({@link Builder#spareWorkers}) a spawn could take now: started,
   * warmed up and connected to this instance, and not taken yet. 0 without spares. For an
   * application that wants its spares ready before a burst of spawns that must start fast (poll
   * it), and for monitoring. Thread-safe; the answer may be stale by the time it is used.
   */
  public int readySpareWorkers() {
    return engine.readySpareWorkers();
  }

  /** Shuts down every live worker this instance spawned, killing those still alive after 5 s. */
  public void shutdownAll() {
    engine.shutdownAll();
  }

  /**
   * Completes with the exit status of a worker this instance spawned; fails with {@link
   * IllegalArgumentException} for other workers.
   */
  public CompletableFuture<Integer> onExit(Worker<?> worker) {
    return engine.onExit(worker);
  }

  /** Connects to a worker whose connection argument is {@code Void} (e.g. a {@link SimpleWorkerSpec}). */
  public <W extends WorkerSpec<?, ?, Void, ?>> Connection<W> connect(Worker<W> worker) {
    return connect(worker, null);
  }

  /**
   * Connects to {@code worker}, authenticates, and runs its {@code initConnectionState} with
   * {@code connectionArg}.
   *
   * @throws RpcParallelException {@code CONNECT_FAILED} if the worker cannot be reached or has
   *     closed its server, {@code AUTHENTICATION_FAILED} if the handle's credential is refused
   * @throws RemoteException if {@code initConnectionState} threw
   */
  public <W extends WorkerSpec<?, ?, C, ?>, C> Connection<W> connect(Worker<W> worker, C connectionArg) {
    return engine.connect(worker, connectionArg);
  }

  /**
   * {@link #connectAsync(Worker, Object)} for workers whose connection argument is {@code Void}.
   */
  public <W extends WorkerSpec<?, ?, Void, ?>> CompletableFuture<Connection<W>> connectAsync(Worker<W> worker) {
    return connectAsync(worker, null);
  }

  /**
   * {@link #connect(Worker, Object)} without blocking the caller. The future completes on the
   * handler executor with the open connection, or fails with what {@code connect} would throw:
   * an {@link IllegalStateException} if this instance is closed, an {@link RpcParallelException}
   * ({@code CONNECT_FAILED}, {@code AUTHENTICATION_FAILED}), or the {@link RemoteException} of
   * {@code initConnectionState}.
   */
  public <W extends WorkerSpec<?, ?, C, ?>, C> CompletableFuture<Connection<W>> connectAsync(Worker<W> worker, C connectionArg) {
    return engine.connectAsync(worker, connectionArg);
  }

  /**
   * Connects, runs {@code body} with the connection, and closes the connection however {@code
   * body} ends (the original's {@code with_client}). Streams opened in {@code body} end with it.
   *
   * @return what {@code body} returned
   */
  public <W extends WorkerSpec<?, ?, C, ?>, C, R> R withConnection(
      Worker<W> worker, C connectionArg, Function<? super Connection<W>, ? extends R> body) {
    try (Connection<W> c = connect(worker, connectionArg)) {
      return body.apply(c);
    }
  }

  /** {@link #withConnection(Worker, Object, Function)} for workers whose connection argument is {@code Void}. */
  public <W extends WorkerSpec<?, ?, Void, ?>, R> R withConnection(Worker<W> worker, Function<? super Connection<W>, ? extends R> body) {
    return withConnection(worker, null, body);
  }

  /** The library's threads; on a closed instance, the async forms throw as their blocking forms do. */
  private Executor engineExecutor() {
    ExecutorService threads = engine.executor();
    return task -> {
      try {
        threads.execute(task);
      } catch (RejectedExecutionException closed) {
        throw new IllegalStateException("this RpcParallel instance is closed", closed);
      }
    };
  }

  /**
   * Closes all connections and served workers, ends spawned workers that must not outlive it
   * (all but {@link ShutdownOn#CALLED_SHUTDOWN_FUNCTION}: each is asked to shut down and given
   * up to 5 s to exit with status 0; then its stdin is closed and it is reaped, killed if need
   * be; workers still starting get EOF on stdin at once), then stops the I/O threads.
   * Idempotent. A spawn still in progress on another thread throws {@link RpcParallelException}
   * {@code SPAWN_FAILED} "worker &lt;name&gt; did not start: this RpcParallel instance was closed
   * meanwhile" (or {@link IllegalStateException} if it had not got that far), and its worker
   * process, if one started, is ended too.
   */
  @Override
  public void close() {
    engine.close();
  }

  /** Runs this JVM as a spawned worker; returns its exit status. For {@link WorkerMain}. */
  static int runSpawnedWorker() {
    return EngineProvider.provider().runSpawnedWorker();
  }

  /** For {@link EngineProvider}. */
  EngineProvider.AppEngine engine() {
    return engine;
  }

  /** Configures an {@link RpcParallel}. Not thread-safe. */
  public static final class Builder {
    private RpcSettings settings;
    private Map<String, String> environment;
    private byte[] secret;
    private ExecutorService executor;
    private ScheduledExecutorService timers;
    private int ioThreads = Math.max(1, Math.min(2, Runtime.getRuntime().availableProcessors()));
    private String bindHost = "127.0.0.1";
    private String advertiseHost;
    private boolean inMemory;
    private int spareCount;
    private SpawnOptions spareOptions;
    private EventListener eventListener = EventListener.NONE;

    private Builder() {}

    /** The application's settings; the environment override still applies per field. */
    public Builder settings(RpcSettings settings) {
      this.settings = Objects.requireNonNull(settings);
      return this;
    }

    /** The environment read for {@value RpcSettings#ENV_VAR} (default: {@link System#getenv()}). */
    public Builder environment(Map<String, String> environment) {
      this.environment = Map.copyOf(environment);
      return this;
    }

    /** The application secret (at least 16 bytes); default: 32 random bytes. */
    public Builder secret(byte[] secret) {
      if (secret.length < 16) {
        throw new IllegalArgumentException("secret must be at least 16 bytes, got " + secret.length);
      }
      this.secret = secret.clone();
      return this;
    }

    /**
     * Where handlers and callbacks run (default: virtual threads on JDK 21+, else a pool that
     * adds a thread whenever all are busy, so blocking handlers never starve each other, and
     * otherwise queues to its running threads). Handlers may block; the executor must not bound
     * the number of tasks running at once, or handlers that wait for each other can deadlock.
     * The caller keeps ownership: {@link RpcParallel#close()} does not shut it down.
     */
    public Builder executor(ExecutorService executor) {
      this.executor = Objects.requireNonNull(executor);
      return this;
    }

    /** Number of I/O threads (default: min(2, cores)). */
    public Builder ioThreads(int n) {
      if (n < 1) {
        throw new IllegalArgumentException("ioThreads must be >= 1");
      }
      this.ioThreads = n;
      return this;
    }

    /**
     * Address the servers of this instance listen on: workers it {@linkplain RpcParallel#serve
     * serves}, and the master server its local workers connect to (default {@code 127.0.0.1}:
     * loopback only). A listener on any other address speaks only TLS 1.3 with mutual
     * authentication by the application's certificate (docs/REMOTE.md). Workers spawned on
     * other hosts reach the master through {@link SshLauncher}'s own listener.
     */
    public Builder bindHost(String host) {
      this.bindHost = Objects.requireNonNull(host);
      return this;
    }

    /** Host put in the handles of workers this instance serves (default: the bind host). */
    public Builder advertiseHost(String host) {
      this.advertiseHost = Objects.requireNonNull(host);
      return this;
    }

    /**
     * No sockets: workers {@linkplain #serve served} by the instance are reached through links
     * in memory, which still encode, copy and decode every value and run the same handshake,
     * heartbeats and flow control. Such workers can be reached only from this instance, and it
     * cannot spawn. For tests (see the {@code rpc-parallel-testing} artifact) and for embedding.
     */
    public Builder inMemory() {
      this.inMemory = true;
      return this;
    }

    /**
     * Keeps {@code count} spare worker JVMs, started with {@code options} when the instance is
     * built, so that a {@link RpcParallel#spawn spawn} takes one instead of starting a JVM. All
     * start at once, in the background; each then warms itself up, builds its application and
     * connects to this instance's master server, and is <em>ready</em> from then on (a
     * core-second or more after it started). A spawn takes the oldest ready spare: the spare
     * reads the spawn's bootstrap, loads the spec class, runs {@code initWorkerState} and
     * registers over the connection it already has, in tens of milliseconds rather than the few
     * hundred a JVM takes to start (docs/PERFORMANCE.md). A spawn that finds no ready spare starts
     * a JVM of its own. Each spare taken is replaced by a new one, started 250 ms later; a spare
     * found dead when a spawn looks is replaced too (and logged at WARN); a spare whose process
     * could not be started at all is logged at WARN and not retried. Nothing waits for the spares: {@link #build()}
     * returns at once. Default: no spares.
     *
     * <p>A spawn takes a spare only when its options start the same process: the same local
     * launcher, {@code javaExecutable}, {@code jvmOptions}, {@code extraClasspath}, {@code
     * mainClass}, {@code env} and {@code workingDirectory}, and {@code stdout} and {@code stderr}
     * both as the spares' (forwarded or discarded: spares cannot redirect to files); and the spec
     * class must load from the master's class path. Its name, timeouts, {@code shutdownOn},
     * {@code classDataSharing}, {@code onFailure} and init argument may be anything (spares map
     * the class-data archive if there is one, but never write it). So may its listen and
     * advertise addresses, but if they differ from {@code options}' the spare drops the
     * application and connection it prepared and makes them anew, as a new JVM does. Other
     * spawns, remote ones and {@link RpcParallel#spawnInForeground} start a JVM as usual. A
     * worker made from a spare shows {@code -Ddev.rpcparallel.spare=true} in {@code ps}, and the
     * spares' name if {@code options} has one. The spawn's timeouts count from the spawn call.
     *
     * <p>Spares follow the orphan rule of every local worker: end of file on stdin ends them,
     * with status 0 (once their warm-up is over). So they exit when {@link RpcParallel#close()}
     * closes their stdin (it waits for them up to its grace period, then kills them), and when
     * the master JVM dies, however it dies; a shutdown hook kills them too. Each costs what an
     * idle worker does (about 60–100 MiB of memory, see docs/PERFORMANCE.md) plus one idle,
     * heartbeating connection to the master, and the CPU of its start-up and warm-up.
     *
     * <p>{@link #build()} throws {@link IllegalArgumentException} if {@code options} name a
     * remote launcher, and {@link IllegalStateException} for an {@link #inMemory()} instance.
     *
     * @param count how many spares to keep (0 for none)
     * @param options how to start them: a spawn with equal options (see above) takes a spare
     * @throws IllegalArgumentException if {@code count} is negative, or {@code options} redirect
     *     {@code stdout} or {@code stderr} to a file
     */
    public Builder spareWorkers(int count, SpawnOptions options) {
      if (count < 0) {
        throw new IllegalArgumentException("spare worker count must be >= 0: " + count);
      }
      Objects.requireNonNull(options, "options");
      if (options.stdout().kind() != Redirect.Kind.FORWARD && options.stdout().kind() != Redirect.Kind.DISCARD
          || options.stderr().kind() != Redirect.Kind.FORWARD && options.stderr().kind() != Redirect.Kind.DISCARD) {
        throw new IllegalArgumentException("spare workers' stdout and stderr must be forwarded or discarded, not redirected to a file");
      }
      this.spareCount = count;
      this.spareOptions = options;
      return this;
    }

    /**
     * Where the timers of in-memory links run (handshake timeouts, heartbeats); default: one
     * daemon thread owned by the instance. A test passes a manual clock here to drive heartbeat
     * timeouts without waiting. The caller keeps ownership. Only used with {@link #inMemory()};
     * socket connections time themselves on their I/O threads.
     */
    public Builder timers(ScheduledExecutorService timers) {
      this.timers = Objects.requireNonNull(timers);
      return this;
    }

    /**
     * Hears this instance's spawns, connections and calls (default {@link EventListener#NONE},
     * which costs nothing). It must be quick, non-blocking and thread-safe: see {@link
     * EventListener} for the threads, the order of events, and what happens when it throws.
     */
    public Builder eventListener(EventListener listener) {
      this.eventListener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /**
     * Creates the instance: applies the {@value RpcSettings#ENV_VAR} override to the settings and
     * sets up its executor and I/O event loops. The caller owns it and must {@link
     * RpcParallel#close()} it.
     *
     * @throws IllegalArgumentException if {@value RpcSettings#ENV_VAR} is malformed
     */
    public RpcParallel build() {
      return new RpcParallel(this);
    }
  }
}
