package dev.rpcparallel.internal.transport;

import io.netty.channel.Channel;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Bounds the connections of one TLS listener that have not finished their TLS handshake: past
 * {@link #MAX_PENDING}, the oldest is closed to make room, so idle or slow peers cannot hold a
 * listener's sockets, and a legitimate client is pushed out only by as many newer connections as
 * the limit (as for connections waiting to authenticate, SECURITY.md). Each of them also has at
 * most {@link #MAX_HANDSHAKE_MILLIS} to finish. Thread-safe (one per listener; its channels may
 * live on different event loops).
 */
final class TlsHandshakeLimit {
  /** Connections in their TLS handshake per listener. */
  static final int MAX_PENDING = 64;
  /** The longest a TLS handshake may take on a listener, whatever the settings say. */
  static final long MAX_HANDSHAKE_MILLIS = 5_000;

  private final Deque<Channel> pending = new ArrayDeque<>();

  /** A new connection starts its handshake; closes the oldest pending one if there are too many. */
  void started(Channel ch) {
    Channel evicted = null;
    synchronized (this) {
      pending.addLast(ch);
      if (pending.size() > MAX_PENDING) {
        evicted = pending.pollFirst();
      }
    }
    if (evicted != null) {
      evicted.close();
    }
    ch.closeFuture().addListener(f -> ended(ch));
  }

  /** The connection finished its handshake (either way) or closed. */
  synchronized void ended(Channel ch) {
    pending.remove(ch);
  }

  /** For tests. */
  synchronized int pending() {
    return pending.size();
  }
}
