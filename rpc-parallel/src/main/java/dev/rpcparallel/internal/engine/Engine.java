package dev.rpcparallel.internal.engine;

import dev.rpcparallel.Connection;
import dev.rpcparallel.RpcParallel;
import dev.rpcparallel.RpcParallelException;
import dev.rpcparallel.RpcParallelException.Kind;
import dev.rpcparallel.RpcSettings;
import dev.rpcparallel.Worker;
import dev.rpcparallel.WorkerSpec;
import dev.rpcparallel.codec.Codec;
import dev.rpcparallel.internal.concurrent.HandlerExecutors;
import dev.rpcparallel.internal.protocol.Auth;
import dev.rpcparallel.internal.protocol.ErrorCode;
import dev.rpcparallel.internal.protocol.WireException;
import dev.rpcparallel.internal.session.ClientSession;
import dev.rpcparallel.internal.session.ServerSession;
import dev.rpcparallel.internal.session.SessionConfig;
import dev.rpcparallel.internal.transport.InMemoryTransport;
import dev.rpcparallel.internal.transport.NettyTransport;
import dev.rpcparallel.internal.transport.Transport;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Everything behind one {@link RpcParallel}: its threads, transport, hosted workers, connections
 * and spawner. The facade's methods delegate here. Thread-safe.
 */
public final class Engine {
  private final EngineConfig config;
  private final RpcSettings settings;
  private final byte[] secret;
  private final ExecutorService executor;
  private final boolean ownsExecutor;
  private final ScheduledExecutorService timers;
  private final boolean ownsTimers;
  private final Transport transport;
  private final Set<WorkerHost<?, ?, ?>> hosts = ConcurrentHashMap.newKeySet();
  private final Set<ConnectionImpl<?>> connections = ConcurrentHashMap.newKeySet();
  private final Map<String, WorkerSpec<?, ?, ?, ?>> specs = new ConcurrentHashMap<>();
  private final Spawner spawner;
  private volatile boolean closed;

  public Engine(EngineConfig config) {
    this.config = config;
    this.settings = config.settings();
    this.secret = config.secret() != null ? config.secret().clone() : Auth.newSecret();
    this.ownsExecutor = config.executor() == null;
    this.executor = ownsExecutor ? HandlerExecutors.create() : config.executor();
    this.ownsTimers = config.timers() == null && config.inMemory();
    this.timers = config.timers() != null ? config.timers()
        : config.inMemory() ? Executors.newSingleThreadScheduledExecutor(HandlerExecutors.daemonThreads("rpc-parallel-timer"))
        : null;
    this.transport = config.inMemory() ? new InMemoryTransport(executor, timers) : new NettyTransport(config.ioThreads());
    this.spawner = new Spawner(this);
  }

  public RpcSettings settings() {
    return settings;
  }

  RpcParallel app() {
    return config.app();
  }

  Handles handles() {
    return config.handles();
  }

  /** The handler executor (also runs the facade's {@code Async} spawns). */
  public ExecutorService executor() {
    return executor;
  }

  byte[] secret() {
    return secret.clone();
  }

  boolean inMemory() {
    return config.inMemory();
  }

  /** The key that opens worker {@code id}'s server. */
  byte[] credentialFor(UUID id) {
    return secret.clone();
  }

  public Spawner spawner() {
    return spawner;
  }

  static SessionConfig sessionConfig(RpcSettings s) {
    return new SessionConfig(
        s.maxMessageSize(), s.handshakeTimeout(), s.heartbeatInterval(), s.heartbeatTimeout(), s.streamWindow());
  }

  void checkOpen() {
    if (closed) {
      throw new IllegalStateException("this RpcParallel instance is closed");
    }
  }

  // ---- hosting ----

  /** Hosts {@code spec} in this JVM; see {@code RpcParallel.serve}. */
  public <W extends WorkerSpec<A, ?, ?, ?>, A> Worker<W> serve(W spec, A initArg) {
    checkOpen();
    WorkerSpec<A, ?, ?, ?> captured = spec;
    return serveCaptured(captured, initArg);
  }

  private <W extends WorkerSpec<?, ?, ?, ?>, A, S, C, T> Worker<W> serveCaptured(WorkerSpec<A, S, C, T> spec, A initArg) {
    UUID id = UUID.randomUUID();
    LogHub log = new LogHub(id.toString(), false);
    HostedContext context = new HostedContext(log, config.app());
    S state;
    try {
      // Round-trip the argument through its codec so served and spawned workers behave alike.
      Codec<A> codec = spec.initArgCodec();
      state = spec.initWorkerState(codec.fromBytes(codec.toBytes(initArg)), context);
    } catch (Exception e) {
      throw new RpcParallelException(Kind.SPAWN_FAILED,
          "initWorkerState of " + spec.getClass().getName() + " failed: " + e, e);
    }
    WorkerHost<S, C, T> host = host(id, null, spec, state, log, context, true);
    host.setEvents(new WorkerHost.Events() {
      @Override
      public void shutdownRequested() {
        hosts.remove(host);
        host.close("worker shut down");
      }
    });
    return handle(id, null, host);
  }

  /** Builds the host of a worker whose state exists, and starts listening. */
  <S, C, T> WorkerHost<S, C, T> host(
      UUID id, String name, WorkerSpec<?, S, C, T> spec, S state, LogHub log, HostedContext context, boolean closeServerAllowed) {
    WorkerHost<S, C, T> host = new WorkerHost<>(id, name != null ? name : id.toString(), spec, state,
        credentialFor(id), executor, context, log, settings, closeServerAllowed);
    SessionConfig sessions = sessionConfig(settings);
    host.listenWith(h -> transport.listen(config.bindHost(), 0, link -> new ServerSession(link, sessions, h)));
    hosts.add(host);
    specs.putIfAbsent(spec.getClass().getName(), spec);
    return host;
  }

