package dev.rpcparallel;

import java.util.Iterator;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * A client connection to one worker of type {@code W}, made by {@link RpcParallel#connect}. Calls
 * every kind of function of {@code W}, each in a blocking form and a {@link CompletableFuture}
 * form; functions whose query is {@code Void} also have forms without the query.
 *
 * <p><b>Threading</b>: thread-safe; any number of calls may be in flight at once from any
 * threads, and responses are matched to calls by id. Futures returned by the {@code Async}
 * methods complete on the application's executor, never on an I/O thread; completions of one
 * connection are delivered one at a time, in arrival order. A callback may block on ({@code
 * join}/{@code get}) another future of the same connection; it should not block on anything else
 * for long, since later completions of the connection wait for it. Blocking methods wait without
 * involving that executor.
 *
 * <p><b>Ordering</b>: frames are sent in the order the calls are made; see {@link OneWay} for how
 * the worker orders one-way messages and the calls after them.
 *
 * <p><b>Errors</b>: a handler's exception arrives as {@link RemoteException}; the connection
 * stays usable. Everything else is an {@link RpcParallelException}: if the connection closes,
 * every pending call fails with a {@link ConnectionClosedException} carrying {@link
 * #closeReason()}; calling a function the worker lacks, or whose signature differs, fails with
 * kind {@code UNKNOWN_FUNCTION} or {@code SHAPE_MISMATCH} without sending anything; bytes from the
 * worker that do not decode fail the call or stream with kind {@code PROTOCOL_ERROR} (its cause
 * is the {@link dev.rpcparallel.codec.CodecException}). Blocking methods throw these directly
 * (unwrapped); futures complete with them.
 *
 * <p><b>Lifecycle</b>: {@link #close()} is idempotent and fails pending calls with reason {@code
 * "closed by client"}; {@link #closeFuture()} completes with the reason however the connection
 * ends.
 *
 * @param <W> the worker type
 */
public interface Connection<W extends WorkerSpec<?, ?, ?, ?>> extends AutoCloseable {

  /** Calls {@code f} and waits for its result. */
  <Q, R> R call(Rpc<W, Q, R> f, Q query);

  /** Calls {@code f}, whose query is {@code Void}, and waits for its result. */
  default <R> R call(Rpc<W, Void, R> f) {
    return call(f, null);
  }

  /**
   * Calls {@code f} without blocking. The future completes on the application's executor with the
   * result, or fails with the exceptions described above (unwrapped).
   */
  <Q, R> CompletableFuture<R> callAsync(Rpc<W, Q, R> f, Q query);

  /** {@link #callAsync(Rpc, Object)} for a function whose query is {@code Void}. */
  default <R> CompletableFuture<R> callAsync(Rpc<W, Void, R> f) {
    return callAsync(f, null);
  }

  /** Sends a one-way message; returns once it is queued for writing. */
  <Q> void send(OneWay<W, Q> f, Q query);

  /** {@link #send(OneWay, Object)} for a one-way function whose message is {@code Void}. */
  default void send(OneWay<W, Void> f) {
    send(f, null);
  }

  /** Sends a one-way message; the future completes once it has been written to the socket. */
  <Q> CompletableFuture<Void> sendAsync(OneWay<W, Q> f, Q query);

  /** {@link #sendAsync(OneWay, Object)} for a one-way function whose message is {@code Void}. */
  default CompletableFuture<Void> sendAsync(OneWay<W, Void> f) {
    return sendAsync(f, null);
  }

  /**
   * Starts a pipe and returns its reader. An unknown function, a signature mismatch or an
   * oversized query throws here; failures of the worker's handler surface from the reader.
   */
  <Q, R> StreamReader<R> open(Pipe<W, Q, R> f, Q query);

  /** {@link #open(Pipe, Object)} for a pipe whose query is {@code Void}. */
  default <R> StreamReader<R> open(Pipe<W, Void, R> f) {
    return open(f, null);
  }

  /** {@link #open} as a future, completed once the call is sent (or failed with why it was not). */
  <Q, R> CompletableFuture<StreamReader<R>> openAsync(Pipe<W, Q, R> f, Q query);

  /** Starts a pipe delivered by callback to {@code listener}. */
  <Q, R> Subscription subscribe(Pipe<W, Q, R> f, Q query, StreamListener<? super R> listener);

  /** {@link #subscribe} as a future, completed once the call is sent (or failed with why it was not). */
  <Q, R> CompletableFuture<Subscription> subscribeAsync(Pipe<W, Q, R> f, Q query, StreamListener<? super R> listener);

  /** Starts a reverse pipe; write updates to the returned call's writer, then close it. */
  <Q, U, R> ReverseCall<U, R> openReverse(ReversePipe<W, Q, U, R> f, Q query);

  /**
   * Sends {@code query} and every update, then waits for the worker's answer. If {@code updates}
   * throws, the call is aborted (the worker's reader fails) and that exception is thrown here.
   */
  <Q, U, R> R callReverse(ReversePipe<W, Q, U, R> f, Q query, Iterator<? extends U> updates);

  /**
   * Streams the updates from a thread of the handler executor; completes with the answer, or
   * with the exception {@code updates} threw (the call is then aborted).
   */
  <Q, U, R> CompletableFuture<R> callReverseAsync(ReversePipe<W, Q, U, R> f, Q query, Iterator<? extends U> updates);

  /** Calls a state function and waits for its initial state. */
  <Q, S, U> StateStream<S, U> openState(StateRpc<W, Q, S, U> f, Q query);

  /** {@link #openState(StateRpc, Object)} for a state function whose query is {@code Void}. */
  default <S, U> StateStream<S, U> openState(StateRpc<W, Void, S, U> f) {
    return openState(f, null);
  }

  /**
   * {@link #openState(StateRpc, Object)} without blocking. The future completes on the
   * application's executor once the initial state has arrived, or fails as {@code openState}
   * would throw.
   */
  <Q, S, U> CompletableFuture<StateStream<S, U>> openStateAsync(StateRpc<W, Q, S, U> f, Q query);

  /**
   * Subscribes to the worker's log: what it logs through {@link WorkerContext#log()}, and, in a
   * spawned worker, everything logged through SLF4J in its JVM. Nothing logged before the
   * subscription is replayed; a subscriber that falls a whole stream window behind misses
   * messages rather than slowing the worker. Closing the reader unsubscribes.
   */
  StreamReader<LogEntry> subscribeLog();

  /**
   * {@link #subscribeLog()} without blocking; the future completes once the worker has
   * registered the subscription.
   */
  CompletableFuture<StreamReader<LogEntry>> subscribeLogAsync();

  /**
   * Closes the worker's listening server: new connections are refused, existing ones (this one
   * included) keep working. Refused on the master's own server, with an {@link
   * RpcParallelException} of kind {@code FORBIDDEN}.
   */
  void closeServer();

  /** {@link #closeServer()} without blocking; the future completes once the server is closed. */
  CompletableFuture<Void> closeServerAsync();

  /** The settings the worker's server actually uses. */
  RpcSettings workerSettings();

  /** {@link #workerSettings()} without blocking. */
  CompletableFuture<RpcSettings> workerSettingsAsync();

  /**
   * The settings in the worker's handle ({@link Worker#settings()}). This side of the connection
   * uses their timing and flow control, but its own application's {@code maxMessageSize}, {@code
   * writeBufferLimit} and {@code readBufferLimit} where they are smaller.
   */
  RpcSettings settings();

  /** The worker this connection is to. */
  Worker<W> worker();

  /** The id of the worker this connection is to; the same as {@code worker().id()}. */
  default UUID workerId() {
    return worker().id();
  }

  /** Closes the connection; idempotent. */
  @Override
  void close();

  /**
   * Whether the connection has closed, by either side or because it was lost; {@link
   * #closeReason()} then says why.
   */
  boolean isClosed();

  /** Why the connection closed, once it has. */
  Optional<String> closeReason();

  /** Completes with the close reason when the connection closes. */
  CompletableFuture<String> closeFuture();
}
