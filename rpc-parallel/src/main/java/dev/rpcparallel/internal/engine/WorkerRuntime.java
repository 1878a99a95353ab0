package dev.rpcparallel.internal.engine;

import dev.rpcparallel.RpcSettings;
import dev.rpcparallel.Worker;
import dev.rpcparallel.WorkerSpec;
import dev.rpcparallel.codec.Codec;
import dev.rpcparallel.codec.Codecs;
import dev.rpcparallel.internal.concurrent.HandlerExecutors;
import dev.rpcparallel.internal.lifecycle.ExitPolicy;
import dev.rpcparallel.internal.protocol.Auth;
import dev.rpcparallel.internal.session.ServerConnection;
import dev.rpcparallel.internal.remote.Addresses;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The life of a spawned worker JVM: read the bootstrap from stdin, connect to the master, tell it
 * init starts, run {@code initWorkerState}, listen, register, and serve until the {@link
 * ExitPolicy} decides. Everything that goes wrong before registering is printed on stderr (which
 * the master shows in the spawn error) and ends the JVM with status 254.
 */
public final class WorkerRuntime {
  /**
   * What the worker's own application is built from.
   *
   * @param settings the application's settings
   * @param secret the application secret
   * @param bindHost where the worker's server listens
   * @param advertiseHost the host in its handle
   */
  public record AppParams(RpcSettings settings, byte[] secret, String bindHost, String advertiseHost) {}

  /**
   * System property of a spare worker JVM: it warms itself up ({@link WarmUp}), then waits on
   * stdin for the bootstrap of the worker it will become; EOF before that ends it quietly.
   */
  public static final String SPARE_PROPERTY = "dev.rpcparallel.spare";

  private final BootstrapConfig config;
  private final PrintStream err = System.err;
  private final CompletableFuture<Integer> exit = new CompletableFuture<>();
  private final ScheduledExecutorService scheduler =
      Executors.newSingleThreadScheduledExecutor(HandlerExecutors.daemonThreads("rpc-parallel-exit"));
  private final ExitPolicy policy;
  private volatile boolean serving;
  private Engine engine;
  private ConnectionImpl<MasterSpec> master;

  private WorkerRuntime(BootstrapConfig config) {
    this.config = config;
    this.policy = new ExitPolicy(config.mode(), config.connectionTimeout(), scheduler, new ExitPolicy.Listener() {
      @Override
      public void exit(int status, String why) {
        if (!ExitPolicy.isOrderly(status, why)) { // a shutdown, or the master closing the initial connection, is silent
          err.println("rpc-parallel worker " + config.nameOrId() + ": " + why + "; exiting with status " + status);
        }
        exit.complete(status);
        if (!serving) {
          // Still starting (e.g. inside initWorkerState): the main thread cannot return yet.
          Thread t = new Thread(() -> System.exit(status), "rpc-parallel-exit-now");
          t.setDaemon(true);
          t.start();
        }
      }

      @Override
      public void halt(int status) {
        Runtime.getRuntime().halt(status);
      }
    });
  }

  /**
   * Runs the worker; returns its exit status once it must exit. The caller closes the worker's
   * application (made by {@code makeApp}) and exits the JVM with that status.
   */
  public static int run(Function<AppParams, Engine> makeApp) {
    boolean spare = Boolean.getBoolean(SPARE_PROPERTY);
    java.io.PushbackInputStream in = new java.io.PushbackInputStream(System.in, 1);
    Prepared prepared = null;
    if (spare) {
      WarmUp.run(makeApp);
      Optional<Prepared> p = prepare(in, makeApp);
      if (p.isEmpty()) {
        return 0; // a spare the master never needed: it closed our stdin
      }
      prepared = p.get();
    }
    BootstrapConfig config;
    try {
      int first = in.read();
      if (first < 0 && spare) {
        prepared.close();
        return 0; // a spare the master never needed: it closed our stdin
      }
      if (first >= 0) {
        in.unread(first);
      }
      config = BootstrapConfig.fromStdin(in);
    } catch (IOException | RuntimeException e) {
      System.err.println("rpc-parallel worker: cannot read its bootstrap from stdin: " + e);
      return ExitPolicy.EXIT_FAILURE;
    }
    WorkerRuntime rt = new WorkerRuntime(config);
    try {
      if (prepared != null && prepared.fits(config)) {
        rt.engine = prepared.engine;
        rt.master = prepared.master; // start() opens another if it has closed
      } else {
        if (prepared != null) {
          prepared.close();
        }
        rt.engine = makeApp.apply(appParams(config));
      }
      return rt.start();
    } catch (Throwable t) {
      t.printStackTrace(rt.err);
      return rt.startupFailed(t.toString());
    }
  }