  /** The handle of a hosted worker; sets the context's handle too. */
  <W extends WorkerSpec<?, ?, ?, ?>> Worker<W> handle(UUID id, String name, WorkerHost<?, ?, ?> host) {
    String specClass = host.specClassName();
    Worker<W> w = config.handles().worker(new HandleData(
        id, name, config.inMemory() ? InMemoryTransport.HOST : config.advertiseHost(), host.port(), specClass,
        settings, credentialFor(id)));
    host.context().setHandle(w);
    return w;
  }

  /** Forgets a host that was closed. */
  void removeHost(WorkerHost<?, ?, ?> host) {
    hosts.remove(host);
  }

  // ---- connecting ----

  /** Connects and runs {@code initConnectionState}; see {@code RpcParallel.connect}. */
  public <W extends WorkerSpec<?, ?, C, ?>, C> CompletableFuture<Connection<W>> connectAsync(Worker<W> worker, C arg) {
    byte[] bytes;
    try {
      checkOpen();
      bytes = encodeConnectionArg(worker.specClass(), arg);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    return open(worker, bytes, false).thenApply(c -> c);
  }

  /**
   * The connection argument's bytes, with the codec of the spec named by the handle. The
   * compiler checked {@code arg} against the handle's worker type, whose spec class is the one
   * named (handles are made for, or checked against, their spec class).
   */
  @SuppressWarnings("unchecked")
  private <C> byte[] encodeConnectionArg(String specClass, C arg) {
    Codec<C> codec = (Codec<C>) specFor(specClass).connectionArgCodec();
    return codec.toBytes(arg);
  }

  private WorkerSpec<?, ?, ?, ?> specFor(String className) {
    WorkerSpec<?, ?, ?, ?> known = specs.get(className);
    if (known != null) {
      return known;
    }
    try {
      ClassLoader loader = Thread.currentThread().getContextClassLoader();
      Class<?> c = Class.forName(className, false, loader != null ? loader : Engine.class.getClassLoader());
      WorkerSpec<?, ?, ?, ?> spec = c.asSubclass(WorkerSpec.class).getConstructor().newInstance();
      specs.putIfAbsent(className, spec);
      return spec;
    } catch (ReflectiveOperationException | ClassCastException | LinkageError e) {
      throw new RpcParallelException(Kind.CONNECT_FAILED,
          "cannot instantiate worker spec " + className + " (needs a public no-argument constructor): " + e, e);
    }
  }

  /** Opens a connection; a control connection skips {@code initConnectionState} and reaches built-ins only. */
  <W extends WorkerSpec<?, ?, ?, ?>> CompletableFuture<ConnectionImpl<W>> open(Worker<W> worker, byte[] arg, boolean control) {
    HandleData target = config.handles().data(worker);
    ClientSession.Target t = new ClientSession.Target(
        target.id(), target.nameOrId(), target.address(), target.credential(), arg, control);
    SessionConfig sessions = sessionConfig(target.settings());
    CompletableFuture<ClientSession> opened = new CompletableFuture<>();
    if (config.inMemory() != InMemoryTransport.HOST.equals(target.host())) {
      return CompletableFuture.failedFuture(new RpcParallelException(Kind.CONNECT_FAILED, "cannot connect to worker "
          + target.nameOrId() + " at " + target.address() + ": " + (config.inMemory()
              ? "this application is in-memory and opens no sockets"
              : "it lives in the memory of another application")));
    }
    transport.connect(target.host(), target.port(), settings.handshakeTimeout(), link -> {
      ClientSession s = new ClientSession(link, sessions, t);
      s.opened().whenComplete((ok, e) -> {
        if (e != null) {
          opened.completeExceptionally(e);
        } else {
          opened.complete(ok);
        }
      });
      return s;
    }).whenComplete((ok, e) -> {
      if (e != null) {
        // Name the worker, as failures later in the handshake do (ClientSession).
        Throwable why = e.getCause() != null ? e.getCause() : e;
        opened.completeExceptionally(new WireException(ErrorCode.CONNECT_FAILED,
            "could not connect to worker " + target.nameOrId() + " at " + target.address() + ": " + why.getMessage(), why));
      }
    });
    return opened.handleAsync((session, e) -> {
      if (e != null) {
        throw Errors.toApi(e);
      }
      ConnectionImpl<W> c = new ConnectionImpl<>(session, worker, executor);
      connections.add(c);
      session.closeFuture().thenRun(() -> connections.remove(c));
      if (closed && !control) {
        c.close(); // connected while closing; control connections still serve close()
      }
      return c;
    }, executor);
  }

  /** Sends the built-in shutdown over a control connection, then closes it. */
  public CompletableFuture<Void> shutdown(Worker<?> worker) {
    return open(worker, new byte[0], true)
        .thenCompose(c -> c.sendShutdown().whenComplete((ok, e) -> c.close()))
        .exceptionallyCompose(e -> CompletableFuture.failedFuture(Errors.toApi(e)));
  }

  // ---- closing ----

  /** See {@code RpcParallel.close}. Idempotent. */
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    for (ConnectionImpl<?> c : connections) {
      c.close();
    }
    spawner.close();
    for (WorkerHost<?, ?, ?> h : hosts) {
      h.close("worker shut down");
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
    if (ownsTimers) {
      timers.shutdownNow();
    }
  }
}
