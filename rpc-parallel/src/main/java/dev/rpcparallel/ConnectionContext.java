package dev.rpcparallel;

import java.util.function.Consumer;

/**
 * The server side of one client connection, given to {@link WorkerSpec#initConnectionState}: for
 * registering close callbacks, not for making calls. Thread-safe.
 */
public interface ConnectionContext {
  /** The worker this connection is to. */
  WorkerContext worker();

  /** The client's address, e.g. {@code "127.0.0.1:51234"}. */
  String remoteAddress();

  /** Runs {@code onClose} with the close reason once the connection closes (at once if closed). */
  void onClose(Consumer<String> onClose);
}