  private static AppParams appParams(BootstrapConfig config) {
    return new AppParams(config.settings(), config.secret(), config.listen(), advertiseHost(config));
  }

  /**
   * What a spare makes while it waits, from the first of its two bootstraps (the application's
   * secret, settings and master; no spec yet): its application and its connection to the master,
   * opened as spare {@code spareId}. The second bootstrap (the worker it becomes) uses both if it
   * names the same application, master and addresses; else they are closed and made anew.
   */
  private record Prepared(BootstrapConfig first, Engine engine, ConnectionImpl<MasterSpec> master) {
    boolean fits(BootstrapConfig c) {
      return java.util.Arrays.equals(c.secret(), first.secret()) && c.settings().equals(first.settings())
          && c.master().id().equals(first.master().id()) && c.master().host().equals(first.master().host())
          && c.master().port() == first.master().port() && c.listen().equals(first.listen())
          && c.advertise().equals(first.advertise());
    }

    void close() {
      try {
        if (engine != null) {
          engine.close();
        }
      } catch (RuntimeException e) {
        // nothing more to do
      }
    }
  }

  /**
   * Reads a spare's first bootstrap and prepares for the second; empty on EOF (the master does
   * not need this spare) or if it cannot connect to the master (it is then of no use: it exits,
   * and the pool starts another when a spawn finds it dead).
   */
  private static Optional<Prepared> prepare(java.io.PushbackInputStream in, Function<AppParams, Engine> makeApp) {
    BootstrapConfig first;
    try {
      int b = in.read();
      if (b < 0) {
        return Optional.empty();
      }
      in.unread(b);
      first = BootstrapConfig.fromStdin(in);
    } catch (IOException | RuntimeException e) {
      return Optional.empty(); // EOF inside it: the master is gone
    }
    Engine engine = null;
    try {
      engine = makeApp.apply(appParams(first));
      ConnectionImpl<MasterSpec> master =
          Errors.await(engine.open(engine.handles().worker(first.master()), Codecs.UUID.toBytes(first.workerId()), false));
      return Optional.of(new Prepared(first, engine, master));
    } catch (RuntimeException e) {
      // The master never takes a spare that is not connected: end, and let the pool replace it.
      System.err.println("rpc-parallel spare worker: cannot prepare (application, master connection): " + e);
      new Prepared(first, engine, null).close();
      return Optional.empty();
    }
  }

  /** The configured advertise host; else the listen address, or for a wildcard one the address on the route to the master. */
  private static String advertiseHost(BootstrapConfig config) {
    if (!config.advertise().isEmpty()) {
      return config.advertise();
    }
    if (!Addresses.isWildcard(config.listen())) {
      return config.listen();
    }
    return Addresses.routeTo(config.master().host());
  }

  private int start() throws Exception {
    watchStdin();
    if (master == null || master.isClosed()) {
      Worker<MasterSpec> masterHandle = engine.handles().worker(config.master());
      master = Errors.await(engine.open(masterHandle, Codecs.UUID.toBytes(config.workerId()), false));
    }
    master.closedOnLinkThread().thenAccept(policy::masterConnectionClosed);
    Thread.setDefaultUncaughtExceptionHandler((thread, error) -> backgroundFailure(thread, error));
    WorkerSpec<?, ?, ?, ?> spec = instantiate(config.specClass());
    return initAndServe(spec);
  }

