package dev.rpcparallel.internal.session;

import dev.rpcparallel.internal.protocol.Auth;
import dev.rpcparallel.internal.protocol.Menu;
import java.time.Duration;
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

  /** The key a client must prove it holds for {@code terms} (derived from the application secret). */
  byte[] credential(Auth.Terms terms);

  /**
   * Why a client that proved it holds the credential for {@code terms} is still refused (it
   * expired, or its generation was retired), or null if it is accepted.
   */
  String refusal(Auth.Terms terms);

  /** Where connections wait until they authenticate (bounded; the oldest is pushed out). */
  HandshakeQueue handshakes();

  /**
   * The server closed a connection because of what its peer did (a protocol violation, a failed
   * authentication...). For a rate-limited log: a peer can cause this at will.
   */
  void peerMisbehaved(String remoteAddress, String reason);

  /** Counts a failed authentication; returns how long to wait before closing the connection. */
  Duration authenticationFailed();

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
  Dispatch open(ServerConnection connection, Auth.Terms terms, byte[] connectionArg, boolean control) throws Exception;

  /**
   * A connection that passed authentication was refused (by {@link #open}); the refusal has been
   * sent. Handler thread.
   */
  default void refused() {}

  /**
   * The client of {@code connection} sent TURN with {@code proof}: it will serve on {@code link}
   * from its next frame on. Returns the client session that takes the link over (not started; the
   * caller hands the link to it and starts it), or null if this server does not expect that (a
   * protocol error: the connection is closed). Link thread. Only the master server expects it,
   * from a worker whose spawn waits for a connection.
   *
   * @throws dev.rpcparallel.internal.protocol.WireException {@code AUTHENTICATION_FAILED} if the
   *     proof is not the worker's (the connection is closed with it)
   */
  default ClientSession turn(ServerConnection connection, Link link, TurnProof proof) {
    return null;
  }

  /**
   * What a TURN frame proves: {@code mac} should be {@code Auth.turnProof} of the turning
   * worker's own credential over this connection's handshake nonces.
   */
  record TurnProof(byte[] serverNonce, byte[] clientNonce, byte[] mac) {
    /** Whether {@code mac} is the proof of {@code workerCredential} (constant time). */
    public boolean provenBy(byte[] workerCredential) {
      return Auth.matches(Auth.turnProof(workerCredential, serverNonce, clientNonce), mac);
    }
  }

  /** The methods of one accepted connection, by menu index. */
  interface Dispatch {
    /** The method at {@code index}, or null if there is none. */
    ServerMethod method(int index);
  }
}
