package dev.rpcparallel.internal.session;

import dev.rpcparallel.internal.protocol.ErrorCode;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Connections that have not authenticated yet, oldest first, at most {@code limit} of them: one
 * more pushes the oldest out (it is closed). Idle or slow peers thus cannot hold off a new,
 * legitimate client, and a peer that never authenticates holds its socket at most until it is
 * pushed out or the authentication timeout ends it. Queues chain: a listener's queue registers its
 * connections in the process's queue too. Thread-safe.
 */
public final class HandshakeQueue {
  /** Default bound of a listener's queue. */
  public static final int PER_LISTENER = 64;
  /** Default bound of an application's queue (all its listeners). */
  public static final int PER_APPLICATION = 256;

  private final int limit;
  private final HandshakeQueue parent;
  private final Set<Session> waiting = new LinkedHashSet<>();

  public HandshakeQueue(int limit, HandshakeQueue parent) {
    this.limit = limit;
    this.parent = parent;
  }

  /** A new connection starts its handshake. */
  void add(Session s) {
    Session evicted = null;
    synchronized (this) {
      waiting.add(s);
      if (waiting.size() > limit) {
        evicted = waiting.iterator().next();
        waiting.remove(evicted);
      }
    }
    if (parent != null) {
      parent.add(s);
    }
    if (evicted != null) {
      evicted.close(ErrorCode.PROTOCOL_ERROR, "too many connections awaiting authentication");
    }
  }

  /** The connection authenticated or closed. */
  void remove(Session s) {
    synchronized (this) {
      waiting.remove(s);
    }
    if (parent != null) {
      parent.remove(s);
    }
  }

  /** Connections waiting now. */
  public synchronized int size() {
    return waiting.size();
  }
}