  private <A, S, C, T> int initAndServe(WorkerSpec<A, S, C, T> spec) {
    Codec<A> argCodec = spec.initArgCodec();
    A arg = argCodec.fromBytes(config.initArg());
    if (!master.call(MasterSpec.INIT_STARTED)) {
      return startupFailed("the master no longer expects this worker (spawn timed out?)");
    }
    LogHub log = new LogHub(config.nameOrId(), LogCapture.active());
    LogCapture.attach(log);
    HostedContext context = new HostedContext(log, engine.app());
    S state;
    try {
      state = spec.initWorkerState(arg, context);
    } catch (Throwable t) {
      // Print first: the master shows the output it has when the spawn fails.
      startupFailed("initWorkerState failed: " + t);
      master.call(MasterSpec.REGISTER, new MasterSpec.Registration("", 0, false, Optional.of(t.toString())));
      return ExitPolicy.EXIT_FAILURE;
    }
    WorkerHost<S, C, T> host = engine.host(config.workerId(), config.name().orElse(null), spec, state, log, context, true);
    // The master may open the initial connection as soon as it has the registration, before its
    // answer to REGISTER reaches us: the master connection closes only after that answer.
    CompletableFuture<Void> registered = new CompletableFuture<>();
    host.setEvents(new WorkerHost.Events() {
      @Override
      public void opened(ServerConnection connection) {
        if (policy.connectionOpened()) {
          connection.closeFuture().thenAccept(policy::initialConnectionClosed);
          registered.thenRun(master::close); // the initial connection now decides
        }
      }

      @Override
      public void refused() {
        policy.connectionRefused();
      }

      @Override
      public void shutdownRequested() {
        policy.shutdownRequested();
      }
    });
    Worker<?> handle = engine.handle(config.workerId(), config.name().orElse(null), host);
    // From here the main thread reaches its wait for the policy's decision without running user
    // code: an exit decided meanwhile (e.g. the initial connection refused) lets it close the
    // application, which flushes what was sent (the refusal), rather than exiting at once.
    serving = true;
    // TURN: the spawn waits for a connection, and the master connection becomes it (if it closed
    // first, the policy has heard of that already).
    MasterSpec.Answer answer = master.callThenTurn(MasterSpec.REGISTER,
        new MasterSpec.Registration(handle.host(), handle.port(), handle.usesTls(), Optional.empty()),
        a -> a == MasterSpec.Answer.TURN, engine.credential(new Auth.Terms(config.workerId(), 0, 0)),
        link -> engine.turnedServerSession(host, link));
    registered.complete(null);
    if (answer == MasterSpec.Answer.REFUSED) {
      return startupFailed("the master no longer expects this worker (spawn timed out?)");
    }
    policy.serving();
    if (config.mode() == ExitPolicy.Mode.CALLED_SHUTDOWN_FUNCTION) {
      master.close(); // outlives its master by design
    }
    return Errors.await(exit);
  }

  /** A failure of the start-up itself: the main thread returns the status (no policy involved). */
  private int startupFailed(String why) {
    policy.startupFailed(ExitPolicy.EXIT_FAILURE);
    err.println("rpc-parallel worker " + config.nameOrId() + ": " + why + "; exiting with status 254");
    return ExitPolicy.EXIT_FAILURE;
  }

  private static WorkerSpec<?, ?, ?, ?> instantiate(String className) {
    Class<?> c;
    try {
      c = Class.forName(className);
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException("worker spec class " + className + " not found on the worker's class path");
    }
    if (!WorkerSpec.class.isAssignableFrom(c)) {
      throw new IllegalStateException(className + " does not implement WorkerSpec");
    }
    try {
      return c.asSubclass(WorkerSpec.class).getConstructor().newInstance();
    } catch (NoSuchMethodException e) {
      throw new IllegalStateException("worker spec " + className + " has no public no-argument constructor");
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot instantiate worker spec " + className + ": " + e.getCause(), e);
    }
  }

  /** EOF on stdin means the master is gone (local workers). */
  private void watchStdin() {
    Thread t = new Thread(() -> {
      try {
        InputStream in = System.in;
        byte[] buf = new byte[256];
        while (in.read(buf) >= 0) {
          // the master never writes after the bootstrap; read until EOF
        }
      } catch (IOException e) {
        // same as EOF
      }
      policy.stdinClosed();
    }, "rpc-parallel-stdin-watch");
    t.setDaemon(true);
    t.start();
  }

  private void backgroundFailure(Thread thread, Throwable error) {
    err.println("rpc-parallel worker " + config.nameOrId() + ": uncaught exception in thread " + thread.getName() + "; shutting down");
    error.printStackTrace(err);
    try {
      ConnectionImpl<MasterSpec> m = master;
      if (m == null || m.isClosed()) {
        Worker<MasterSpec> masterHandle = engine.handles().worker(config.master());
        m = Errors.await(engine.open(masterHandle, Codecs.UUID.toBytes(config.workerId()), false));
      }
      m.callAsync(MasterSpec.REPORT_FAILURE, new MasterSpec.Failure(config.nameOrId(), error)).get(5, TimeUnit.SECONDS);
    } catch (Exception e) {
      err.println("rpc-parallel worker " + config.nameOrId() + ": could not report the failure to the master: " + e);
    }
    policy.uncaught(error);
  }
}
