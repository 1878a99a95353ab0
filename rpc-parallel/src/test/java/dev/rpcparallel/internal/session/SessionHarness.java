package dev.rpcparallel.internal.session;

import dev.rpcparallel.internal.concurrent.ManualScheduler;
import dev.rpcparallel.internal.protocol.Auth;
import dev.rpcparallel.internal.protocol.FunctionKind;
import dev.rpcparallel.internal.protocol.Menu;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * A client and a server session joined by an in-memory link, on a manual clock: link events run
 * inline on the thread that causes them, handlers on a small pool or (for tests driven by the
 * clock) inline too, so that everything a clock advance causes has happened when it returns. No
 * socket, no sleep.
 */
final class SessionHarness implements AutoCloseable {
  static final byte[] APP_SECRET = "0123456789abcdef0123456789abcdef".getBytes();
  static final UUID WORKER = UUID.fromString("00000000-0000-0000-0000-000000000042");
  static final Auth.Terms TERMS = new Auth.Terms(WORKER, 0, 0);
  /** The credential of {@link #WORKER}, generation 0, no expiry. */
  static final byte[] KEY = Auth.credential(APP_SECRET, TERMS);
  final HandshakeQueue handshakes = new HandshakeQueue(HandshakeQueue.PER_LISTENER, null);
  final List<String> misbehaviour = new java.util.concurrent.CopyOnWriteArrayList<>();
  Duration authFailureDelay = Duration.ZERO;

  final ManualScheduler clock = new ManualScheduler();
  final ExecutorService pool = Executors.newCachedThreadPool();
  final Executor handlers;
  final Executor inline = Runnable::run;
  final SessionConfig config;
  final List<ServerMethod> methods = new ArrayList<>();
  final List<String> opens = new ArrayList<>();
  ClientSession client;
  ServerSession server;
  InMemoryLink clientLink;
  /** What the acceptor does on TURN ({@link ConnectionAcceptor#turn}); by default refuses it. */
  java.util.function.BiFunction<ServerConnection, Link, ClientSession> onTurn = (connection, link) -> null;
  /** What the acceptor does on OPEN; by default accepts with {@link #methods}. */
  Function<byte[], ConnectionAcceptor.Dispatch> onOpen = arg -> index -> index < methods.size() ? methods.get(index) : null;

  SessionHarness() {
    this(1 << 20, false);
  }

  /** Handlers run inline: one thread does everything, in a fixed order (for clock-driven tests). */
  static SessionHarness deterministic() {
    return new SessionHarness(1 << 20, true);
  }

  SessionHarness(int window, boolean inlineHandlers) {
    this(window, 16 << 20, inlineHandlers);
  }

  SessionHarness(int window, long readBufferLimit, boolean inlineHandlers) {
    this(window, readBufferLimit, inlineHandlers, 1024, 256);
  }

  /** Handlers on a pool; at most {@code maxConcurrentCalls} calls (and as many streams) per connection. */
  static SessionHarness withMaxConcurrentCalls(int maxConcurrentCalls) {
    return new SessionHarness(1 << 20, 16 << 20, false, maxConcurrentCalls, maxConcurrentCalls);
  }

  private SessionHarness(int window, long readBufferLimit, boolean inlineHandlers, int maxConcurrentCalls, int maxOpenStreams) {
    this.handlers = inlineHandlers ? inline : pool;
    this.config = new SessionConfig(1 << 20, Duration.ofSeconds(30), Duration.ofSeconds(10), Duration.ofSeconds(30), window,
        8 << 20, readBufferLimit, maxConcurrentCalls, maxOpenStreams);
  }

  SessionHarness method(String name, FunctionKind kind, Function<IncomingCall, Runnable> accept) {
    return method(name, kind, false, accept);
  }

  /** A method whose work runs on the link's thread ({@code Implementations.directRpc}) if {@code direct}. */
  SessionHarness method(String name, FunctionKind kind, boolean direct, Function<IncomingCall, Runnable> accept) {
    methods.add(new ServerMethod() {
      @Override
      public boolean direct() {
        return direct;
      }

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
    });
    return this;
  }

  Menu menu() {
    List<Menu.Entry> entries = new ArrayList<>();
    for (int i = 0; i < methods.size(); i++) {
      entries.add(new Menu.Entry(i, methods.get(i).name(), "sig-" + methods.get(i).name()));
    }
    return new Menu(entries);
  }

  /** The worker side: worker {@link #WORKER} named "w", key {@link #KEY}, {@link #methods}. */
  ConnectionAcceptor acceptor() {
    Menu menu = menu();
    return new ConnectionAcceptor() {
      @Override
      public UUID workerId() {
        return WORKER;
      }

      @Override
      public String workerName() {
        return "w";
      }

      @Override
      public byte[] credential(Auth.Terms terms) {
        return Auth.credential(APP_SECRET, terms);
      }

      @Override
      public String refusal(Auth.Terms terms) {
        return terms.expiresAtMillis() != 0 && terms.expiresAtMillis() < System.currentTimeMillis() ? "credential expired" : null;
      }

      @Override
      public HandshakeQueue handshakes() {
        return handshakes;
      }

      @Override
      public void peerMisbehaved(String remoteAddress, String reason) {
        misbehaviour.add(reason);
      }

      @Override
      public Duration authenticationFailed() {
        return authFailureDelay;
      }

      @Override
      public Menu menu() {
        return menu;
      }

      @Override
      public Executor executor() {
        return handlers;
      }

      @Override
      public ClientSession turn(ServerConnection connection, Link link, TurnProof proof) {
        if (!proof.provenBy(KEY)) {
          throw new dev.rpcparallel.internal.protocol.WireException(
              dev.rpcparallel.internal.protocol.ErrorCode.AUTHENTICATION_FAILED, "TURN not proven with the credential of worker w");
        }
        return onTurn.apply(connection, link);
      }

      @Override
      public Dispatch open(ServerConnection connection, Auth.Terms terms, byte[] connectionArg, boolean control) {
        opens.add(new String(connectionArg));
        return onOpen.apply(connectionArg);
      }
    };
  }

  /** Connects with {@code key} to worker {@code target}; returns the client's opened future. */
  CompletableFuture<ClientSession> connect(byte[] key, UUID target, byte[] arg) {
    ConnectionAcceptor acceptor = acceptor();
    ClientSession.Target t = new ClientSession.Target(new Auth.Terms(target, 0, 0), "w", "in-memory:1", key, arg, false);
    clientLink = InMemoryLink.connect(inline, clock,
        link -> client = new ClientSession(link, config, t),
        link -> server = new ServerSession(link, config, acceptor));
    return client.opened();
  }

  ClientSession open() throws Exception {
    return connect(KEY, WORKER, "arg".getBytes()).get(5, TimeUnit.SECONDS);
  }

  /** A codec-free helper: the signature the harness's menu gives {@code name}. */
  static String sig(String name) {
    return "sig-" + name;
  }

  static <T> T await(CompletableFuture<T> f) throws Exception {
    return f.get(5, TimeUnit.SECONDS);
  }

  @Override
  public void close() {
    pool.shutdownNow();
  }

}
