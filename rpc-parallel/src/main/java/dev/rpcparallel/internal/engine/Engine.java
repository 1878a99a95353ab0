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
import dev.rpcparallel.internal.session.HandshakeQueue;
import dev.rpcparallel.internal.session.Link;
import dev.rpcparallel.internal.session.ServerSession;
import dev.rpcparallel.internal.session.SessionConfig;
import dev.rpcparallel.internal.transport.InMemoryTransport;
import dev.rpcparallel.internal.transport.NettyTransport;
import dev.rpcparallel.internal.transport.Transport;
import dev.rpcparallel.internal.transport.AppCertificate;
import dev.rpcparallel.internal.transport.Tls;
import dev.rpcparallel.internal.transport.TlsContexts;
import dev.rpcparallel.internal.remote.Addresses;
import java.util.Map;
import java.util.Optional;
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
  /** The newest generation this application retired each worker's credentials to. */
  private final java.util.concurrent.ConcurrentHashMap<java.util.UUID, Long> retiredTo = new java.util.concurrent.ConcurrentHashMap<>();
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
  private final Observer observer;
  /** For control connections: no listener events. */
  private final Observer silent;
  private final HandshakeQueue handshakes = new HandshakeQueue(HandshakeQueue.PER_APPLICATION, null);
  private volatile boolean closed;
  private volatile Tls tls;

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
    this.observer = new Observer(config.eventListener(), executor);
    this.silent = Observer.silent(executor);
    this.spawner = new Spawner(this);
  }

  /** Reports events to the application's listener and to JFR. */
  Observer observer() {
    return observer;
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

  /** The credential for {@code terms}, derived from the application secret. */
  byte[] credential(Auth.Terms terms) {
    return Auth.credential(secret, terms);
  }

  /** TLS with the application's certificate if {@code on}; else none. */
  private Optional<Tls> tls(boolean on) {
    return on ? Optional.of(tls()) : Optional.empty();
  }

  /**
   * The application's TLS identity and contexts, made at first use: the identity is derived from
   * the application secret ({@link AppCertificate#derive}), so every process holding the secret
   * (spawned workers, other programs given the same secret) has the same one, and nothing more
   * travels to workers. Making it costs ~0.3 s and the contexts ~1 s while their classes load.
   *
   * @throws IllegalStateException for an in-memory application
   */
  private Tls tls() {
    Tls t = tls;
    if (t == null) {
      synchronized (this) {
        if (tls == null) {
          if (config.inMemory()) {
            throw new IllegalStateException("an in-memory application has no TLS");
          }
          tls = new Tls(TlsContexts.of(AppCertificate.derive(secret)), settings.handshakeTimeout());
        }
        t = tls;
      }
    }
    return t;
  }

  /** Starts making {@link #tls()} on a daemon thread, so that a remote spawn's ssh steps overlap it. */
  void prepareTlsInBackground() {
    if (tls != null) {
      return;
    }
    Thread t = new Thread(() -> {
      try {
        tls();
      } catch (RuntimeException e) {
        // the caller that needs it gets the error
      }
    }, "rpc-parallel-tls-setup");
    t.setDaemon(true);
    t.start();
  }

  /** A handle's data for worker {@code id}, with a credential of generation 0 that never expires. */
  HandleData handleData(UUID id, String name, String host, int port, boolean tls, String specClass) {
    Auth.Terms terms = new Auth.Terms(id, 0, 0);
    return new HandleData(id, name, host, port, tls, specClass, settings, credential(terms), 0, 0);
  }

  public Spawner spawner() {
    return spawner;
  }

  static SessionConfig sessionConfig(RpcSettings s) {
    return new SessionConfig(s.maxMessageSize(), s.handshakeTimeout(), s.heartbeatInterval(), s.heartbeatTimeout(),
        s.streamWindow(), s.writeBufferLimit(), s.readBufferLimit(), s.maxConcurrentCalls(), s.maxOpenStreams());
  }

  /**
   * What a connection to a worker runs with: the worker's timing (its heartbeats must be
   * understood), but never more generous limits on what this side accepts and holds than this
   * application's own: a handle, which anyone can write, must not raise them.
   */
  SessionConfig clientConfig(RpcSettings worker) {
    SessionConfig w = sessionConfig(worker);
    return new SessionConfig(Math.min(w.maxMessageSize(), settings.maxMessageSize()), w.handshakeTimeout(), w.heartbeatInterval(),
        w.heartbeatTimeout(), w.streamWindow(), // both ends check credit against the same window
        Math.min(w.writeBufferLimit(), settings.writeBufferLimit()), Math.min(w.readBufferLimit(), settings.readBufferLimit()),
        w.maxConcurrentCalls(), w.maxOpenStreams());
  }

  /** Whether {@link #close} has begun. */
  boolean isClosed() {
    return closed;
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

  /** Builds the host of a worker whose state exists, and starts listening on the bind host. */
  <S, C, T> WorkerHost<S, C, T> host(
      UUID id, String name, WorkerSpec<?, S, C, T> spec, S state, LogHub log, HostedContext context, boolean closeServerAllowed) {
    return host(id, name, spec, state, log, context, closeServerAllowed, config.bindHost());
  }

  /**
   * Builds the host of a worker whose state exists, and starts listening on {@code bindHost}:
   * with TLS unless that is a loopback address (or the application is in memory).
   */
  <S, C, T> WorkerHost<S, C, T> host(UUID id, String name, WorkerSpec<?, S, C, T> spec, S state, LogHub log,
      HostedContext context, boolean closeServerAllowed, String bindHost) {
    WorkerHost<S, C, T> host = new WorkerHost<>(id, name != null ? name : id.toString(), spec, state,
        secret, executor, context, log, settings, closeServerAllowed, handshakes);
    SessionConfig sessions = sessionConfig(settings);
    boolean tls = !config.inMemory() && !Addresses.isLoopback(bindHost);
    host.listenWith(h -> transport.listen(bindHost, 0, tls(tls), link -> new ServerSession(link, sessions, h)), tls);
    hosts.add(host);
    specs.putIfAbsent(spec.getClass().getName(), spec);
    return host;
  }

  /** The handle of a hosted worker; sets the context's handle too. */
  <W extends WorkerSpec<?, ?, ?, ?>> Worker<W> handle(UUID id, String name, WorkerHost<?, ?, ?> host) {
    String specClass = host.specClassName();
    Worker<W> w = config.handles().worker(handleData(
        id, name, config.inMemory() ? InMemoryTransport.HOST : config.advertiseHost(), host.port(), host.usesTls(), specClass));
    host.context().setHandle(w, config.handles());
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
        target.terms(), target.nameOrId(), target.address(), target.credential(), arg, control);
    SessionConfig sessions = clientConfig(target.settings());
    CompletableFuture<ClientSession> opened = new CompletableFuture<>();
    if (config.inMemory() != InMemoryTransport.HOST.equals(target.host())) {
      return CompletableFuture.failedFuture(new RpcParallelException(Kind.CONNECT_FAILED, "cannot connect to worker "
          + target.nameOrId() + " at " + target.address() + ": " + (config.inMemory()
              ? "this application is in-memory and opens no sockets"
              : "it lives in the memory of another application")));
    }
    transport.connect(target.host(), target.port(), settings.handshakeTimeout(), tls(target.tls()), link -> {
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
        Throwable x = e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
        // A TLS failure keeps its own words ("TLS handshake with ... failed: ..."); others, their cause's.
        boolean tlsFailure = x.getMessage() != null && x.getMessage().startsWith("TLS");
        Throwable why = !tlsFailure && x.getCause() != null ? x.getCause() : x;
        opened.completeExceptionally(new WireException(ErrorCode.CONNECT_FAILED,
            "could not connect to worker " + target.nameOrId() + " at " + target.address() + ": " + why.getMessage(), why));
      }
    });
    return opened.handleAsync((session, e) -> {
      if (e != null) {
        throw Errors.toApi(e);
      }
      return adopt(session, worker, control);
    }, executor);
  }

  /** The connection of an open session: counted, observed, and closed with this application. */
  <W extends WorkerSpec<?, ?, ?, ?>> ConnectionImpl<W> adopt(ClientSession session, Worker<W> worker, boolean control) {
    ConnectionImpl<W> c = new ConnectionImpl<>(session, worker, executor, control ? silent : observer);
    connections.add(c);
    if (!control) {
      observer.connectionOpened(c); // before the close hook: opened comes before closed
    }
    session.closeFuture().thenAccept(reason -> {
      connections.remove(c);
      if (!control) {
        observer.connectionClosed(c, reason);
      }
    });
    if (closed && !control) {
      c.close(); // connected while closing; control connections still serve close()
    }
    return c;
  }

  /**
   * The master's client session for a worker's master connection that the worker turned (see
   * {@code ClientSession.turn}); it opens the worker's initial connection with {@code arg}. Not
   * started: the master server's session hands the link to it.
   */
  ClientSession turnedClientSession(Link link, UUID workerId, String nameOrId, byte[] arg) {
    // No address or credential: a turned session's messages say "over its master connection",
    // and it sends no AUTH.
    ClientSession.Target t = new ClientSession.Target(new Auth.Terms(workerId, 0, 0), nameOrId, link.remoteAddress(), new byte[0], arg, false);
    return new ClientSession(link, clientConfig(settings), t);
  }

  /** A server session of {@code host} for the link of a master connection this worker turns. */
  ServerSession turnedServerSession(WorkerHost<?, ?, ?> host, Link link) {
    return new ServerSession(link, sessionConfig(settings), host);
  }

  /**
   * Makes every handle of {@code worker} of an earlier generation useless (connections they
   * opened are closed) and returns a handle of the next generation; see {@code
   * RpcParallel.retireCredentials}.
   */
  public <W extends WorkerSpec<?, ?, ?, ?>> CompletableFuture<Worker<W>> retireCredentials(Worker<W> worker) {
    HandleData d = config.handles().data(worker);
    long next = d.generation() + 1;
    Auth.Terms terms = new Auth.Terms(d.id(), next, 0);
    HandleData fresh = new HandleData(d.id(), d.name(), d.host(), d.port(), d.tls(), d.specClass(), d.settings(),
        credential(terms), next, 0);
    Builtins.Retirement order = new Builtins.Retirement(next, Auth.retireProof(secret, d.id(), next));
    return open(worker, new byte[0], true)
        .thenCompose(c -> c.retire(order).whenComplete((ok, e) -> c.close()))
        .thenApply(ok -> {
          Worker<W> w = config.handles().worker(fresh);
          spawner.replaceHandle(w);
          retiredTo.merge(d.id(), next, Math::max);
          return w;
        })
        .exceptionallyCompose(e -> CompletableFuture.failedFuture(Errors.toApi(e)));
  }

  /** A handle of {@code worker} whose credential expires at {@code expiresAt}. */
  public <W extends WorkerSpec<?, ?, ?, ?>> Worker<W> issueHandle(Worker<W> worker, java.time.Instant expiresAt) {
    java.util.Objects.requireNonNull(expiresAt, "expiresAt");
    HandleData d = ownedData(worker);
    long millis = Math.max(1, expiresAt.toEpochMilli());
    long generation = Math.max(d.generation(), retiredTo.getOrDefault(d.id(), 0L));
    Auth.Terms terms = new Auth.Terms(d.id(), generation, millis);
    return config.handles().worker(new HandleData(d.id(), d.name(), d.host(), d.port(), d.tls(), d.specClass(), d.settings(),
        credential(terms), generation, millis));
  }

  /** The data of a handle whose credential this application made (with its secret); else IllegalArgumentException. */
  private HandleData ownedData(Worker<?> worker) {
    HandleData d = config.handles().data(worker);
    if (!Auth.matches(credential(d.terms()), d.credential())) {
      throw new IllegalArgumentException("worker " + d.nameOrId() + " does not belong to this application: its credential"
          + " was not made with this application's secret");
    }
    return d;
  }

  /**
   * {@code worker}'s handle of the newest generation this application retired its credentials
   * to ({@code worker} itself if none): what {@link #shutdown} uses.
   */
  private <W extends WorkerSpec<?, ?, ?, ?>> Worker<W> current(Worker<W> worker) {
    HandleData d = config.handles().data(worker);
    Long newest = retiredTo.get(d.id());
    if (newest == null || newest <= d.generation()) {
      return worker;
    }
    return config.handles().worker(new HandleData(d.id(), d.name(), d.host(), d.port(), d.tls(), d.specClass(), d.settings(),
        credential(new Auth.Terms(d.id(), newest, 0)), newest, 0));
  }

  /** Sends the built-in shutdown over a control connection, then closes it. */
  public CompletableFuture<Void> shutdown(Worker<?> worker) {
    return open(current(worker), new byte[0], true)
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
