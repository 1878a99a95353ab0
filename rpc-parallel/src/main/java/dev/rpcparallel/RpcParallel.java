package dev.rpcparallel;

import dev.rpcparallel.RpcParallelException.Kind;
import dev.rpcparallel.internal.core.ClientSession;
import dev.rpcparallel.internal.core.HostedWorker;
import dev.rpcparallel.internal.core.Transport;
import dev.rpcparallel.internal.core.WorkerLogImpl;
import dev.rpcparallel.internal.protocol.Auth;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The entry point: one instance per application owns the I/O threads, the handler executor, the
 * settings and the shared secret, and hosts or connects to workers.
 *
 * <pre>{@code
 * try (RpcParallel app = RpcParallel.create()) {
 *   Worker w = app.serve(new SumWorker(), null);
 *   try (Connection c = app.connect(w)) {
 *     long total = c.call(SumWorker.SUM, 42);
 *   }
 * }
 * }</pre>
 *
 * <p><b>Threading</b>: thread-safe. <b>Lifecycle</b>: {@link #close()} closes every connection
 * and every worker served by this instance, then stops its threads; it is idempotent. There is no
 * global state: several instances may coexist in one JVM (each with its own secret).
 */
public final class RpcParallel implements AutoCloseable {
  private final RpcSettings settings;
  private final byte[] secret;
  private final String bindHost;
  private final String advertiseHost;
  private final ExecutorService executor;
  private final boolean ownsExecutor;
  private final Transport transport;
  private final List<Transport.WorkerServer> served = new CopyOnWriteArrayList<>();
  private final Set<Connection> connections = ConcurrentHashMap.newKeySet();
  private final Map<String, WorkerSpec<?, ?, ?, ?>> specs = new ConcurrentHashMap<>();
  private volatile boolean closed;
  private final Spawner spawner = new Spawner(this);

  private RpcParallel(Builder b) {
    RpcSettings base = b.settings != null ? b.settings : RpcSettings.defaults();
    this.settings = base.withOverrides(b.environment != null ? b.environment : System.getenv());
    this.secret = b.secret != null ? b.secret.clone() : Auth.newSecret();
    this.bindHost = b.bindHost;
    this.advertiseHost = b.advertiseHost != null ? b.advertiseHost : b.bindHost;
    this.ownsExecutor = b.executor == null;
    this.executor = ownsExecutor ? Executors2.defaultHandlerExecutor() : b.executor;
    this.transport = new Transport(b.ioThreads, executor);
  }

  /** An instance with default settings (plus any {@value RpcSettings#ENV_VAR} override). */
  public static RpcParallel create() {
    return builder().build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The effective settings: the builder's values with the environment override applied. */
  public RpcSettings settings() {
    return settings;
  }

  /**
   * Hosts a worker inside this JVM on a new port (same protocol and codecs as a spawned worker)
   * and returns its handle once {@code initWorkerState} has returned.
   *
   * @throws RpcParallelException of kind {@code SPAWN_FAILED} if the init argument cannot be
   *     encoded or {@code initWorkerState} throws (its text is in the message)
   */
  public <A, S> Worker serve(WorkerSpec<A, S, ?, ?> spec, A initArg) {
    checkOpen();
    Objects.requireNonNull(spec, "spec");
    String specClass = spec.getClass().getName();
    UUID id = UUID.randomUUID();
    WorkerLogImpl log = new WorkerLogImpl(id.toString());
    AtomicReference<Worker> handle = new AtomicReference<>();
    WorkerContext context = new HostedContext(handle, log, RpcParallel.this);
    S state;
    try {
      // Round-trip the argument through its codec so served and spawned workers behave alike.
      A arg = spec.initArgCodec().fromBytes(spec.initArgCodec().toBytes(initArg));
      state = spec.initWorkerState(arg, context);
    } catch (Exception e) {
      throw new RpcParallelException(Kind.SPAWN_FAILED, "initWorkerState of " + specClass + " failed: " + e, e);
    }
    AtomicReference<Transport.WorkerServer> server = new AtomicReference<>();
    Runnable stop = () -> {
      Transport.WorkerServer s = server.get();
      s.closeListener();
      s.worker().closeConnections("worker shut down");
      served.remove(s);
    };
    return host(spec, state, id, null, log, context, handle, server, stop).handle();
  }

  /** A hosted worker: its handle and its server-side state. */
  record Hosted(Worker handle, HostedWorker hosted) {}

  /** Builds the table, starts listening, returns the handle. Shared by serve, spawn and the worker main. */
  <S, T> Hosted host(
      WorkerSpec<?, S, ?, T> spec,
      S state,
      UUID id,
      String name,
      WorkerLogImpl log,
      WorkerContext context,
      AtomicReference<Worker> handle,
      AtomicReference<Transport.WorkerServer> server,
      Runnable shutdown) {
    Implementations<S, T> table = new Implementations<>();
    spec.implement(table);
    Builtins.addTo(table, log, server, settings, shutdown);
    String nameOrId = name != null ? name : id.toString();
    HostedWorker hosted =
        new HostedWorker(id, nameOrId, spec, state, table.bindings(), secret, settings, executor, context);
    Transport.WorkerServer s = transport.listen(hosted, bindHost, 0);
    server.set(s);
    served.add(s);
    specs.putIfAbsent(spec.getClass().getName(), spec);
    Worker w = new Worker(id, name, advertiseHost, s.port(), spec.getClass().getName(), settings, secret);
    handle.set(w);
    return new Hosted(w, hosted);
  }

  byte[] secret() {
    return secret;
  }

  // ---- spawning ----

  /**
   * Starts a worker JVM running {@code spec} (a class with a public no-argument constructor, on
   * the master's class path) and returns its handle once {@code initWorkerState} has returned in
   * it. The options' {@link ShutdownOn} must not be {@code CONNECTION_CLOSED} (use {@link
   * #spawnAndConnect}).
   *
   * @throws RpcParallelException {@code SPAWN_FAILED} (bad working directory, the JVM refused
   *     its options, missing spec class, init threw: the message holds the reason, the exit
   *     status and the worker's stderr lines prefixed {@code [WORKER name STDERR]}) or {@code
   *     SPAWN_TIMEOUT}; in every case the child process is gone when this throws
   */
  public <A> Worker spawn(WorkerSpec<A, ?, ?, ?> spec, A initArg, SpawnOptions options) {
    checkOpen();
    if (options.shutdownOn() == ShutdownOn.CONNECTION_CLOSED) {
      throw new IllegalArgumentException("ShutdownOn.CONNECTION_CLOSED needs a connection: use spawnAndConnect");
    }
    return spawner.spawn(spec, initArg, options, false).handle;
  }

  /** {@link #spawn} with default options ({@link ShutdownOn#HEARTBEAT_TIMEOUT}). */
  public <A> Worker spawn(WorkerSpec<A, ?, ?, ?> spec, A initArg) {
    return spawn(spec, initArg, SpawnOptions.defaults());
  }

  /** {@link #spawn} on a library thread. */
  public <A> CompletableFuture<Worker> spawnAsync(WorkerSpec<A, ?, ?, ?> spec, A initArg, SpawnOptions options) {
    return CompletableFuture.supplyAsync(() -> spawn(spec, initArg, options), executor);
  }

  /**
   * Starts a worker that exits when the returned connection closes ({@link
   * ShutdownOn#CONNECTION_CLOSED}, whatever the options say). If connecting fails (for example
   * {@code initConnectionState} throws), the worker exits and this throws.
   */
  public <A, C> Connection spawnAndConnect(WorkerSpec<A, ?, C, ?> spec, A initArg, C connectionArg, SpawnOptions options) {
    checkOpen();
    SpawnOptions o = options.toBuilder().shutdownOn(ShutdownOn.CONNECTION_CLOSED).build();
    Spawner.Child child = spawner.spawn(spec, initArg, o, false);
    try {
      return connect(child.handle, connectionArg);
    } catch (RuntimeException e) {
      child.process.destroy(); // it would exit by itself later; do not leave it waiting
      throw e;
    }
  }

  public <A, C> CompletableFuture<Connection> spawnAndConnectAsync(
      WorkerSpec<A, ?, C, ?> spec, A initArg, C connectionArg, SpawnOptions options) {
    return CompletableFuture.supplyAsync(() -> spawnAndConnect(spec, initArg, connectionArg, options), executor);
  }

  /**
   * Starts a worker as a plain child process whose stdout and stderr the caller reads; the
   * caller must wait for the process and close its streams. Redirect options are ignored.
   */
  public <A> ForegroundWorker spawnInForeground(WorkerSpec<A, ?, ?, ?> spec, A initArg, SpawnOptions options) {
    checkOpen();
    Spawner.Child c = spawner.spawn(spec, initArg, options, true);
    return new ForegroundWorker(c.handle, c.process);
  }

  /** {@link #spawnInForeground} on a library thread. */
  public <A> CompletableFuture<ForegroundWorker> spawnInForegroundAsync(
      WorkerSpec<A, ?, ?, ?> spec, A initArg, SpawnOptions options) {
    return CompletableFuture.supplyAsync(() -> spawnInForeground(spec, initArg, options), executor);
  }

  /**
   * Tells a worker to shut down (it exits with status 0). The future completes once the request
   * is written; watch {@link #onExit} for the exit itself (workers this instance started).
   */
  public CompletableFuture<Void> shutdown(Worker worker) {
    checkOpen();
    return sendShutdown(worker);
  }

  /** Also used while closing, when the instance no longer takes new work. */
  CompletableFuture<Void> sendShutdown(Worker worker) {
    return open(worker, new byte[0], true)
        .thenCompose(c -> c.sendAsync(Builtins.SHUTDOWN, null).whenComplete((ok, e) -> c.close()));
  }

  /** Shuts down every live worker this instance spawned, killing those still alive after 5 s. */
  public void shutdownAll() {
    spawner.shutdownAll();
  }

  /** Completes with the exit status of a worker this instance spawned. */
  public CompletableFuture<Integer> onExit(Worker worker) {
    return spawner.onExit(worker);
  }

  /** Connects to a worker whose connection argument is {@code null} (e.g. a {@link SimpleWorkerSpec}). */
  public Connection connect(Worker worker) {
    return connect(worker, null);
  }

  /**
   * Connects to {@code worker}, authenticates, and runs its {@code initConnectionState} with
   * {@code connectionArg}. The argument is encoded with the worker spec's connection-arg codec
   * (the spec class must be loadable here).
   *
   * @throws RpcParallelException {@code CONNECT_FAILED} if the worker cannot be reached or has
   *     closed its server, {@code AUTHENTICATION_FAILED} on a secret mismatch
   * @throws RemoteException if {@code initConnectionState} threw
   */
  public <C> Connection connect(Worker worker, C connectionArg) {
    return Futures.await(connectAsync(worker, connectionArg));
  }

  @SuppressWarnings("unchecked")
  public <C> CompletableFuture<Connection> connectAsync(Worker worker, C connectionArg) {
    checkOpen();
    byte[] arg;
    try {
      WorkerSpec<?, ?, C, ?> spec = (WorkerSpec<?, ?, C, ?>) specFor(worker.specClass());
      arg = spec.connectionArgCodec().toBytes(connectionArg);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    return open(worker, arg, false);
  }

  /**
   * A connection that skips {@code initConnectionState} and may only call built-in functions
   * (shutdown, settings, log): for managing a worker whose connection argument we do not have.
   */
  CompletableFuture<Connection> connectControl(Worker worker) {
    checkOpen();
    return open(worker, new byte[0], true);
  }

  private CompletableFuture<Connection> open(Worker worker, byte[] arg, boolean control) {
    ClientSession.Target target = new ClientSession.Target(
        worker.id(), worker.nameOrId(), worker.host() + ":" + worker.port(), worker.secret(), arg, control);
    return transport
        .connect(worker.host(), worker.port(), worker.settings(), target)
        .thenApplyAsync(
            session -> {
              DefaultConnection c = new DefaultConnection(session, worker, executor);
              connections.add(c);
              session.whenClosed().thenRun(() -> connections.remove(c));
              if (closed && !control) {
                c.close(); // connected while closing; control connections still serve close()
              }
              return (Connection) c;
            },
            executor);
  }

  private WorkerSpec<?, ?, ?, ?> specFor(String className) {
    WorkerSpec<?, ?, ?, ?> known = specs.get(className);
    if (known != null) {
      return known;
    }
    try {
      ClassLoader loader = Thread.currentThread().getContextClassLoader();
      Class<?> c = Class.forName(className, false, loader != null ? loader : RpcParallel.class.getClassLoader());
      if (!WorkerSpec.class.isAssignableFrom(c)) {
        throw new RpcParallelException(Kind.CONNECT_FAILED, "worker handle names " + className + ", which is not a WorkerSpec");
      }
      WorkerSpec<?, ?, ?, ?> spec = (WorkerSpec<?, ?, ?, ?>) c.getConstructor().newInstance();
      specs.putIfAbsent(className, spec);
      return spec;
    } catch (ReflectiveOperationException | ClassCastException | LinkageError e) {
      throw new RpcParallelException(Kind.CONNECT_FAILED,
          "cannot instantiate worker spec " + className + " (needs a public no-argument constructor): " + e, e);
    }
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("this RpcParallel instance is closed");
    }
  }

  /**
   * Closes all connections and served workers, ends spawned workers that must not outlive it
   * (all but {@link ShutdownOn#CALLED_SHUTDOWN_FUNCTION}: each is asked to shut down and given
   * up to 5 s to exit with status 0; then its stdin is closed and it is reaped, killed if need
   * be; workers still starting get EOF on stdin at once), then stops the I/O threads.
   * Idempotent.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    for (Connection c : connections) {
      c.close();
    }
    spawner.close();
    for (Transport.WorkerServer s : served) {
      s.closeListener();
      s.worker().closeConnections("worker shut down");
    }
    transport.shutdown();
    if (ownsExecutor) {
      executor.shutdownNow();
      try {
        executor.awaitTermination(2, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Configures an {@link RpcParallel}. Not thread-safe. */
  public static final class Builder {
    private RpcSettings settings;
    private Map<String, String> environment;
    private byte[] secret;
    private ExecutorService executor;
    private int ioThreads = Math.max(1, Math.min(2, Runtime.getRuntime().availableProcessors()));
    private String bindHost = "127.0.0.1";
    private String advertiseHost;

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

    /** The shared secret (at least 16 bytes); default: 32 random bytes. */
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

    /** Address worker servers listen on (default {@code 127.0.0.1}: loopback only). */
    public Builder bindHost(String host) {
      this.bindHost = Objects.requireNonNull(host);
      return this;
    }

    /** Host put in worker handles (default: the bind host). */
    public Builder advertiseHost(String host) {
      this.advertiseHost = Objects.requireNonNull(host);
      return this;
    }

    /**
     * @throws IllegalArgumentException if {@value RpcSettings#ENV_VAR} is malformed
     */
    public RpcParallel build() {
      return new RpcParallel(this);
    }
  }
}
