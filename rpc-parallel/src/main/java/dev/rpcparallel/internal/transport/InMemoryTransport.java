package dev.rpcparallel.internal.transport;

import dev.rpcparallel.internal.protocol.ErrorCode;
import dev.rpcparallel.internal.protocol.WireException;
import dev.rpcparallel.internal.session.InMemoryLink;
import dev.rpcparallel.internal.session.Link;
import dev.rpcparallel.internal.session.LinkHandler;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * Listeners and links that live in memory, for one application: no socket is opened, yet every
 * frame is encoded, copied and decoded as over TCP. "Ports" are numbers private to this
 * transport; the host part of an address is {@value #HOST}.
 */
public final class InMemoryTransport implements Transport {
  /** The host name of in-memory addresses. */
  public static final String HOST = "in-memory";

  private static final String NO_TLS = "in-memory links have no TLS: they never leave this process";

  private final Executor executor;
  private final ScheduledExecutorService timers;
  private final Map<Integer, Function<Link, LinkHandler>> listeners = new ConcurrentHashMap<>();
  private final AtomicInteger ports = new AtomicInteger();

  public InMemoryTransport(Executor executor, ScheduledExecutorService timers) {
    this.executor = executor;
    this.timers = timers;
  }

  /**
   * {@inheritDoc}
   *
   * @throws IllegalArgumentException if {@code tls} is present: in-memory links never leave the
   *     process, and have no TLS
   */
  @Override
  public Listener listen(String host, int port, Optional<Tls> tls, Function<Link, LinkHandler> sessions) {
    if (tls.isPresent()) {
      throw new IllegalArgumentException(NO_TLS);
    }
    int p = port != 0 ? port : ports.incrementAndGet();
    if (listeners.putIfAbsent(p, sessions) != null) {
      throw new WireException(ErrorCode.CONNECT_FAILED, "in-memory port " + p + " is taken");
    }
    return new Listener() {
      @Override
      public int port() {
        return p;
      }

      @Override
      public void close() {
        listeners.remove(p, sessions);
      }
    };
  }

  /** {@inheritDoc} A present {@code tls} fails the future with an {@link IllegalArgumentException}. */
  @Override
  public CompletableFuture<Void> connect(String host, int port, Duration timeout, Optional<Tls> tls,
      Function<Link, LinkHandler> session) {
    if (tls.isPresent()) {
      return CompletableFuture.failedFuture(new IllegalArgumentException(NO_TLS));
    }
    Function<Link, LinkHandler> server = HOST.equals(host) ? listeners.get(port) : null;
    if (server == null) {
      return CompletableFuture.failedFuture(new WireException(ErrorCode.CONNECT_FAILED,
          "cannot connect to " + host + ":" + port + ": no in-memory worker listens there in this application"));
    }
    InMemoryLink.connect(executor, timers, session, server);
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public void shutdown() {
    listeners.clear();
  }
}
