package dev.rpcparallel.internal.engine;

import dev.rpcparallel.Connection;
import dev.rpcparallel.EventListener;
import dev.rpcparallel.LogEntry;
import dev.rpcparallel.OneWay;
import dev.rpcparallel.Pipe;
import dev.rpcparallel.ReverseCall;
import dev.rpcparallel.ReversePipe;
import dev.rpcparallel.Rpc;
import dev.rpcparallel.RpcParallelException;
import dev.rpcparallel.RpcSettings;
import dev.rpcparallel.StateRpc;
import dev.rpcparallel.StateStream;
import dev.rpcparallel.StreamListener;
import dev.rpcparallel.StreamReader;
import dev.rpcparallel.StreamWriter;
import dev.rpcparallel.Subscription;
import dev.rpcparallel.Worker;
import dev.rpcparallel.WorkerFunction;
import dev.rpcparallel.WorkerSpec;
import dev.rpcparallel.internal.concurrent.SerializingExecutor;
import dev.rpcparallel.internal.jfr.Jfr;
import dev.rpcparallel.internal.protocol.ErrorCode;
import dev.rpcparallel.internal.session.ClientSession;
import dev.rpcparallel.internal.session.Link;
import dev.rpcparallel.internal.session.OutboundStream;
import dev.rpcparallel.internal.session.ServerSession;
import java.util.Iterator;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * {@link Connection} over a {@link ClientSession}: calls by function name and signature, futures
 * re-homed onto the callback executor, failures mapped to the public exception types.
 */
final class ConnectionImpl<W extends WorkerSpec<?, ?, ?, ?>> implements Connection<W> {
  private final ClientSession session;
  private final Worker<W> worker;
  private final Executor executor;
  private final SerializingExecutor callbacks;
  private final Observer observer;
  /** A listener hears this connection's calls: with none (and no JFR recording), calls take the plain path. */
  private final boolean listening;

  ConnectionImpl(ClientSession session, Worker<W> worker, Executor executor, Observer observer) {
    this.session = session;
    this.worker = worker;
    this.executor = executor;
    this.callbacks = new SerializingExecutor(executor);
    this.observer = observer;
    this.listening = observer.listening;
  }

  /** A trace of a call of {@code f}, or null if nobody listens (the check costs no allocation). */
  private Observer.CallTrace trace(WorkerFunction<?> f, EventListener.CallKind kind) {
    boolean stream = kind != EventListener.CallKind.RPC && kind != EventListener.CallKind.ONE_WAY;
    if (!listening && !(stream ? Jfr.streams() : Jfr.calls())) {
      return null;
    }
    return observer.call(this, f.name(), kind);
  }

  /**
   * Re-homes a future completed on an I/O thread onto the callback executor, mapping its failure.
   * Completions of one connection are delivered in order, in batches, so many calls in flight
   * cost few wake-ups.
   */
  private <T> CompletableFuture<T> async(CompletableFuture<T> ioFuture) {
    CompletableFuture<T> result = callbacks.future();
    ioFuture.whenComplete((v, e) -> callbacks.execute(() -> {
      if (e != null) {
        result.completeExceptionally(Errors.toApi(e));
      } else {
        result.complete(v);
      }
    }));
    return result;
  }

