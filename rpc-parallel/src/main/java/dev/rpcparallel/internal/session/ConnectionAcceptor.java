package dev.rpcparallel.internal.session;

import dev.rpcparallel.internal.protocol.Menu;
import java.util.UUID;
import java.util.concurrent.Executor;

/**
 * The worker side of server sessions: who the server is, and how a connection that passed the
 * handshake is accepted. Thread-safe.
 */
public interface ConnectionAcceptor {

  UUID workerId();

  /** The worker's name or id, for messages and remote errors. */
  String workerName();

  /** The key clients must prove they hold. */
  byte[] credential();

  /** The functions offered, in index order (the same for every connection). */
  Menu menu();

  /** Where handlers run. */
  Executor executor();

  /**
   * Accepts a connection (on a handler thread): builds its state from {@code connectionArg} and
   * returns its methods. A control connection skips the connection state and may only reach
   * built-in functions.
   *
   * @throws Exception to refuse it (e.g. {@code initConnectionState} threw); the client receives
   *     the error
   */
  Dispatch open(ServerConnection connection, byte[] connectionArg, boolean control) throws Exception;

  /** The methods of one accepted connection, by menu index. */
  interface Dispatch {
    /** The method at {@code index}, or null if there is none. */
    ServerMethod method(int index);
  }
}
