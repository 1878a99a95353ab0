package dev.rpcparallel;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** Waits for futures and rethrows their failure unwrapped. */
final class Futures {
  private Futures() {}

  static <T> T await(CompletableFuture<T> f) {
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RpcParallelException(RpcParallelException.Kind.CANCELLED, "interrupted while waiting", e);
    } catch (ExecutionException e) {
      throw rethrow(e.getCause());
    } catch (CancellationException e) {
      throw new RpcParallelException(RpcParallelException.Kind.CANCELLED, "cancelled", e);
    }
  }

  static RuntimeException rethrow(Throwable t) {
    while (t instanceof CompletionException && t.getCause() != null) {
      t = t.getCause();
    }
    if (t instanceof RuntimeException r) {
      return r;
    }
    if (t instanceof Error e) {
      throw e;
    }
    return new RpcParallelException(RpcParallelException.Kind.PROTOCOL_ERROR, t.toString(), t);
  }
}