  private static <T> CompletableFuture<T> attempt(Supplier<T> body) {
    try {
      return CompletableFuture.completedFuture(Errors.mapped(body));
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  @Override
  public <Q, R> R call(Rpc<W, Q, R> f, Q query) {
    Observer.CallTrace t = trace(f, EventListener.CallKind.RPC);
    if (t == null) {
      return Errors.await(session.call(f.name(), f.signature(), f.queryCodec(), query, f.responseCodec()));
    }
    return Errors.await(t.watch(session.call(f.name(), f.signature(), f.queryCodec(), query, f.responseCodec())));
  }

  @Override
  public <Q, R> CompletableFuture<R> callAsync(Rpc<W, Q, R> f, Q query) {
    Observer.CallTrace t = trace(f, EventListener.CallKind.RPC);
    if (t == null) {
      return async(session.call(f.name(), f.signature(), f.queryCodec(), query, f.responseCodec()));
    }
    return async(t.watch(session.call(f.name(), f.signature(), f.queryCodec(), query, f.responseCodec())));
  }

  @Override
  public <Q> void send(OneWay<W, Q> f, Q query) {
    Observer.CallTrace t = trace(f, EventListener.CallKind.ONE_WAY);
    CompletableFuture<Void> written = session.send(f.name(), f.signature(), f.queryCodec(), query);
    if (t != null) {
      written = t.watch(written);
    }
    if (written.isCompletedExceptionally()) {
      Errors.await(written);
    }
  }

  @Override
  public <Q> CompletableFuture<Void> sendAsync(OneWay<W, Q> f, Q query) {
    Observer.CallTrace t = trace(f, EventListener.CallKind.ONE_WAY);
    CompletableFuture<Void> written = session.send(f.name(), f.signature(), f.queryCodec(), query);
    return async(t == null ? written : t.watch(written));
  }

  @Override
  public <Q, R> StreamReader<R> open(Pipe<W, Q, R> f, Q query) {
    Observer.CallTrace t = trace(f, EventListener.CallKind.PIPE);
    if (t == null) {
      return StreamAdapters.reader(Errors.mapped(() -> session.open(f.name(), f.signature(), f.queryCodec(), query, f.itemCodec())));
    }
    StreamReader<R> reader;
    try {
      reader = StreamAdapters.reader(Errors.mapped(() -> session.open(f.name(), f.signature(), f.queryCodec(), query, f.itemCodec())));
    } catch (RuntimeException e) {
      t.finish(e);
      throw e;
    }
    return t.reader(reader);
  }

  @Override
  public <Q, R> CompletableFuture<StreamReader<R>> openAsync(Pipe<W, Q, R> f, Q query) {
    return attempt(() -> open(f, query));
  }

  @Override
  public <Q, R> Subscription subscribe(Pipe<W, Q, R> f, Q query, StreamListener<? super R> listener) {
    StreamReader<R> reader = open(f, query);
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
      } catch (Throwable t) {
        reader.close();
        if (!cancelled.get()) {
          listener.onError(t);
        }
      } finally {
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
  public <Q, R> CompletableFuture<Subscription> subscribeAsync(
      Pipe<W, Q, R> f, Q query, StreamListener<? super R> listener) {
    return attempt(() -> subscribe(f, query, listener));
  }

  @Override
  public <Q, U, R> ReverseCall<U, R> openReverse(ReversePipe<W, Q, U, R> f, Q query) {
    return reverse(f, query);
  }

  private <Q, U, R> Reverse<U, R> reverse(ReversePipe<W, Q, U, R> f, Q query) {
    Observer.CallTrace t = trace(f, EventListener.CallKind.REVERSE_PIPE);
    ClientSession.ReverseCall<U, R> call;
    try {
      call = Errors.mapped(() -> session.openReverse(
          f.name(), f.signature(), f.queryCodec(), query, f.updateCodec(), f.responseCodec()));
    } catch (RuntimeException e) {
      if (t != null) {
        t.finish(e);
      }
      throw e;
    }
    return new Reverse<>(call.updates(), async(t == null ? call.result() : t.watch(call.result())));
  }

  @Override
  public <Q, U, R> R callReverse(ReversePipe<W, Q, U, R> f, Q query, Iterator<? extends U> updates) {
    return Errors.await(callReverseAsync(f, query, updates, Runnable::run));
  }

  @Override
  public <Q, U, R> CompletableFuture<R> callReverseAsync(
      ReversePipe<W, Q, U, R> f, Q query, Iterator<? extends U> updates) {
    return callReverseAsync(f, query, updates, executor);
  }

  /** Streams {@code updates} on {@code on}; an iterator failure aborts the call and is its result. */
  private <Q, U, R> CompletableFuture<R> callReverseAsync(
      ReversePipe<W, Q, U, R> f, Q query, Iterator<? extends U> updates, Executor on) {
    Reverse<U, R> call;
    try {
      call = reverse(f, query);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    CompletableFuture<R> result = new CompletableFuture<>();
    call.result().whenComplete((v, e) -> {
      if (e != null) {
        result.completeExceptionally(e);
      } else {
        result.complete(v);
      }
    });
    on.execute(() -> {
      try {
        while (updates.hasNext()) {
          if (!call.updates().write(updates.next())) {
            return;
          }
        }
        call.updates().close();
      } catch (Throwable t) {
        result.completeExceptionally(t); // the caller's own exception, before the worker's answer
        call.abort("the caller's updates failed: " + t);
      }
    });
    return result;
  }

  @Override
  public <Q, S, U> StateStream<S, U> openState(StateRpc<W, Q, S, U> f, Q query) {
    return Errors.await(openStateAsync(f, query));
  }

  @Override
  public <Q, S, U> CompletableFuture<StateStream<S, U>> openStateAsync(StateRpc<W, Q, S, U> f, Q query) {
    Observer.CallTrace t = trace(f, EventListener.CallKind.STATE_RPC);
    CompletableFuture<ClientSession.StateResult<S, U>> opened =
        session.openState(f.name(), f.signature(), f.queryCodec(), query, f.stateCodec(), f.updateCodec());
    if (t == null) {
      return async(opened.thenApply(r -> new State<>(r.state(), StreamAdapters.reader(r.updates()))));
    }
    return async(opened.whenComplete((r, e) -> {
      if (e != null) {
        t.finish(Errors.toApi(e));
      }
    }).thenApply(r -> new State<>(r.state(), t.reader(StreamAdapters.reader(r.updates())))));
  }

  @Override
  public StreamReader<LogEntry> subscribeLog() {
    return Errors.await(subscribeLogAsync());
  }

  @Override
  public CompletableFuture<StreamReader<LogEntry>> subscribeLogAsync() {
    Builtins.Fn<Void, Void> log = Builtins.LOG;
    return async(session.openState(log.name(), log.signature(), log.query(), null, log.result(), LogEntry.CODEC)
        .thenApply(r -> StreamAdapters.reader(r.updates())));
  }

  @Override
  public void closeServer() {
    Errors.await(closeServerAsync());
  }

  @Override
  public CompletableFuture<Void> closeServerAsync() {
    return async(builtin(Builtins.CLOSE_SERVER));
  }

  @Override
  public RpcSettings workerSettings() {
    return Errors.await(workerSettingsAsync());
  }

  @Override
  public CompletableFuture<RpcSettings> workerSettingsAsync() {
    return async(builtin(Builtins.SETTINGS));
  }

  private <R> CompletableFuture<R> builtin(Builtins.Fn<Void, R> f) {
    return session.call(f.name(), f.signature(), f.query(), null, f.result());
  }

  /** Sends an order to retire credentials below a generation; completes once the worker applied it. */
  CompletableFuture<Void> retire(Builtins.Retirement order) {
    Builtins.Fn<Builtins.Retirement, Void> f = Builtins.RETIRE;
    return session.call(f.name(), f.signature(), f.query(), order, f.result());
  }

  /** Sends the built-in shutdown; the future completes once it is written. */
  CompletableFuture<Void> sendShutdown() {
    Builtins.Fn<Void, Void> f = Builtins.SHUTDOWN;
    return session.send(f.name(), f.signature(), f.query(), null);
  }

  @Override
  public RpcSettings settings() {
    return worker.settings();
  }

  @Override
  public Worker<W> worker() {
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
    return Optional.ofNullable(session.closeReason());
  }

  @Override
  public CompletableFuture<String> closeFuture() {
    return async(session.closeFuture());
  }

  /** The session's close future, completed on the link thread (for the engine's bookkeeping). */
  /**
   * {@link #call}, then, if {@code turnIf} holds for the answer, turns this connection (a worker's
   * master connection) into one the master is the client of, served by the session {@code server}
   * makes (see {@code ClientSession.turn}; {@code workerCredential} proves the turn). The turn
   * starts on the thread the answer arrives on,
   * not the caller's: the master waits for it. Returns the answer once the turn is done, or once
   * it failed because the connection closed (the caller hears of that through the close).
   */
  <Q, R> R callThenTurn(Rpc<W, Q, R> f, Q query, Predicate<R> turnIf, byte[] workerCredential,
      Function<Link, ServerSession> server) {
    CompletableFuture<R> answer = session.call(f.name(), f.signature(), f.queryCodec(), query, f.responseCodec());
    return Errors.await(answer.thenCompose(r -> turnIf.test(r)
        ? session.turn(workerCredential, server).handle((turned, e) -> r)
        : CompletableFuture.completedFuture(r)));
  }

  CompletableFuture<String> closedOnLinkThread() {
    return session.closeFuture();
  }

  @Override
  public String toString() {
    return "Connection{" + worker + (isClosed() ? ", closed: " + session.closeReason() : "") + "}";
  }

  /** A state function's result. */
  private record State<S, U>(S state, StreamReader<U> updates) implements StateStream<S, U> {}

  /** A reverse-pipe call in progress. */
  private static final class Reverse<U, R> implements ReverseCall<U, R> {
    private final OutboundStream<U> stream;
    private final StreamWriter<U> updates;
    private final CompletableFuture<R> result;

    Reverse(OutboundStream<U> stream, CompletableFuture<R> result) {
      this.stream = stream;
      this.updates = StreamAdapters.writer(stream);
      this.result = result;
    }

    @Override
    public StreamWriter<U> updates() {
      return updates;
    }

    @Override
    public CompletableFuture<R> result() {
      return result;
    }

    void abort(String why) {
      stream.failWith(ErrorCode.CANCELLED, why);
    }

    @Override
    public void close() {
      if (!result.isDone()) {
        abort("cancelled by the caller");
        result.completeExceptionally(new RpcParallelException(RpcParallelException.Kind.CANCELLED, "reverse call cancelled by the caller"));
      }
    }
  }
}
