package dev.rpcparallel;

/**
 * The table of a worker type's function implementations, filled in by {@link
 * WorkerSpec#implement}: one handler per function. Each handler receives the worker state {@code
 * S}, the connection state {@code T} and the query.
 *
 * <p><b>Errors</b>: a handler that throws makes that call fail with a {@link RemoteException} at
 * the caller; the worker keeps serving (one-way handlers: see {@link OneWay}). Binding a second
 * function of the same name, or a handle made by {@code map}/{@code contraMap}, is an {@link
 * IllegalArgumentException}.
 *
 * <p><b>Threading</b>: the table is filled once, by the thread that calls {@code implement};
 * handlers then run on the application's handler threads, concurrently, except {@link #directRpc}
 * handlers, which usually run on the connection's I/O thread.
 *
 * <p>Functions are matched to a worker by name and signature; the table accepts functions of any
 * worker type, but only those declared for {@code W} can be called through a {@code
 * Connection<W>}.
 *
 * @param <S> the worker state
 * @param <T> the connection state
 */
public interface Implementations<S, T> {

  /** Implements an {@link Rpc}. */
  @FunctionalInterface
  interface RpcHandler<S, T, Q, R> {
    /**
     * Answers one call, on a handler thread (or, bound with {@link #directRpc}, usually on the
     * connection's I/O thread): the returned value is the response. An exception fails the call
     * with a {@link RemoteException} at the caller.
     */
    R handle(S workerState, T connectionState, Q query) throws Exception;
  }

  /** Implements a {@link OneWay}. */
  @FunctionalInterface
  interface OneWayHandler<S, T, Q> {
    /**
     * Handles one message, on a handler thread; the messages of one connection are handled one
     * at a time, in order. An exception closes the connection (see {@link OneWay}).
     */
    void handle(S workerState, T connectionState, Q query) throws Exception;
  }

  /**
   * Implements a {@link Pipe}: write items to {@code out} and close it, now or later from another
   * thread. Returning without closing leaves the stream open; throwing before closing ends it
   * with that error.
   */
  @FunctionalInterface
  interface PipeHandler<S, T, Q, R> {
    /**
     * Starts the stream of one call, on a handler thread. An exception thrown before {@code out}
     * is closed ends the stream with it (a {@link RemoteException} at the caller); one thrown after
     * is only logged.
     */
    void handle(S workerState, T connectionState, Q query, StreamWriter<R> out) throws Exception;
  }

  /** Implements a {@link ReversePipe}: read the caller's updates and return the response. */
  @FunctionalInterface
  interface ReversePipeHandler<S, T, Q, U, R> {
    /**
     * Answers one call, on a handler thread: the returned value is the response. {@code updates}
     * is closed when this returns or throws, so read what is needed before. An exception fails the
     * call with a {@link RemoteException} at the caller.
     */
    R handle(S workerState, T connectionState, Q query, StreamReader<U> updates) throws Exception;
  }

  /**
   * Implements a {@link StateRpc}: return the initial state; write updates to {@code updates}
   * (before or after returning) and close it when done. Updates written before returning are
   * kept in the worker until the state is sent.
   */
  @FunctionalInterface
  interface StateHandler<S, T, Q, St, U> {
    /**
     * Answers one call with its initial state, on a handler thread. An exception fails the call
     * with a {@link RemoteException} at the caller, and no update is sent.
     */
    St handle(S workerState, T connectionState, Q query, StreamWriter<U> updates) throws Exception;
  }

  /**
   * Binds {@code handler} to the request/response function {@code f}; returns this table.
   *
   * @throws IllegalArgumentException if a function of the same name is already bound, or {@code
   *     f} was made by {@code map}/{@code contraMap}
   * @throws NullPointerException if {@code f} or {@code handler} is null
   */
  <Q, R> Implementations<S, T> rpc(Rpc<?, Q, R> f, RpcHandler<S, T, Q, R> handler);

  /**
   * Binds {@code handler} to {@code f} like {@link #rpc}, but runs it <b>directly</b>: on the
   * connection's I/O thread, as soon as the call arrives, with its response written from there.
   * That saves the hand-off to a handler thread and back, two thread wake-ups per call (the role
   * of gRPC's {@code directExecutor}); see docs/PERFORMANCE.md for what it gains.
   *
   * <p>Only for short handlers that never block: no calls to other workers, no I/O, no waiting
   * for locks or futures, no long computation. While a direct handler runs, every connection
   * served by the same I/O thread waits, heartbeats included, so a handler that blocks for
   * longer than the heartbeat timeout makes peers drop their connections (a spawned worker
   * whose master connection is dropped exits), and a handler that waits for a call over a
   * connection served by that same thread never gets its answer. Nothing detects a blocking
   * direct handler. In an {@code inMemory()} application the "I/O thread" is the connection's
   * link executor. Everything else is as
   * for {@link #rpc}: an exception fails the call with a {@link RemoteException}; the call counts
   * in {@code maxConcurrentCalls}; when the caller is not reading its responses, the call waits
   * (then on a handler thread) like any other; a call arriving after one-way messages of the
   * same connection that are still being handled runs on a handler thread after them, keeping
   * their order.
   *
   * @throws IllegalArgumentException if a function of the same name is already bound, or {@code
   *     f} was made by {@code map}/{@code contraMap}
   * @throws NullPointerException if {@code f} or {@code handler} is null
   */
  <Q, R> Implementations<S, T> directRpc(Rpc<?, Q, R> f, RpcHandler<S, T, Q, R> handler);

  /**
   * Binds {@code handler} to the one-way function {@code f}; returns this table.
   *
   * @throws IllegalArgumentException if a function of the same name is already bound, or {@code
   *     f} was made by {@code contraMap}
   * @throws NullPointerException if {@code f} or {@code handler} is null
   */
  <Q> Implementations<S, T> oneWay(OneWay<?, Q> f, OneWayHandler<S, T, Q> handler);

  /**
   * Binds {@code handler} to the pipe {@code f}; returns this table.
   *
   * @throws IllegalArgumentException if a function of the same name is already bound, or {@code
   *     f} was made by {@code map}/{@code contraMap}
   * @throws NullPointerException if {@code f} or {@code handler} is null
   */
  <Q, R> Implementations<S, T> pipe(Pipe<?, Q, R> f, PipeHandler<S, T, Q, R> handler);

  /**
   * Binds {@code handler} to the reverse pipe {@code f}; returns this table.
   *
   * @throws IllegalArgumentException if a function of the same name is already bound, or {@code
   *     f} was made by {@code map}/{@code contraMap}
   * @throws NullPointerException if {@code f} or {@code handler} is null
   */
  <Q, U, R> Implementations<S, T> reversePipe(ReversePipe<?, Q, U, R> f, ReversePipeHandler<S, T, Q, U, R> handler);

  /**
   * Binds {@code handler} to the state function {@code f}; returns this table.
   *
   * @throws IllegalArgumentException if a function of the same name is already bound, or {@code
   *     f} was made by {@code map}/{@code contraMap}
   * @throws NullPointerException if {@code f} or {@code handler} is null
   */
  <Q, St, U> Implementations<S, T> state(StateRpc<?, Q, St, U> f, StateHandler<S, T, Q, St, U> handler);
}
