package dev.rpcparallel;

import dev.rpcparallel.internal.core.ClientSession;
import dev.rpcparallel.internal.core.SerializingExecutor;
import java.util.Iterator;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;

/** {@link Connection} over a {@link ClientSession}; futures are re-homed onto the callback executor. */
final class DefaultConnection implements Connection {
  private final ClientSession session;
  private final Worker worker;
  private final Executor executor;
  private final SerializingExecutor callbacks;

  DefaultConnection(ClientSession session, Worker worker, Executor executor) {
    this.session = session;
    this.worker = worker;
    this.executor = executor;
    this.callbacks = new SerializingExecutor(executor);
  }

  /**
   * Re-homes a future completed on an I/O thread onto the callback executor. Completions of one
   * connection are delivered in order, in batches, so many calls in flight cost few wake-ups.
   */
  private <T> CompletableFuture<T> async(CompletableFuture<T> ioFuture) {
    CompletableFuture<T> result = callbacks.future();
    ioFuture.whenComplete((v, e) -> callbacks.execute(() -> {
      if (e != null) {
        result.completeExceptionally(e);
      } else {
        result.complete(v);
      }
    }));
    return result;
  }

  @Override
  public <Q, R> R call(Rpc<Q, R> f, Q query) {
    return Futures.await(session.call(f, query));
  }

  @Override
  public <Q, R> CompletableFuture<R> callAsync(Rpc<Q, R> f, Q query) {
    return async(session.call(f, query));
  }

  @Override
  public <Q> void send(OneWay<Q> f, Q query) {
    CompletableFuture<Void> written = session.send(f, query);
    if (written.isCompletedExceptionally()) {
      Futures.await(written);
    }
  }

  @Override
  public <Q> CompletableFuture<Void> sendAsync(OneWay<Q> f, Q query) {
    return async(session.send(f, query));
  }

  @Override
  public <Q, R> StreamReader<R> open(Pipe<Q, R> f, Q query) {
    return session.open(f, query);
  }

  @Override
  public <Q, R> Subscription subscribe(Pipe<Q, R> f, Q query, StreamListener<? super R> listener) {
    StreamReader<R> reader = session.open(f, query);
    CompletableFuture<Void> done = new CompletableFuture<>();
    AtomicBoolean cancelled = new AtomicBoolean();
    executor.execute(() -> {
      try {
        while (reader.hasNext()) {
          R item = reader.next();
          if (cancelled.get()) {
            break;
          }
          listener.onItem(item);
        }
        if (!cancelled.get()) {
          listener.onEnd();
        }
        done.complete(null);
      } catch (Throwable t) {
        reader.close();
        if (!cancelled.get()) {
          listener.onError(t);
        }
        done.complete(null);
      }
    });
    return new Subscription() {
      @Override
      public void cancel() {
        if (cancelled.compareAndSet(false, true)) {
          reader.close();
        }
      }

      @Override
      public CompletableFuture<Void> done() {
        return done;
      }
    };
  }

  @Override
  public <Q, U, R> ReverseCall<U, R> openReverse(ReversePipe<Q, U, R> f, Q query) {
    ReverseCall<U, R> call = session.openReverse(f, query);
    return new ClientSession.Reverse<>(call.updates(), async(call.result()));
  }

  @Override
  public <Q, U, R> CompletableFuture<R> callReverseAsync(
      ReversePipe<Q, U, R> f, Q query, Iterator<? extends U> updates) {
    ReverseCall<U, R> call;
    try {
      call = session.openReverse(f, query);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    StreamWriter<U> out = call.updates();
    executor.execute(() -> {
      try {
        while (updates.hasNext()) {
          if (!out.write(updates.next())) {
            return;
          }
        }
        out.close();
      } catch (Throwable t) {
        out.fail(t);
      }
    });
    return async(call.result());
  }

  @Override
  public <Q, S, U> CompletableFuture<StateStream<S, U>> openStateAsync(StateRpc<Q, S, U> f, Q query) {
    return async(session.openState(f, query));
  }

  @Override
  public StreamReader<LogEntry> subscribeLog() {
    return Futures.await(session.openState(Builtins.LOG, null)).updates();
  }

  @Override
  public void closeServer() {
    call(Builtins.CLOSE_SERVER, null);
  }

  @Override
  public RpcSettings workerSettings() {
    return call(Builtins.SETTINGS, null);
  }

  @Override
  public RpcSettings settings() {
    return session.settings();
  }

  @Override
  public Worker worker() {
    return worker;
  }

  @Override
  public void close() {
    session.close();
  }

  @Override
  public boolean isClosed() {
    return session.isClosed();
  }

  @Override
  public Optional<String> closeReason() {
    return Optional.ofNullable(session.reason());
  }

  @Override
  public CompletableFuture<String> closeFuture() {
    return async(session.whenClosed());
  }

  @Override
  public String toString() {
    return "Connection{" + worker + (isClosed() ? ", closed: " + session.reason() : "") + "}";
  }
}
