package dev.rpcparallel.internal.transport;

import dev.rpcparallel.internal.session.Link;
import dev.rpcparallel.internal.session.LinkHandler;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * Opens listeners and outgoing links; sessions are made from each new {@link Link} by the given
 * factories. Thread-safe.
 */
public interface Transport {

  /**
   * Starts listening on {@code host}:{@code port} (0: any free port).
   *
   * @throws dev.rpcparallel.internal.protocol.WireException {@code CONNECT_FAILED} if the address
   *     cannot be bound
   */
  Listener listen(String host, int port, Function<Link, LinkHandler> sessions);

  /**
   * Connects to {@code host}:{@code port}; the session is made once the link is up. The future
   * fails with a {@code WireException} of code {@code CONNECT_FAILED} if the peer cannot be
   * reached within {@code timeout}.
   */
  CompletableFuture<Void> connect(String host, int port, Duration timeout, Function<Link, LinkHandler> session);

  /** Stops the transport's threads; links still open are closed. */
  void shutdown();

  /** A listening socket (or its in-memory equivalent). */
  interface Listener {
    /** The port actually bound. */
    int port();

    /** Stops accepting; existing links stay. Idempotent. */
    void close();
  }
}
