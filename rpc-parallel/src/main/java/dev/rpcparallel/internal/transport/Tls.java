package dev.rpcparallel.internal.transport;

import java.time.Duration;
import java.util.Objects;

/**
 * TLS for a listener or an outgoing link (see {@link Transport}): the application's {@link
 * TlsContexts} and how long a TLS handshake may take before the connection is dropped (for an
 * outgoing link, at most the connect timeout). Immutable.
 *
 * @param contexts the application's contexts, shared by all its links
 * @param handshakeTimeout positive
 */
public record Tls(TlsContexts contexts, Duration handshakeTimeout) {
  /**
   * @throws IllegalArgumentException if {@code handshakeTimeout} is not positive
   */
  public Tls {
    Objects.requireNonNull(contexts, "contexts");
    Objects.requireNonNull(handshakeTimeout, "handshakeTimeout");
    if (handshakeTimeout.isNegative() || handshakeTimeout.isZero()) {
      throw new IllegalArgumentException("the TLS handshake timeout must be positive: " + handshakeTimeout);
    }
  }
}
