package dev.rpcparallel;

import java.util.Iterator;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * A client connection to one worker, made by {@link RpcParallel#connect}. Calls every kind of
 * function, each in a blocking form and a {@link CompletableFuture} form.
 *
 * <p><b>Threading</b>: thread-safe; any number of calls may be in flight at once from any
 * threads, and responses are matched to calls by id. Futures returned by the {@code Async}
 * methods complete on the application's executor, never on an I/O thread; completions of one
 * connection are delivered one at a time, in arrival order, in batches. A callback may block
 * on ({@code join}/{@code get}) another future of the same connection; it should not block on
 * anything else for long, since later completions of the connection wait for it. Blocking
 * methods ({@link #call} ...) wait without involving that executor.
 *
 * <p><b>Errors</b>: a handler's exception arrives as {@link RemoteException}; the connection
 * stays usable. Everything else is an {@link RpcParallelException}: if the connection closes,
 * every pending call fails with a {@link ConnectionClosedException} carrying {@link
 * #closeReason()}; calling a function the worker lacks, or whose signature differs, fails with
 * kind {@code UNKNOWN_FUNCTION} or {@code SHAPE_MISMATCH} without sending anything. Blocking
 * methods throw these directly (unwrapped); futures complete with them.
 *
 * <p><b>Lifecycle</b>: {@link #close()} is idempotent and fails pending calls with reason {@code
 * "closed by client"}; {@link #closeFuture()} completes with the reason however the connection
 * ends.
 */
public interface Connection extends AutoCloseable {

  /** Calls {@code f} and waits for its result. */
  <Q, R> R call(Rpc<Q, R> f, Q query);

  <Q, R> CompletableFuture<R> callAsync(Rpc<Q, R> f, Q query);

  /** Sends a one-way message; returns once it is queued for writing. */
  <Q> void send(OneWay<Q> f, Q query);

  /** Sends a one-way message; the future completes once it has been written to the socket. */
  <Q> CompletableFuture<Void> sendAsync(OneWay<Q> f, Q query);

  /**
   * Starts a pipe and returns its reader. An unknown function or signature mismatch throws here;
   * failures of the worker's handler surface from the reader.
   */
  <Q, R> StreamReader<R> open(Pipe<Q, R> f, Q query);

  /** Starts a pipe delivered by callback to {@code listener}. */
  <Q, R> Subscription subscribe(Pipe<Q, R> f, Q query, StreamListener<? super R> listener);

  /** Starts a reverse pipe; write updates to the returned call's writer. */
  <Q, U, R> ReverseCall<U, R> openReverse(ReversePipe<Q, U, R> f, Q query);

  /** Sends {@code query} and every update, then waits for the worker's answer. */
  default <Q, U, R> R callReverse(ReversePipe<Q, U, R> f, Q query, Iterator<? extends U> updates) {
    return Futures.await(callReverseAsync(f, query, updates));
  }

  /** Streams the updates from a thread of the callback executor; completes with the answer. */
  <Q, U, R> CompletableFuture<R> callReverseAsync(ReversePipe<Q, U, R> f, Q query, Iterator<? extends U> updates);

  /** Calls a state function and waits for its initial state. */
  default <Q, S, U> StateStream<S, U> openState(StateRpc<Q, S, U> f, Q query) {
    return Futures.await(openStateAsync(f, query));
  }

  <Q, S, U> CompletableFuture<StateStream<S, U>> openStateAsync(StateRpc<Q, S, U> f, Q query);

  /** Subscribes to the worker's log; closing the reader unsubscribes. */
  StreamReader<LogEntry> subscribeLog();

  /**
   * Closes the worker's listening server: new connections are refused, existing ones (this one
   * included) keep working.
   */
  void closeServer();

  /** The settings the worker's server actually uses. */
  RpcSettings workerSettings();

  /** The settings this side of the connection uses. */
  RpcSettings settings();

  /** The worker this connection is to. */
  Worker worker();

  default UUID workerId() {
    return worker().id();
  }

  /** Closes the connection; idempotent. */
  @Override
  void close();

  boolean isClosed();

  /** Why the connection closed, once it has. */
  Optional<String> closeReason();

  /** Completes with the close reason when the connection closes. */
  CompletableFuture<String> closeFuture();
}
