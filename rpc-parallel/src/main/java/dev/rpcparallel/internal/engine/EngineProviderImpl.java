package dev.rpcparallel.internal.engine;

import dev.rpcparallel.Connection;
import dev.rpcparallel.EngineProvider;
import dev.rpcparallel.ForegroundWorker;
import dev.rpcparallel.Launcher;
import dev.rpcparallel.RpcParallel;
import dev.rpcparallel.RpcSettings;
import dev.rpcparallel.SpawnOptions;
import dev.rpcparallel.Worker;
import dev.rpcparallel.WorkerSpec;
import dev.rpcparallel.internal.remote.SshTarget;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;

/**
 * The engine as {@link RpcParallel} finds it: the {@link EngineProvider} this module provides
 * (module-info and {@code META-INF/services}). It starts an {@link Engine} per application, and
 * gives the engine the API's package-private parts of handles through {@link Handles}. Public, with
 * a public no-argument constructor, for {@link java.util.ServiceLoader}.
 */
public final class EngineProviderImpl extends EngineProvider {
  private static final Handles HANDLES = new HandleAccess();

  public EngineProviderImpl() {}

  @Override
  protected AppEngine start(Config c) {
    Engine engine = new Engine(new EngineConfig(c.app(), HANDLES, c.settings(), c.secret(), c.executor(), c.ioThreads(),
        c.bindHost(), c.advertiseHost(), c.inMemory(), c.timers(), c.eventListener()));
    if (c.spareCount() > 0) {
      try {
        engine.spawner().keepSpares(c.spareCount(), c.spareOptions());
      } catch (RuntimeException e) {
        engine.close();
        throw e;
      }
    }
    return new Started(engine);
  }

  @Override
  protected int runSpawnedWorker() {
    RpcParallel[] app = new RpcParallel[1];
    int status = WorkerRuntime.run(p -> {
      app[0] = RpcParallel.builder().settings(p.settings()).environment(Map.of()).secret(p.secret())
          .bindHost(p.bindHost()).advertiseHost(p.advertiseHost()).build();
      return engineOf(app[0]);
    });
    if (app[0] != null) {
      app[0].close();
    }
    return status;
  }

  /** The engine of {@code app} (also for tests that read the engine's state). */
  public static Engine engineOf(RpcParallel app) {
    return ((Started) engine(app)).engine;
  }

  /** An application's engine, behind the facade's interface. */
  private static final class Started implements AppEngine {
    private final Engine engine;

    Started(Engine engine) {
      this.engine = engine;
    }

    @Override
    public RpcSettings settings() {
      return engine.settings();
    }

    @Override
    public ExecutorService executor() {
      return engine.executor();
    }

    @Override
    public <W extends WorkerSpec<A, ?, ?, ?>, A> Worker<W> serve(W spec, A initArg) {
      return engine.serve(spec, initArg);
    }

    @Override
    public <W extends WorkerSpec<A, ?, ?, ?>, A> Worker<W> spawn(W spec, A initArg, SpawnOptions options) {
      return engine.spawner().spawn(spec, initArg, options);
    }

    @Override
    public <W extends WorkerSpec<A, ?, ?, ?>, A> ForegroundWorker<W> spawnInForeground(W spec, A initArg, SpawnOptions options) {
      return engine.spawner().spawnInForeground(spec, initArg, options);
    }

    @Override
    public <W extends WorkerSpec<A, ?, C, ?>, A, C> Connection<W> spawnAndConnect(
        W spec, A initArg, C connectionArg, SpawnOptions options) {
      return engine.spawner().spawnAndConnect(spec, initArg, connectionArg, options);
    }

    @Override
    public void shutdownAll() {
      engine.spawner().shutdownAll();
    }

    @Override
    public int readySpareWorkers() {
      return engine.spawner().readySpares();
    }

    @Override
    public CompletableFuture<Integer> onExit(Worker<?> worker) {
      return engine.spawner().onExit(worker);
    }

    @Override
    public CompletableFuture<Void> shutdown(Worker<?> worker) {
      return engine.shutdown(worker);
    }

    @Override
    public <W extends WorkerSpec<?, ?, ?, ?>> CompletableFuture<Worker<W>> retireCredentials(Worker<W> worker) {
      return engine.retireCredentials(worker);
    }

    @Override
    public <W extends WorkerSpec<?, ?, ?, ?>> Worker<W> issueHandle(Worker<W> worker, Instant expiresAt) {
      return engine.issueHandle(worker, expiresAt);
    }

    @Override
    public <W extends WorkerSpec<?, ?, C, ?>, C> CompletableFuture<Connection<W>> connectAsync(Worker<W> worker, C connectionArg) {
      return engine.connectAsync(worker, connectionArg);
    }

    @Override
    public <W extends WorkerSpec<?, ?, C, ?>, C> Connection<W> connect(Worker<W> worker, C connectionArg) {
      return Errors.await(engine.connectAsync(worker, connectionArg));
    }

    @Override
    public void close() {
      engine.close();
    }
  }

  /** Builds and reads handles for the engine: the credential is not public API. */
  private static final class HandleAccess implements Handles {
    @Override
    public <W extends WorkerSpec<?, ?, ?, ?>> Worker<W> worker(HandleData d) {
      return handle(d.id(), d.name(), d.host(), d.port(), d.tls(), d.specClass(), d.settings(), d.credential(),
          d.generation(), d.expiresAtMillis());
    }

    @Override
    public Optional<SshTarget> sshTarget(Launcher launcher) {
      return EngineProvider.sshTarget(launcher, SshTarget.class);
    }

    @Override
    public void copied(Launcher launcher, int files, long bytes) {
      EngineProvider.copied(launcher, files, bytes);
    }

    @Override
    public HandleData data(Worker<?> w) {
      return new HandleData(w.id(), w.name().orElse(null), w.host(), w.port(), w.usesTls(), w.specClass(), w.settings(), credential(w),
          generation(w), expiresAtMillis(w));
    }
  }
}
