package dev.rpcparallel.internal.transport;

import dev.rpcparallel.internal.session.Link;
import dev.rpcparallel.internal.session.LinkHandler;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * Opens listeners and outgoing links, in plain TCP or in TLS ({@link Tls}); sessions are made from
 * each new {@link Link} by the given factories. Thread-safe.
 */
public interface Transport {

  /**
   * Starts listening on {@code host}:{@code port} (0: any free port).
   *
   * @throws dev.rpcparallel.internal.protocol.WireException {@code CONNECT_FAILED} if the address
   *     cannot be bound
   */
  default Listener listen(String host, int port, Function<Link, LinkHandler> sessions) {
    return listen(host, port, Optional.empty(), sessions);
  }

  /**
   * Starts listening on {@code host}:{@code port} (0: any free port), with TLS if {@code tls} is
   * present: then a connection's session is made only once its TLS handshake succeeded (within
   * {@link Tls#handshakeTimeout()}); connections that fail it are closed and logged, and never
   * reach {@code sessions}.
   *
   * @throws dev.rpcparallel.internal.protocol.WireException {@code CONNECT_FAILED} if the address
   *     cannot be bound
   * @throws IllegalArgumentException if this transport cannot do TLS and {@code tls} is present
   */
  Listener listen(String host, int port, Optional<Tls> tls, Function<Link, LinkHandler> sessions);

  /**
   * Connects to {@code host}:{@code port}; the session is made once the link is up. The future
   * fails with a {@code WireException} of code {@code CONNECT_FAILED} if the peer cannot be
   * reached within {@code timeout}.
   */
  default CompletableFuture<Void> connect(String host, int port, Duration timeout, Function<Link, LinkHandler> session) {
    return connect(host, port, timeout, Optional.empty(), session);
  }

  /**
   * Connects to {@code host}:{@code port}, with TLS if {@code tls} is present: then the session is
   * made, and the future completes, only once the TLS handshake succeeded. The future fails with a
   * {@code WireException} of code {@code CONNECT_FAILED} if the peer cannot be reached within
   * {@code timeout}, or if the TLS handshake fails or takes longer than the smaller of {@code
   * timeout} and {@link Tls#handshakeTimeout()} (message "TLS handshake with host:port failed:
   * reason"); no session is made then.
   *
   * <p>In TLS 1.3 a client's handshake completes before the server has checked the client's
   * certificate: a server that refuses it closes the link after the session started, which then
   * sees the link close with a reason that starts with "TLS error:".
   */
  CompletableFuture<Void> connect(String host, int port, Duration timeout, Optional<Tls> tls,
      Function<Link, LinkHandler> session);

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
