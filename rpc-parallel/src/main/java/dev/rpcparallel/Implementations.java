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
 * handlers then run on the application's handler threads, concurrently.
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
    R handle(S workerState, T connectionState, Q query) throws Exception;
  }

  /** Implements a {@link OneWay}. */
  @FunctionalInterface
  interface OneWayHandler<S, T, Q> {
    void handle(S workerState, T connectionState, Q query) throws Exception;
  }

  /**
   * Implements a {@link Pipe}: write items to {@code out} and close it, now or later from another
   * thread. Returning without closing leaves the stream open; throwing before closing ends it
   * with that error.
   */
  @FunctionalInterface
  interface PipeHandler<S, T, Q, R> {
    void handle(S workerState, T connectionState, Q query, StreamWriter<R> out) throws Exception;
  }

  /** Implements a {@link ReversePipe}: read the caller's updates and return the response. */
  @FunctionalInterface
  interface ReversePipeHandler<S, T, Q, U, R> {
    R handle(S workerState, T connectionState, Q query, StreamReader<U> updates) throws Exception;
  }

  /**
   * Implements a {@link StateRpc}: return the initial state; write updates to {@code updates}
   * (before or after returning) and close it when done. Updates written before returning are
   * kept in the worker until the state is sent.
   */
  @FunctionalInterface
  interface StateHandler<S, T, Q, St, U> {
    St handle(S workerState, T connectionState, Q query, StreamWriter<U> updates) throws Exception;
  }

  <Q, R> Implementations<S, T> rpc(Rpc<?, Q, R> f, RpcHandler<S, T, Q, R> handler);

  <Q> Implementations<S, T> oneWay(OneWay<?, Q> f, OneWayHandler<S, T, Q> handler);

  <Q, R> Implementations<S, T> pipe(Pipe<?, Q, R> f, PipeHandler<S, T, Q, R> handler);

  <Q, U, R> Implementations<S, T> reversePipe(ReversePipe<?, Q, U, R> f, ReversePipeHandler<S, T, Q, U, R> handler);

  <Q, St, U> Implementations<S, T> state(StateRpc<?, Q, St, U> f, StateHandler<S, T, Q, St, U> handler);
}
