package dev.rpcparallel.internal.session;

import dev.rpcparallel.internal.protocol.ErrorCode;
import java.util.concurrent.CompletableFuture;

/** The server end of one connection, as the worker's engine sees it. Thread-safe. */
public interface ServerConnection {

  String remoteAddress();

  /** Completes with the close reason when the connection closes. */
  CompletableFuture<String> closeFuture();

  /** Closes the connection, telling the client why. Idempotent. */
  void close(ErrorCode code, String reason);
}
