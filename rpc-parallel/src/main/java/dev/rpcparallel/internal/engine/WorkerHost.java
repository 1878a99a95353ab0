package dev.rpcparallel.internal.engine;

import dev.rpcparallel.ConnectionContext;
import dev.rpcparallel.LogEntry;
import dev.rpcparallel.RpcSettings;
import dev.rpcparallel.WorkerContext;
import dev.rpcparallel.WorkerSpec;
import dev.rpcparallel.codec.Codec;
import dev.rpcparallel.internal.protocol.ErrorCode;
import dev.rpcparallel.internal.protocol.Frames;
import dev.rpcparallel.internal.protocol.FunctionKind;
import dev.rpcparallel.internal.protocol.Menu;
import dev.rpcparallel.internal.protocol.WireException;
import dev.rpcparallel.internal.session.ClientSession;
import dev.rpcparallel.internal.session.ConnectionAcceptor;
import dev.rpcparallel.internal.session.HandshakeQueue;
import dev.rpcparallel.internal.session.IncomingCall;
import dev.rpcparallel.internal.session.Link;
import dev.rpcparallel.internal.session.OutboundStream;
import dev.rpcparallel.internal.session.ServerConnection;
import dev.rpcparallel.internal.session.ServerMethod;
import dev.rpcparallel.internal.transport.Transport;
import dev.rpcparallel.internal.concurrent.RateLimitedLog;
import dev.rpcparallel.internal.protocol.Auth;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.LoggerFactory;

/**
 * One worker hosted in this JVM: its spec, state and implementation table, its listener, its
 * handle and its connections. It accepts connections for its server sessions: runs {@code
 * initConnectionState}, then gives each connection its methods (the spec's, then the built-ins).
 * Thread-safe.
 *
 * @param <S> the worker state
 * @param <C> the connection argument
 * @param <T> the connection state
 */
final class WorkerHost<S, C, T> implements ConnectionAcceptor {

  /** What the host's owner hears about, for lifecycle rules. */
  interface Events {
    Events NONE = new Events() {};

    /** A (non-control) connection finished its handshake. */
    default void opened(ServerConnection connection) {}

    /** {@code initConnectionState} threw for a connection. */
    default void refused() {}

    /** The built-in shutdown function was called. */
    default void shutdownRequested() {}
  }

  private final UUID id;
  private final String nameOrId;
  private final WorkerSpec<?, S, C, T> spec;
  private final S state;
  private final MethodTable<S, T> table;
  private final Menu menu;
  private final byte[] appSecret;
  private final AtomicLong minGeneration = new AtomicLong();
  private final AtomicLong failedAuthentications = new AtomicLong();
  private final HandshakeQueue handshakes;
  private final RateLimitedLog violations;
  private final Executor executor;
  private final HostedContext context;
  private final LogHub log;
  private final RpcSettings settings;
  private final boolean closeServerAllowed;
  /** Open connections and the generation of the credential each authenticated with. */
  private final Map<ServerConnection, Long> connections = new ConcurrentHashMap<>();
  private volatile Events events = Events.NONE;
  /** Who takes the links of connections whose client turns them (the master server only). */
  private volatile Turns<T> turns;
  /** The state of each open connection, kept only when {@link #turns} is set. */
  private final Map<ServerConnection, T> turnable = new ConcurrentHashMap<>();
  private volatile Transport.Listener listener;
  private volatile boolean tls;

  WorkerHost(
      UUID id,
      String nameOrId,
      WorkerSpec<?, S, C, T> spec,
      S state,
      byte[] appSecret,
      Executor executor,
      HostedContext context,
      LogHub log,
      RpcSettings settings,
      boolean closeServerAllowed,
      HandshakeQueue applicationHandshakes) {
    this.handshakes = new HandshakeQueue(HandshakeQueue.PER_LISTENER, applicationHandshakes);
    this.violations = new RateLimitedLog(LoggerFactory.getLogger(WorkerHost.class), executor, 10);
    this.id = id;
    this.nameOrId = nameOrId;
    this.spec = spec;
    this.state = state;
    this.appSecret = appSecret.clone();
    this.executor = executor;
    this.context = context;
    this.log = log;
    this.settings = settings;
    this.closeServerAllowed = closeServerAllowed;
    this.table = new MethodTable<>();
    spec.implement(table);
    List<Menu.Entry> entries = new ArrayList<>(table.menuEntries());
    int n = entries.size();
    for (Builtins.Fn<?, ?> f : List.of(Builtins.SHUTDOWN, Builtins.LOG, Builtins.CLOSE_SERVER, Builtins.SETTINGS, Builtins.RETIRE)) {
      entries.add(new Menu.Entry(n++, f.name(), f.signature()));
    }
    this.menu = new Menu(entries);
  }

