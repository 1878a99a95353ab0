package dev.rpcparallel.internal.engine;

import dev.rpcparallel.ConnectionClosedException;
import dev.rpcparallel.RemoteException;
import dev.rpcparallel.RpcParallelException;
import dev.rpcparallel.RpcParallelException.Kind;
import dev.rpcparallel.internal.protocol.ConnectionLost;
import dev.rpcparallel.internal.protocol.ErrorCode;
import dev.rpcparallel.internal.protocol.RemoteFailure;
import dev.rpcparallel.internal.protocol.WireException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** Maps the lower layers' failures to the public exception types, and waits for futures. */
public final class Errors {
  private Errors() {}

  /** The public exception for {@code t}, unwrapping completion wrappers. */
  public static RuntimeException toApi(Throwable t) {
    while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
      t = t.getCause();
    }
    if (t instanceof RemoteFailure r) {
      return remote(r);
    }
    if (t instanceof ConnectionLost c) {
      return new ConnectionClosedException(c.reason());
    }
    if (t instanceof WireException w) {
      return new RpcParallelException(kind(w.code()), w.getMessage(), w.getCause() != null ? w.getCause() : null);
    }
    if (t instanceof CancellationException c) {
      return new RpcParallelException(Kind.CANCELLED, "cancelled", c);
    }
    if (t instanceof RuntimeException r) {
      return r;
    }
    if (t instanceof Error e) {
      throw e;
    }
    return new RpcParallelException(Kind.PROTOCOL_ERROR, t.toString(), t);
  }

  /**
   * The failure of a blocking call, as thrown to its caller: an {@link RpcParallelException} made
   * on another thread is copied here, so its stack trace shows the caller (the same kind, message
   * and cause; the original is kept as suppressed). A {@link RemoteException}'s stack is the
   * worker's, on purpose, and other exceptions are the caller's own: they are left as they are.
   */
  static RuntimeException withCallerStack(RuntimeException e) {
    if (e instanceof ConnectionClosedException c) {
      ConnectionClosedException copy = new ConnectionClosedException(c.reason());
      copy.addSuppressed(c);
      return copy;
    }
    if (e instanceof RpcParallelException r && r.getClass() == RpcParallelException.class) {
      RpcParallelException copy = new RpcParallelException(r.kind(), r.getMessage(), r.getCause());
      copy.addSuppressed(r);
      return copy;
    }
    return e;
  }

  static RemoteException remote(RemoteFailure r) {
    RemoteException cause = r.remoteCause() != null ? remote(r.remoteCause()) : null;
    return new RemoteException(r.className(), r.remoteMessage(), r.worker(), r.stack(), cause);
  }

  /** The public kind of a code. */
  public static Kind kind(ErrorCode code) {
    return switch (code) {
      case CONNECT_FAILED, REFUSED -> Kind.CONNECT_FAILED;
      case AUTHENTICATION_FAILED -> Kind.AUTHENTICATION_FAILED;
      case UNKNOWN_FUNCTION -> Kind.UNKNOWN_FUNCTION;
      case SHAPE_MISMATCH -> Kind.SHAPE_MISMATCH;
      case MESSAGE_TOO_LARGE -> Kind.MESSAGE_TOO_LARGE;
      case CANCELLED -> Kind.CANCELLED;
      case LIMIT_EXCEEDED -> Kind.LIMIT_EXCEEDED;
      case FORBIDDEN -> Kind.FORBIDDEN;
      case PROTOCOL_ERROR, DECODE_FAILED, INTERNAL_ERROR -> Kind.PROTOCOL_ERROR;
      case CLOSED, CONNECTION_CLOSED, HANDSHAKE_TIMEOUT, HEARTBEAT_TIMEOUT, SHUTDOWN, HANDLER_FAILED -> Kind.CONNECTION_CLOSED;
    };
  }

  /** Waits for {@code f} and returns its value, or throws its failure as a public exception. */
  public static <T> T await(CompletableFuture<T> f) {
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RpcParallelException(Kind.CANCELLED, "interrupted while waiting", e);
    } catch (ExecutionException e) {
      throw withCallerStack(toApi(e.getCause()));
    } catch (CancellationException e) {
      throw new RpcParallelException(Kind.CANCELLED, "cancelled", e);
    }
  }

  /** Runs {@code body}, rethrowing lower-layer failures as public exceptions. */
  public static <T> T mapped(java.util.function.Supplier<T> body) {
    try {
      return body.get();
    } catch (WireException | RemoteFailure e) {
      throw toApi(e);
    }
  }
}
