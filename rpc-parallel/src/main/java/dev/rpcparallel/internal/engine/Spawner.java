package dev.rpcparallel.internal.engine;

import dev.rpcparallel.Connection;
import dev.rpcparallel.ConnectionContext;
import dev.rpcparallel.ForegroundWorker;
import dev.rpcparallel.Redirect;
import dev.rpcparallel.RemoteException;
import dev.rpcparallel.RpcParallelException;
import dev.rpcparallel.RpcParallelException.Kind;
import dev.rpcparallel.ShutdownOn;
import dev.rpcparallel.SpawnOptions;
import dev.rpcparallel.Worker;
import dev.rpcparallel.WorkerMain;
import dev.rpcparallel.WorkerSpec;
import dev.rpcparallel.internal.lifecycle.ExitPolicy;
import dev.rpcparallel.internal.process.ChildProcess;
import dev.rpcparallel.internal.process.ChildRegistry;
import dev.rpcparallel.internal.process.ClassDataCache;
import dev.rpcparallel.internal.process.ClassPaths;
import dev.rpcparallel.internal.process.LaunchSpec;
import dev.rpcparallel.internal.process.Output;
import dev.rpcparallel.internal.process.Reaper;
import dev.rpcparallel.internal.protocol.Auth;
import dev.rpcparallel.internal.protocol.Durations;
import dev.rpcparallel.internal.protocol.ErrorCode;
import dev.rpcparallel.internal.protocol.RemoteFailure;
import dev.rpcparallel.internal.protocol.WireException;
import dev.rpcparallel.internal.remote.SshTarget;
import dev.rpcparallel.internal.session.ClientSession;
import dev.rpcparallel.internal.session.ConnectionAcceptor;
import dev.rpcparallel.internal.session.Link;
import java.io.IOException;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts worker JVMs and waits until each is ready: launches the process ({@link ChildProcess}),
 * tracks it while it lives ({@link ChildRegistry}), hosts the master server the workers connect
 * back to ({@link MasterSpec}, started at the first spawn), and ends children on failure, on
 * {@link #shutdownAll()}, on {@link #close()} and in a JVM shutdown hook ({@link Reaper}).
 * Thread-safe; one per engine.
 */
public final class Spawner implements MasterSpec.Registry {
  private static final Logger log = LoggerFactory.getLogger(Spawner.class);
  private static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(5);
  /** System property naming the pid of the master that started a tree of workers. */
  public static final String ORIGIN_PROPERTY = "dev.rpcparallel.origin";

  /** What the master knows of one child while it starts and lives. */
  private static final class Child {
    final UUID id;
    final String name;
    final ShutdownOn shutdownOn;
    final Consumer<RpcParallelException> onFailure;
    /** The encoded argument of the connection its spawn waits for ({@code spawnAndConnect}), or null. */
    final byte[] connectionArg;
    /** The worker's TURN arrived: its master connection becomes the spawn's connection. */
    final CompletableFuture<Void> turnArrived = new CompletableFuture<>();
    /** That connection, open (OPENED), or why it could not be opened. */
    final CompletableFuture<ClientSession> turned = new CompletableFuture<>();
    final CompletableFuture<Void> connected = new CompletableFuture<>();
    final CompletableFuture<Void> initStarted = new CompletableFuture<>();
    final CompletableFuture<MasterSpec.Registration> registered = new CompletableFuture<>();
    final AtomicBoolean failureReported = new AtomicBoolean();
    volatile boolean abandoned;
    volatile Worker<?> handle;

    Child(UUID id, String name, ShutdownOn shutdownOn, Consumer<RpcParallelException> onFailure, byte[] connectionArg) {
      this.id = id;
      this.connectionArg = connectionArg;
      this.name = name;
      this.shutdownOn = shutdownOn;
      this.onFailure = onFailure;
    }
  }

  /** A child that is ready. */
  record Spawned<W extends WorkerSpec<?, ?, ?, ?>>(Worker<W> handle, ChildProcess process) {}

  private final Engine engine;
  private final ChildRegistry<Child> children = new ChildRegistry<>();
  /** The master's servers for its workers, by listen address (loopback for local workers, TLS elsewhere). */
  private final java.util.Map<String, HandleData> masters = new java.util.HashMap<>();
  private Thread shutdownHook;
  private volatile SparePool spares;
  /** Children made from spares: spare id (the id of its master connection) to child id. */
  private final Map<UUID, UUID> spareChildren = new java.util.concurrent.ConcurrentHashMap<>();

  Spawner(Engine engine) {
    this.engine = engine;
  }

  /** How many spare workers a spawn could take now (0 without spares); see {@code RpcParallel.readySpareWorkers}. */
  public int readySpares() {
    SparePool s = spares;
    return s == null ? 0 : s.readyCount();
  }

  /** The master server for local workers, if a spawn started it (for tests that attack it). */
  public synchronized Optional<HandleData> localMasterServer() {
    return Optional.ofNullable(masters.get(""));
  }

  /** The master server local workers connect to (on the application's bind host). */
  private HandleData master() {
    return master(Optional.empty());
  }

  /**
   * The master server listening on {@code listenAddress} (default: the application's bind host),
   * started at first use; its handle advertises the application's advertise host.
   */
  private synchronized HandleData master(Optional<String> listenAddress) {
    String key = listenAddress.orElse("");
    HandleData m = masters.get(key);
    if (m == null) {
      UUID id = UUID.randomUUID();
      LogHub log = new LogHub("master", false);
      HostedContext context = new HostedContext(log, engine.app());
      WorkerHost<MasterSpec.Registry, UUID, UUID> host = listenAddress.isPresent()
          ? engine.host(id, "master", new MasterSpec(), this, log, context, false, listenAddress.get())
          : engine.host(id, "master", new MasterSpec(), this, log, context, false);
      host.acceptTurns(this::turn);
      m = engine.handles().data(engine.handle(id, "master", host));
      masters.put(key, m);
      addShutdownHook();
    }
    return m;
  }

  private synchronized void addShutdownHook() {
    if (shutdownHook == null) {
      shutdownHook = new Thread(this::killOnExit, "rpc-parallel-shutdown-hook");
      Runtime.getRuntime().addShutdownHook(shutdownHook);
    }
  }

  // ---- spares ----

  /**
   * Keeps {@code count} spare worker JVMs started with {@code options} (see {@code
   * RpcParallel.Builder.spareWorkers}); starts them in the background.
   */
  public synchronized void keepSpares(int count, SpawnOptions options) {
    if (spares != null) {
      throw new IllegalStateException("spare workers are already configured");
    }
    if (engine.inMemory()) {
      throw new IllegalStateException("this RpcParallel instance is in-memory: it cannot keep spare worker processes");
    }
    if (engine.handles().sshTarget(options.launcher()).isPresent()) {
      throw new IllegalArgumentException("spare workers are local: their options cannot have a remote launcher");
    }
    Path dir = options.workingDirectory().orElse(Path.of("").toAbsolutePath());
    List<String> command = options.launcher().command(javaCommand(options, Object.class, ClassData.NONE));
    SpawnOptions spareOptions = options.toBuilder()
        .addJvmOptions("-D" + WorkerRuntime.SPARE_PROPERTY + "=true").build();
    LaunchSpec launch = new LaunchSpec("spare", List.of(), options.env(), dir, output(options.stdout()), output(options.stderr()), true);
    HandleData master = master();
    SparePool pool = new SparePool(count, command.subList(0, command.size() - 1), launch,
        () -> spareOptions.launcher().command(javaCommand(spareOptions, Object.class, ClassData.MAP_ONLY)),
        spareId -> new BootstrapConfig(engine.secret(), engine.settings(), master, spareId, Optional.empty(), "", new byte[0],
            mode(options.shutdownOn()), options.connectionTimeout(), options.listenAddress().orElse("127.0.0.1"),
            options.advertiseAddress().orElse("")).toStdin());
    addShutdownHook();
    spares = pool;
    pool.start();
  }

  // ---- spawning ----

  /** Spawns a worker and waits until it is ready; see {@code RpcParallel.spawn}. */
  public <W extends WorkerSpec<A, ?, ?, ?>, A> Worker<W> spawn(W spec, A initArg, SpawnOptions options) {
    return spawn(spec, initArg, options, false, null).handle();
  }

  /**
   * Spawns a {@code CONNECTION_CLOSED} worker and returns the connection to it, opened with
   * {@code connectionArg}; see {@code RpcParallel.spawnAndConnect}. The worker's master connection
   * becomes that connection: once registered, the worker turns it around (TURN) and serves the
   * master's OPEN on it, so the spawn makes one authenticated connection, not two.
   */
  public <W extends WorkerSpec<A, ?, C, ?>, A, C> Connection<W> spawnAndConnect(
      W spec, A initArg, C connectionArg, SpawnOptions options) {
    engine.checkOpen();
    byte[] arg = spec.connectionArgCodec().toBytes(connectionArg); // before anything starts
    long max = engine.settings().maxMessageSize() - 64; // OPEN's other fields
    if (arg.length > max) {
      throw new RpcParallelException(Kind.CONNECT_FAILED, "the connection argument of " + arg.length
          + " bytes exceeds the maximum message size of " + engine.settings().maxMessageSize() + " bytes (less 64 for the OPEN frame)");
    }
    Spawned<W> s = spawn(spec, initArg, options, false, arg);
    Optional<ChildRegistry.Entry<Child>> entry = children.get(s.handle().id());
    if (entry.isEmpty()) { // it exited right after registering
      throw new RpcParallelException(Kind.SPAWN_FAILED, "worker " + s.handle().nameOrId() + " exited before its connection opened");
    }
    Child child = entry.get().attachment();
    try {
      return engine.adopt(awaitTurned(child, s.process(), options), s.handle(), false);
    } catch (RuntimeException e) {
      child.abandoned = true; // a TURN that comes later is refused
      child.turned.completeExceptionally(e); // a connection that opens later is closed (see turn)
      if (engine.isClosed()) { // close() ends the worker
        throw closedWhileStarting(child.name, e);
      }
      e.addSuppressed(new RpcParallelException(Kind.SPAWN_FAILED, endAfterFailedConnect(s.handle())));
      throw e;
    }
  }

  /**
   * Waits for a registered worker's TURN (within the connection timeout; it follows the answer to
   * {@code register} at once), then for the OPENED of the connection the master opens on it
   * (bounded by the handshake timeout of that session, and by the link: a worker that dies closes
   * it).
   */
  private ClientSession awaitTurned(Child child, ChildProcess process, SpawnOptions options) {
    awaitPhase(child.turnArrived, process, System.nanoTime(), Optional.of(options.connectionTimeout()), () ->
        "worker " + child.name + " did not turn its master connection into its initial connection within the"
            + " connection timeout of " + Durations.format(options.connectionTimeout()));
    try {
      return child.turned.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      child.turned.thenAccept(session -> session.close(ErrorCode.CANCELLED, "the spawn was interrupted"));
      throw new RpcParallelException(Kind.SPAWN_FAILED, "interrupted while connecting to worker " + child.name, e);
    } catch (ExecutionException e) {
      throw Errors.toApi(e.getCause()); // thrown on the caller's thread: its stack is there
    }
  }

  /** Spawns, reporting the spawn's events (EventListener, JFR); {@code connectionArg} as {@link Child#connectionArg}. */
  private <W extends WorkerSpec<A, ?, ?, ?>, A> Spawned<W> spawn(
      W spec, A initArg, SpawnOptions options, boolean foreground, byte[] connectionArg) {
    Observer.SpawnTrace trace = engine.observer().spawn();
    Spawned<W> s;
    try {
      s = spawn(spec, initArg, options, foreground, trace, connectionArg);
    } catch (RuntimeException e) {
      trace.failed(e);
      throw e;
    }
    trace.ready(s.handle(), s.process());
    return s;
  }

  private <W extends WorkerSpec<A, ?, ?, ?>, A> Spawned<W> spawn(
      W spec, A initArg, SpawnOptions options, boolean foreground, Observer.SpawnTrace trace, byte[] connectionArg) {
    engine.checkOpen();
    if (engine.inMemory()) {
      throw new IllegalStateException("this RpcParallel instance is in-memory: it cannot spawn worker processes");
    }
    UUID id = UUID.randomUUID();
    String name = options.name().orElse(id.toString());
    trace.started(name);
    checkInstantiable(spec.getClass(), name);
    byte[] arg;
    try {
      arg = spec.initArgCodec().toBytes(initArg);
    } catch (RuntimeException e) {
      throw new RpcParallelException(Kind.SPAWN_FAILED, "cannot encode the init argument of worker " + name + ": " + e, e);
    }
    Optional<SshTarget> remote = engine.handles().sshTarget(options.launcher());
    Path dir = remote.isPresent() ? Path.of("").toAbsolutePath() : options.workingDirectory().orElse(Path.of("").toAbsolutePath());
    if (!Files.isDirectory(dir)) {
      throw new RpcParallelException(Kind.SPAWN_FAILED,
          "cannot start worker " + name + ": working directory " + dir + " does not exist or is not a directory");
    }
    LaunchSpec launch;
    byte[] stdin;
    if (remote.isPresent()) {
      engine.prepareTlsInBackground(); // the master's listener for remote workers speaks TLS
      RemoteSpawn r = RemoteSpawn.prepare(engine, remote.get(), options, spec.getClass(), name);
      HandleData m = withHost(masterWhileOpen(Optional.of(r.masterListen())), r.masterAddress());
      BootstrapConfig config = bootstrap(m, id, options, spec, arg, r.listen(), r.advertise());
      launch = new LaunchSpec(name, r.command().command(), Map.of(), dir, output(options.stdout()), output(options.stderr()), !foreground);
      stdin = concat(r.command().stdinPrefix(), config.toStdin());
    } else {
      HandleData m = masterWhileOpen(Optional.empty());
      BootstrapConfig config = bootstrap(m, id, options, spec, arg,
          options.listenAddress().orElse("127.0.0.1"), options.advertiseAddress().orElse(""));
      launch = new LaunchSpec(name, options.launcher().command(javaCommand(options, spec.getClass())),
          options.env(), dir, output(options.stdout()), output(options.stderr()), !foreground);
      stdin = config.toStdin();
    }
    Child child = new Child(id, name, options.shutdownOn(),
        options.onFailure().orElse(e -> log.error("worker {} failed", name, e)), connectionArg);
    ChildProcess process;
    SparePool s = spares;
    Optional<SparePool.Spare> spare;
    try {
      spare = foreground || remote.isPresent() || s == null ? Optional.empty()
          : s.take(new LaunchSpec(name, options.launcher().command(javaCommand(options, spec.getClass(), ClassData.NONE)), launch.env(),
              launch.directory(), launch.stdout(), launch.stderr(), launch.newSession()), name);
      process = spare.isPresent() ? spare.get().process()
          : foreground ? ChildProcess.startForeground(launch) : ChildProcess.start(launch);
    } catch (IOException e) {
      throw new RpcParallelException(Kind.SPAWN_FAILED,
          "cannot start worker " + name + " (" + launch.command().get(0) + "): " + e.getMessage(), e);
    }
    if (spare.isPresent()) {
      // The spare's master connection (if open) carries its own id: its calls are this child's.
      UUID spareId = spare.get().id();
      spareChildren.put(spareId, id);
      process.exit().whenComplete((status, error) -> spareChildren.remove(spareId));
    }
    children.add(id, process, child);
    if (engine.isClosed()) { // close() ran meanwhile, and may not have seen this child: end it here
      children.remove(id);
      process.closeStdin();
      process.kill();
      throw closedWhileStarting(name, null);
    }
    if (spare.isPresent() && s.isConnected(spare.get().id())) {
      child.connected.complete(null); // else connected() completes it when the spare's connection opens
    }
    trace.processStarted(process);
    process.writeStdinInBackground(stdin);
    try {
      MasterSpec.Registration reg = awaitReady(child, process, options, trace);
      Worker<W> handle = engine.handles().worker(
          engine.handleData(id, options.name().orElse(null), reg.host(), reg.port(), reg.tls(), spec.getClass().getName()));
      child.handle = handle;
      return new Spawned<>(handle, process);
    } catch (RpcParallelException e) {
      child.abandoned = true;
      RpcParallelException f = failed(e, process, foreground, id, remote.map(SshTarget::destination));
      throw engine.isClosed() ? closedWhileStarting(name, f) : f;
    }
  }

  /** The error of a spawn that {@code close()} ended. */
  private static RpcParallelException closedWhileStarting(String name, Throwable cause) {
    return new RpcParallelException(Kind.SPAWN_FAILED,
        "worker " + name + " did not start: this RpcParallel instance was closed meanwhile", cause);
  }

  /** {@link #master(Optional)}; if it fails because {@code close()} ran meanwhile, the error says so. */
  private HandleData masterWhileOpen(Optional<String> listenAddress) {
    try {
      return master(listenAddress);
    } catch (RuntimeException e) {
      if (engine.isClosed()) {
        throw new IllegalStateException("this RpcParallel instance is closed", e);
      }
      throw e;
    }
  }

  private BootstrapConfig bootstrap(HandleData master, UUID id, SpawnOptions options, WorkerSpec<?, ?, ?, ?> spec, byte[] arg,
      String listen, String advertise) {
    return new BootstrapConfig(engine.secret(), engine.settings(), master, id, options.name(),
        spec.getClass().getName(), arg, mode(options.shutdownOn()), options.connectionTimeout(), listen, advertise);
  }

  private static HandleData withHost(HandleData d, String host) {
    return new HandleData(d.id(), d.name(), host, d.port(), d.tls(), d.specClass(), d.settings(), d.credential(),
        d.generation(), d.expiresAtMillis());
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  /** Spawns in the foreground; see {@code RpcParallel.spawnInForeground}. */
  public <W extends WorkerSpec<A, ?, ?, ?>, A> ForegroundWorker<W> spawnInForeground(W spec, A initArg, SpawnOptions options) {
    Spawned<W> s = spawn(spec, initArg, options, true, null);
    return new ForegroundWorker<>(s.handle(), s.process().process());
  }

  private static ExitPolicy.Mode mode(ShutdownOn s) {
    return switch (s) {
      case HEARTBEAT_TIMEOUT -> ExitPolicy.Mode.HEARTBEAT_TIMEOUT;
      case CONNECTION_CLOSED -> ExitPolicy.Mode.CONNECTION_CLOSED;
      case CALLED_SHUTDOWN_FUNCTION -> ExitPolicy.Mode.CALLED_SHUTDOWN_FUNCTION;
    };
  }

  private static Output output(Redirect r) {
    return switch (r.kind()) {
      case FORWARD -> Output.forward();
      case DISCARD -> new Output(Output.Kind.DISCARD, null);
      case APPEND -> new Output(Output.Kind.APPEND, r.path());
      case TRUNCATE -> new Output(Output.Kind.TRUNCATE, r.path());
    };
  }

  /** The error a failed spawn throws: the cause, exit status and last output; the child is gone by then. */
  private RpcParallelException failed(RpcParallelException e, ChildProcess process, boolean foreground, UUID id,
      Optional<String> host) {
    if (e.kind() == Kind.SPAWN_FAILED) {
      process.awaitExit(Reaper.KILL_GRACE); // e.g. init threw: let it print and exit 254 by itself
    }
    process.kill();
    List<String> lines = foreground ? List.of() : process.lastLines();
    if (foreground) {
      process.closeStreams();
    }
    children.remove(id);
    StringBuilder msg = new StringBuilder(e.getMessage());
    host.ifPresent(h -> msg.append(" (on host ").append(h).append(')'));
    if (!process.isAlive()) {
      msg.append(" (exit status ").append(process.process().exitValue()).append(')');
    }
    for (String line : lines) {
      msg.append('\n').append(line);
    }
    return new RpcParallelException(e.kind(), msg.toString(), e.getCause());
  }

  /** The worker JVM instantiates the spec by name: fail here, clearly, if it cannot. */
  private static void checkInstantiable(Class<?> c, String name) {
    boolean publicClass = Modifier.isPublic(c.getModifiers());
    boolean topLevelOrStatic = c.getEnclosingClass() == null || Modifier.isStatic(c.getModifiers());
    boolean hasCtor;
    try {
      hasCtor = Modifier.isPublic(c.getConstructor().getModifiers());
    } catch (NoSuchMethodException e) {
      hasCtor = false;
    }
    if (!publicClass || !topLevelOrStatic || !hasCtor || c.isAnonymousClass() || c.isLocalClass()) {
      throw new RpcParallelException(Kind.SPAWN_FAILED, "cannot spawn worker " + name + ": worker spec " + c.getName()
          + " must be a public top-level or static nested class with a public no-argument constructor");
    }
  }

  private static List<String> javaCommand(SpawnOptions options, Class<?> specClass) {
    return javaCommand(options, specClass, ClassData.MAP_OR_WRITE);
  }

  /** What a worker does with the class-data cache. */
  private enum ClassData {
    /** Nothing: the command without the cache's options, which change from spawn to spawn (what spares are matched by). */
    NONE,
    /** Map the archive if there is one (a spare: it must not hold the claim to write one while it waits). */
    MAP_ONLY,
    /** Map the archive, or write it if there is none yet. */
    MAP_OR_WRITE
  }

  private static List<String> javaCommand(SpawnOptions options, Class<?> specClass, ClassData classData) {
    List<String> cmd = new ArrayList<>();
    cmd.add(options.javaExecutable().toString());
    List<String> jvm = options.jvmOptions();
    String classPath = ClassPaths.forWorker(specClass, options.extraClasspath());
    if (classData != ClassData.NONE && options.classDataSharing()) { // before the user's options, so their -Xlog settings win
      List<String> withCds = new ArrayList<>(classData == ClassData.MAP_ONLY
          ? ClassDataCache.mapOnlyJvmOptions(options.javaExecutable(), jvm, classPath, options.env())
          : ClassDataCache.jvmOptions(options.javaExecutable(), jvm, classPath, options.env()));
      withCds.addAll(jvm);
      jvm = withCds;
    }
    cmd.addAll(javaArguments(jvm, options, classPath));
    return cmd;
  }

  /** The worker's JVM options, class path, main class and arguments (all but the java executable). */
  static List<String> javaArguments(List<String> jvmOptions, SpawnOptions options, String classPath) {
    List<String> cmd = new ArrayList<>();
    cmd.addAll(jvmOptions);
    // Netty's epoll transport loads a native library; JDK 22+ warns on stderr unless allowed.
    cmd.add("--enable-native-access=ALL-UNNAMED");
    cmd.add("-D" + WorkerMain.SPAWNED_PROPERTY + "=true");
    // The first master of the tree, inherited by workers' workers: ps (and leak checks) can find
    // every process of a tree, even those re-parented after their own master died.
    cmd.add("-D" + ORIGIN_PROPERTY + "=" + Long.getLong(ORIGIN_PROPERTY, ProcessHandle.current().pid()));
    // The worker's log stream carries what it logs through SLF4J (SLF4J 2.0.9+ honours this).
    cmd.add("-Dslf4j.provider=" + LogCapture.class.getName());
    cmd.add("-Dslf4j.internal.verbosity=WARN");
    cmd.add("-cp");
    cmd.add(classPath);
    cmd.add(options.mainClass());
    // For ps: the name if one was given; never the worker's id (nothing identifying in argv).
    cmd.add(options.name().map(n -> "--rpc-parallel-worker=" + n).orElse("--rpc-parallel-worker"));
    return cmd;
  }

  /**
   * Waits for the three phases: master connection opened (within the connection timeout),
   * initWorkerState started (within the spawn timeout), and initWorkerState returned (within the
   * init timeout, if one is set). Each wait ends early if the process exits.
   */
  private MasterSpec.Registration awaitReady(Child child, ChildProcess process, SpawnOptions options, Observer.SpawnTrace trace) {
    long start = System.nanoTime();
    awaitPhase(child.connected, process, start, Optional.of(options.connectionTimeout()), () ->
        "timed out getting a connection from worker " + child.name + " within the connection timeout of "
            + Durations.format(options.connectionTimeout()));
    trace.connected();
    awaitPhase(child.initStarted, process, start, Optional.of(options.spawnTimeout()), () ->
        "worker " + child.name + " did not start initWorkerState within the spawn timeout of "
            + Durations.format(options.spawnTimeout()));
    trace.initStarted();
    long initStart = System.nanoTime();
    MasterSpec.Registration reg = awaitPhase(child.registered, process, initStart, options.initTimeout(), () ->
        "initWorkerState of worker " + child.name + " did not return within the init timeout of "
            + Durations.format(options.initTimeout().orElseThrow()));
    if (reg.initError().isPresent()) {
      throw new RpcParallelException(Kind.SPAWN_FAILED,
          "initWorkerState of worker " + child.name + " failed: " + reg.initError().get());
    }
    return reg;
  }

  private static <T> T awaitPhase(
      CompletableFuture<T> phase, ChildProcess process, long startNanos, Optional<Duration> limit,
      java.util.function.Supplier<String> timeoutMessage) {
    CompletableFuture<Object> phaseOrExit = CompletableFuture.anyOf(phase, process.exit());
    try {
      if (limit.isPresent()) {
        long left = limit.get().toNanos() - (System.nanoTime() - startNanos);
        phaseOrExit.get(Math.max(0, left), TimeUnit.NANOSECONDS);
      } else {
        phaseOrExit.get();
      }
    } catch (TimeoutException e) {
      throw new RpcParallelException(Kind.SPAWN_TIMEOUT, timeoutMessage.get());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RpcParallelException(Kind.SPAWN_FAILED, "interrupted while spawning worker " + process.name(), e);
    } catch (ExecutionException e) {
      throw new RpcParallelException(Kind.SPAWN_FAILED, "spawning worker " + process.name() + " failed: " + e.getCause(), e.getCause());
    }
    if (!phase.isDone()) {
      throw new RpcParallelException(Kind.SPAWN_FAILED, "worker process " + process.name() + " exited before it was ready");
    }
    return phase.join();
  }

  // ---- the master server's registry ----

  /** The child of master connection {@code id}: a child's id, or the id of the spare it was made from. */
  private Optional<ChildRegistry.Entry<Child>> child(UUID id) {
    Optional<ChildRegistry.Entry<Child>> e = children.get(id);
    if (e.isPresent()) {
      return e;
    }
    UUID made = spareChildren.get(id);
    return made == null ? Optional.empty() : children.get(made);
  }

  private Optional<Child> pending(UUID id) {
    return child(id).map(ChildRegistry.Entry::attachment).filter(c -> !c.abandoned);
  }

  @Override
  public boolean connected(UUID id, ConnectionContext connection) {
    SparePool s = spares;
    boolean spare = s != null && s.markConnected(id); // a spare, waiting or just taken
    if (spare) {
      connection.onClose(reason -> s.markDisconnected(id)); // a spawn that takes it then waits for a new one
    }
    Optional<Child> c = pending(id);
    c.ifPresent(child -> child.connected.complete(null));
    return c.isPresent() || spare;
  }

  @Override
  public boolean initStarted(UUID id) {
    Optional<Child> c = pending(id);
    c.ifPresent(child -> child.initStarted.complete(null));
    return c.isPresent();
  }

  @Override
  public MasterSpec.Answer register(UUID id, MasterSpec.Registration registration) {
    Optional<Child> c = pending(id);
    c.ifPresent(child -> child.registered.complete(registration));
    if (c.isEmpty() || registration.initError().isPresent()) {
      return MasterSpec.Answer.REFUSED;
    }
    return c.get().connectionArg != null ? MasterSpec.Answer.TURN : MasterSpec.Answer.REGISTERED;
  }

  /**
   * The worker of master connection {@code id} sent TURN (link thread): the session that opens
   * its spawn's connection on that link, or null (a protocol error) unless it registered, its
   * spawn waits for a connection, and this is its first TURN.
   */
  private ClientSession turn(UUID id, Link link, ConnectionAcceptor.TurnProof proof) {
    Optional<Child> c = pending(id);
    if (c.isEmpty() || c.get().connectionArg == null) {
      return null;
    }
    Child child = c.get();
    if (!proof.provenBy(engine.credential(new Auth.Terms(child.id, 0, 0)))) {
      // Proven with the master server's credential, but not with this worker's own.
      throw new WireException(ErrorCode.AUTHENTICATION_FAILED, "TURN not proven with the credential of worker " + child.name);
    }
    MasterSpec.Registration reg = child.registered.getNow(null);
    if (reg == null || reg.initError().isPresent() || !child.turnArrived.complete(null)) {
      return null; // not registered, or turned already (once per child, whichever connection)
    }
    ClientSession session = engine.turnedClientSession(link, child.id, child.name, child.connectionArg);
    session.opened().whenComplete((open, e) -> {
      if (e != null) {
        child.turned.completeExceptionally(e);
      } else if (!child.turned.complete(open)) {
        open.close(ErrorCode.CANCELLED, "the spawn gave up"); // nobody will use it
      }
    });
    return session;
  }

  @Override
  public void failed(UUID id, String worker, RemoteFailure error) {
    child(id).map(ChildRegistry.Entry::attachment).ifPresent(child -> {
      if (child.failureReported.compareAndSet(false, true)) {
        RemoteException cause = Errors.remote(error);
        RpcParallelException e = new RpcParallelException(Kind.WORKER_FAILED,
            "worker " + child.name + " failed: " + cause.getMessage(), cause);
        engine.executor().execute(() -> {
          try {
            child.onFailure.accept(e);
          } catch (RuntimeException | Error callbackFailure) {
            log.warn("the onFailure callback of worker {} threw", child.name, callbackFailure);
          }
        });
      }
    });
  }

  // ---- ending children ----

  /** Completes with the exit status of a worker this master spawned. */
  public CompletableFuture<Integer> onExit(Worker<?> worker) {
    return children.exitOf(worker.id()).orElseGet(() -> CompletableFuture.failedFuture(
        new IllegalArgumentException("worker " + worker.nameOrId() + " was not spawned by this RpcParallel instance")));
  }

  /** The handle kept for a child (for shutdown) after its credentials were retired. */
  void replaceHandle(Worker<?> worker) {
    children.get(worker.id()).ifPresent(e -> e.attachment().handle = worker);
  }

  /**
   * Gives a child whose initial connection failed {@link Reaper#KILL_GRACE} to exit by itself (a
   * {@code CONNECTION_CLOSED} worker does, with status 254, when its first connection is
   * refused), then kills it; returns how it ended, for the caller's error.
   */
  public String endAfterFailedConnect(Worker<?> worker) {
    Optional<ChildRegistry.Entry<Child>> e = children.get(worker.id());
    if (e.isEmpty()) {
      return "worker " + worker.nameOrId() + " has exited";
    }
    ChildProcess p = e.get().process();
    if (p.awaitExit(Reaper.KILL_GRACE)) {
      return "worker " + worker.nameOrId() + " exited by itself with status " + p.process().exitValue();
    }
    p.kill();
    return "worker " + worker.nameOrId() + " did not exit by itself and was killed";
  }

  /** Shuts down every live child, killing those still alive after the grace period. */
  public void shutdownAll() {
    List<ChildRegistry.Entry<Child>> all = children.live();
    List<CompletableFuture<Void>> sent = new ArrayList<>();
    for (ChildRegistry.Entry<Child> e : all) {
      Worker<?> h = e.attachment().handle;
      if (h != null && e.process().isAlive()) {
        sent.add(engine.shutdown(h).exceptionally(x -> null));
      } else {
        e.process().process().destroy();
      }
    }
    long deadline = System.nanoTime() + SHUTDOWN_GRACE.toNanos();
    awaitAll(sent, deadline);
    for (ChildRegistry.Entry<Child> e : all) {
      Reaper.awaitOrKill(e.process().process(), deadline);
    }
  }

  /**
   * Ends the children that must not outlive this master (all but {@code CALLED_SHUTDOWN_FUNCTION}
   * ones): each is asked to shut down and given the grace period to exit with status 0; then its
   * stdin is closed and it is reaped, killed if need be. Children still starting get EOF on stdin
   * at once.
   */
  void close() {
    SparePool s = spares;
    if (s != null) {
      s.beginClose(); // they exit while the workers are asked to
    }
    List<ChildProcess> mortal = new ArrayList<>();
    List<CompletableFuture<Void>> sent = new ArrayList<>();
    for (ChildRegistry.Entry<Child> e : children.live()) {
      if (e.attachment().shutdownOn == ShutdownOn.CALLED_SHUTDOWN_FUNCTION) {
        continue;
      }
      mortal.add(e.process());
      Worker<?> h = e.attachment().handle;
      if (h != null && e.process().isAlive()) {
        sent.add(engine.shutdown(h).exceptionally(x -> null));
      } else {
        e.process().closeStdin(); // still starting: end it now rather than after the grace period
      }
    }
    long orderly = System.nanoTime() + SHUTDOWN_GRACE.toNanos();
    awaitAll(sent, orderly);
    for (ChildProcess p : mortal) {
      Reaper.await(p.process(), Duration.ofNanos(Math.max(0, orderly - System.nanoTime())));
    }
    for (ChildProcess p : mortal) {
      p.closeStdin();
    }
    long deadline = System.nanoTime() + SHUTDOWN_GRACE.toNanos();
    for (ChildProcess p : mortal) {
      Reaper.awaitOrKill(p.process(), deadline);
    }
    if (s != null) {
      s.awaitClosed(deadline);
    }
    Thread hook = shutdownHook;
    if (hook != null) {
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException e) {
        // the JVM is already shutting down
      }
    }
  }

  private static void awaitAll(List<CompletableFuture<Void>> futures, long deadlineNanos) {
    try {
      CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new))
          .get(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      // the kill sequence still applies
    }
  }

  private void killOnExit() {
    SparePool s = spares;
    if (s != null) {
      s.killNow();
    }
    for (ChildRegistry.Entry<Child> e : children.live()) {
      if (e.attachment().shutdownOn != ShutdownOn.CALLED_SHUTDOWN_FUNCTION) {
        e.process().process().destroyForcibly();
      }
    }
  }
}