  void setEvents(Events events) {
    this.events = events;
  }

  /** Who takes over a connection its client turns (see {@link ConnectionAcceptor#turn}). */
  interface Turns<T> {
    /** The session for the link of the connection whose state is {@code connectionState}, or null to refuse. */
    ClientSession turn(T connectionState, Link link, ConnectionAcceptor.TurnProof proof);
  }

  /** Accepts TURN from clients, through {@code turns}; set before the host is reachable. */
  void acceptTurns(Turns<T> turns) {
    this.turns = turns;
  }

  @Override
  public ClientSession turn(ServerConnection connection, Link link, ConnectionAcceptor.TurnProof proof) {
    Turns<T> t = turns;
    T state = turnable.remove(connection);
    return t == null || state == null ? null : t.turn(state, link, proof);
  }

  /** Starts listening with {@code listen}, which is given this host's session factory input. */
  void listenWith(Function<WorkerHost<S, C, T>, Transport.Listener> listen, boolean tls) {
    this.listener = listen.apply(this);
    this.tls = tls;
  }

  /** Whether its listener speaks TLS. */
  boolean usesTls() {
    return tls;
  }

  int port() {
    return listener.port();
  }

  HostedContext context() {
    return context;
  }

  String specClassName() {
    return spec.getClass().getName();
  }

  // ---- ConnectionAcceptor ----

  @Override
  public UUID workerId() {
    return id;
  }

  @Override
  public String workerName() {
    return nameOrId;
  }

  @Override
  public byte[] credential(Auth.Terms terms) {
    return Auth.credential(appSecret, terms);
  }

  @Override
  public String refusal(Auth.Terms terms) {
    if (terms.generation() < minGeneration.get()) {
      return "credential retired";
    }
    if (terms.expiresAtMillis() != 0 && terms.expiresAtMillis() <= System.currentTimeMillis()) {
      return "credential expired";
    }
    return null;
  }

  @Override
  public void refused() {
    events.refused();
  }

  @Override
  public void peerMisbehaved(String remoteAddress, String reason) {
    violations.warn("worker " + nameOrId + " closed a connection from " + remoteAddress + ": " + reason);
  }

  @Override
  public HandshakeQueue handshakes() {
    return handshakes;
  }

  /** Each failure in a row makes the next refusal wait 50 ms longer, up to 1 s. */
  @Override
  public Duration authenticationFailed() {
    long n = failedAuthentications.incrementAndGet();
    return Duration.ofMillis(Math.min(1000, 50 * (n - 1)));
  }

  @Override
  public Menu menu() {
    return menu;
  }

  @Override
  public Executor executor() {
    return executor;
  }

