package dev.rpcparallel;

import java.time.Instant;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;

/**
 * <b>Not for applications: the engine's entry point.</b> Use {@link RpcParallel}; nothing here is
 * needed, or callable, by an application, and it may change in any release without notice (the
 * role of gRPC's {@code @Internal ManagedChannelProvider}, or of a JDBC driver).
 *
 * <p>The library's engine lives in packages this module does not export, and the API does not
 * depend on them. {@link RpcParallel} finds the engine at run time with {@link ServiceLoader}
 * (the module's {@code provides} clause on the module path, {@code
 * META-INF/services/dev.rpcparallel.EngineProvider} on the class path), has it {@linkplain #start
 * start} the engine of each instance, and delegates every operation to it. Every member is
 * protected (or package-private): for the engine, which extends this class, and for the facade in
 * this package (an application cannot call them).
 */
public abstract class EngineProvider {
  private static volatile EngineProvider provider;

  /** For the engine's subclass, which {@link ServiceLoader} makes. */
  protected EngineProvider() {}

  /** Starts the engine of a new {@link RpcParallel} (built as {@code config} says). */
  protected abstract AppEngine start(Config config);

  /**
   * Runs this JVM as a spawned worker: reads the bootstrap from stdin, builds the worker's own
   * {@link RpcParallel} and serves until it must exit; returns the exit status ({@link
   * WorkerMain}).
   */
  protected abstract int runSpawnedWorker();

  /**
   * What {@link RpcParallel.Builder} gives the engine.
   *
   * @param app the facade itself (what {@code WorkerContext.app()} returns)
   * @param settings the effective settings (environment override applied)
   * @param secret the application secret, or null for a random one
   * @param executor where handlers and callbacks run; null: the engine makes (and owns) one
   * @param ioThreads number of I/O threads
   * @param bindHost where worker servers listen
   * @param advertiseHost the host put in handles
   * @param inMemory no sockets: links live in memory
   * @param timers timers of in-memory links; null: the engine makes (and owns) one thread
   * @param eventListener the listener of spawns, connections and calls ({@link EventListener#NONE}: none)
   * @param spareCount how many spare worker JVMs to keep (0: none)
   * @param spareOptions how to start them (null when there are none)
   */
  protected record Config(
      RpcParallel app,
      RpcSettings settings,
      byte[] secret,
      ExecutorService executor,
      int ioThreads,
      String bindHost,
      String advertiseHost,
      boolean inMemory,
      ScheduledExecutorService timers,
      EventListener eventListener,
      int spareCount,
      SpawnOptions spareOptions) {}

  /**
   * The engine of one {@link RpcParallel}: the operations its public methods delegate to, with
   * their contracts (arguments already checked by the facade).
   */
  protected interface AppEngine {
    RpcSettings settings();

    /** The handler executor (it also runs the facade's {@code Async} forms). */
    ExecutorService executor();

    <W extends WorkerSpec<A, ?, ?, ?>, A> Worker<W> serve(W spec, A initArg);

    <W extends WorkerSpec<A, ?, ?, ?>, A> Worker<W> spawn(W spec, A initArg, SpawnOptions options);

    <W extends WorkerSpec<A, ?, ?, ?>, A> ForegroundWorker<W> spawnInForeground(W spec, A initArg, SpawnOptions options);

    /** See {@link RpcParallel#spawnAndConnect}; {@code options} say {@code CONNECTION_CLOSED}. */
    <W extends WorkerSpec<A, ?, C, ?>, A, C> Connection<W> spawnAndConnect(W spec, A initArg, C connectionArg, SpawnOptions options);

    void shutdownAll();

    /** Spare worker JVMs ready to be taken (see {@code RpcParallel.readySpareWorkers}). */
    int readySpareWorkers();

    CompletableFuture<Integer> onExit(Worker<?> worker);

    CompletableFuture<Void> shutdown(Worker<?> worker);

    <W extends WorkerSpec<?, ?, ?, ?>> CompletableFuture<Worker<W>> retireCredentials(Worker<W> worker);

    <W extends WorkerSpec<?, ?, ?, ?>> Worker<W> issueHandle(Worker<W> worker, Instant expiresAt);

    <W extends WorkerSpec<?, ?, C, ?>, C> CompletableFuture<Connection<W>> connectAsync(Worker<W> worker, C connectionArg);

    /** {@link #connectAsync}, waited for, failing as {@link RpcParallel#connect(Worker, Object)} says. */
    <W extends WorkerSpec<?, ?, C, ?>, C> Connection<W> connect(Worker<W> worker, C connectionArg);

    void close();
  }

  // What the engine reads and builds of the API's types beyond their public methods.

  /** A handle with these fields (the credential is not public API). */
  protected static <W extends WorkerSpec<?, ?, ?, ?>> Worker<W> handle(UUID id, String name, String host, int port, boolean tls,
      String specClass, RpcSettings settings, byte[] credential, long generation, long expiresAtMillis) {
    return new Worker<>(id, name, host, port, tls, specClass, settings, credential, generation, expiresAtMillis);
  }

  /** The key that opens {@code worker}. */
  protected static byte[] credential(Worker<?> worker) {
    return worker.credential();
  }

  /** The generation of the handle's credential. */
  protected static long generation(Worker<?> worker) {
    return worker.generation();
  }

  /** When the handle's credential expires (epoch ms), or 0 for never. */
  protected static long expiresAtMillis(Worker<?> worker) {
    return worker.expiresAtMillis();
  }

  /** The host an {@link SshLauncher} reaches (of the engine's {@code type}); empty for other launchers. */
  protected static <T> Optional<T> sshTarget(Launcher launcher, Class<T> type) {
    return launcher instanceof SshLauncher ssh ? Optional.of(type.cast(ssh.target())) : Optional.empty();
  }

  /** Counts what a spawn through an {@link SshLauncher} copied to its host; nothing for other launchers. */
  protected static void copied(Launcher launcher, int files, long bytes) {
    if (launcher instanceof SshLauncher ssh) {
      ssh.copied(files, bytes);
    }
  }

  /** The engine {@code app} delegates to. */
  protected static AppEngine engine(RpcParallel app) {
    return app.engine();
  }

  /**
   * The engine: the first provider {@link ServiceLoader} finds with this class's loader, loaded
   * once.
   *
   * @throws IllegalStateException if there is none (a repackaging that dropped the service file)
   */
  static EngineProvider provider() {
    EngineProvider p = provider;
    if (p == null) {
      synchronized (EngineProvider.class) {
        p = provider;
        if (p == null) {
          p = ServiceLoader.load(EngineProvider.class, EngineProvider.class.getClassLoader()).findFirst()
              .orElseThrow(() -> new IllegalStateException("no rpc-parallel engine found: the service "
                  + EngineProvider.class.getName() + " has no provider (the file META-INF/services/"
                  + EngineProvider.class.getName() + " of the rpc-parallel jar is missing from the class path?)"));
          provider = p;
        }
      }
    }
    return p;
  }
}