  @Override
  public Dispatch open(ServerConnection connection, Auth.Terms terms, byte[] connectionArg, boolean control) throws Exception {
    List<MethodTable.Binding<S, T>> bindings = table.bindings();
    ServerMethod[] methods = new ServerMethod[menu.entries().size()];
    T connectionState = null;
    if (control) {
      for (int i = 0; i < bindings.size(); i++) {
        methods[i] = forbidden(bindings.get(i), connection);
      }
    } else {
      // A throw here refuses the connection: the session sends the refusal, then calls refused().
      Codec<C> argCodec = spec.connectionArgCodec();
      C arg = Frames.decode(argCodec, connectionArg, 0, "the connection argument of worker " + nameOrId);
      connectionState = spec.initConnectionState(new Context(connection), state, arg);
      for (int i = 0; i < bindings.size(); i++) {
        methods[i] = bindings.get(i).bind(state, connectionState, connection);
      }
    }
    int b = bindings.size();
    methods[b] = builtin(Builtins.SHUTDOWN.name(), FunctionKind.ONE_WAY, call -> () -> events.shutdownRequested());
    methods[b + 1] = builtin(Builtins.LOG.name(), FunctionKind.STATE, call -> {
      OutboundStream<LogEntry> out = call.outbound(LogEntry.CODEC);
      return () -> {
        log.subscribe(out);
        call.reply(Builtins.LOG.result(), null);
      };
    });
    methods[b + 2] = builtin(Builtins.CLOSE_SERVER.name(), FunctionKind.RPC, call -> () -> {
      if (!closeServerAllowed) {
        call.fail(new WireException(ErrorCode.FORBIDDEN, "the master's server cannot be closed: later spawns need it"));
        return;
      }
      closeListener();
      call.reply(Builtins.CLOSE_SERVER.result(), null);
    });
    methods[b + 3] = builtin(Builtins.SETTINGS.name(), FunctionKind.RPC, call -> () -> call.reply(Builtins.SETTINGS.result(), settings));
    methods[b + 4] = builtin(Builtins.RETIRE.name(), FunctionKind.RPC, call -> () -> {
      Builtins.Retirement order;
      try {
        order = call.query(Builtins.RETIRE.query());
      } catch (WireException e) {
        call.fail(e);
        return;
      }
      if (!Auth.matches(Auth.retireProof(appSecret, id, order.generation()), order.proof())) {
        call.fail(new WireException(ErrorCode.FORBIDDEN, "retiring credentials needs the application secret"));
        return;
      }
      // The connection carrying the order is usually of a generation it retires: it gets its
      // answer first (the OK is queued before the CLOSE), then it is closed like the others.
      retire(order.generation(), connection);
      context.retired(order.generation(), appSecret);
      call.reply(Builtins.RETIRE.result(), null);
      Long own = connections.get(connection);
      if (own != null && own < order.generation()) {
        connection.close(ErrorCode.AUTHENTICATION_FAILED, "credential retired");
      }
    });
    connections.put(connection, terms.generation());
    connection.closeFuture().thenRun(() -> connections.remove(connection));
    if (turns != null && !control && connectionState != null) {
      turnable.put(connection, connectionState);
      connection.closeFuture().thenRun(() -> turnable.remove(connection));
    }
    // A retirement that ran while this connection was opening (initConnectionState may take long)
    // could not close it: it was not in connections yet. Refuse it as its AUTH would be now.
    if (terms.generation() < minGeneration.get()) {
      connections.remove(connection);
      throw new WireException(ErrorCode.AUTHENTICATION_FAILED, "credential retired");
    }
    failedAuthentications.set(0);
    if (!control) {
      events.opened(connection);
    }
    return index -> index >= 0 && index < methods.length ? methods[index] : null;
  }

  private static ServerMethod builtin(String name, FunctionKind kind, Function<IncomingCall, Runnable> accept) {
    return new ServerMethod() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public FunctionKind kind() {
        return kind;
      }

      @Override
      public Runnable accept(IncomingCall call) {
        return accept.apply(call);
      }
    };
  }

  /** What a control connection gets in place of a user function. */
  private static ServerMethod forbidden(MethodTable.Binding<?, ?> binding, ServerConnection connection) {
    String why = "control connections may only call built-in functions, not '" + binding.name + "'";
    return builtin(binding.name, binding.kind, call -> () -> {
      if (binding.kind == FunctionKind.ONE_WAY) {
        connection.close(ErrorCode.FORBIDDEN, why);
      } else {
        call.fail(new WireException(ErrorCode.FORBIDDEN, why));
      }
    });
  }

  // ---- lifecycle ----

  /** Stops accepting connections; existing ones stay. Idempotent. */
  void closeListener() {
    Transport.Listener l = listener;
    if (l != null) {
      l.close();
    }
  }

  /**
   * Refuses credentials of generations below {@code generation} and closes the connections they
   * opened, except {@code caller} (the connection that carried the order, closed once answered).
   */
  private void retire(long generation, ServerConnection caller) {
    minGeneration.accumulateAndGet(generation, Math::max);
    connections.forEach((c, g) -> {
      if (g < generation && c != caller) {
        c.close(ErrorCode.AUTHENTICATION_FAILED, "credential retired");
      }
    });
  }

  /** Stops accepting and closes every connection with {@code reason}. */
  void close(String reason) {
    closeListener();
    for (ServerConnection c : connections.keySet()) {
      c.close(ErrorCode.SHUTDOWN, reason);
    }
  }

  /** The server side of a connection, as {@code initConnectionState} sees it. */
  private final class Context implements ConnectionContext {
    private final ServerConnection connection;

    Context(ServerConnection connection) {
      this.connection = connection;
    }

    @Override
    public WorkerContext worker() {
      return context;
    }

    @Override
    public String remoteAddress() {
      return connection.remoteAddress();
    }

    @Override
    public void onClose(Consumer<String> onClose) {
      connection.closeFuture().thenAcceptAsync(onClose, executor);
    }
  }
}
