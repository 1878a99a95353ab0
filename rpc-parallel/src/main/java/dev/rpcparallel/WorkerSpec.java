package dev.rpcparallel;

import dev.rpcparallel.codec.Codec;

/**
 * Defines a worker type: how its state is built, how each connection's state is built, and the
 * implementation of each of its functions.
 *
 * <p>A spec is a class with a public no-argument constructor, so a worker JVM can instantiate it
 * by name. Master and worker must use the same class; functions are matched by name and
 * signature, never by creation order.
 *
 * <pre>{@code
 * // StatelessWorkerSpec: no init argument, no state; see SimpleWorkerSpec for worker state
 * public final class SumWorker extends StatelessWorkerSpec {
 *   public static final Rpc<SumWorker, Integer, Long> SUM = Rpc.of("sum", Codecs.INT, Codecs.LONG);
 *   public void implement(Implementations<Void, Void> table) {
 *     table.rpc(SUM, (state, conn, n) -> LongStream.range(0, n).sum());
 *   }
 * }
 * }</pre>
 *
 * <p><b>Threading</b>: {@code initWorkerState} runs once per worker; {@code initConnectionState}
 * once per connection; handlers run concurrently on the application's handler executor, so
 * mutable worker state shared by connections must be thread-safe.
 *
 * <p><b>Errors</b>: if {@code initWorkerState} throws, serving or spawning fails with its text; if
 * {@code initConnectionState} throws, connecting fails with its text.
 *
 * @param <A> the argument given to {@code serve}/{@code spawn}
 * @param <S> the worker state, one per worker, shared by all connections
 * @param <C> the argument given when connecting
 * @param <T> the connection state, one per connection
 */
public interface WorkerSpec<A, S, C, T> {

  /** Codec of the worker's init argument. */
  Codec<A> initArgCodec();

  /** Builds the worker state; runs once, in the worker, before it accepts calls. */
  S initWorkerState(A arg, WorkerContext context) throws Exception;

  /** Codec of the connection argument. */
  Codec<C> connectionArgCodec();

  /** Builds one connection's state; runs in the worker when a client connects. */
  T initConnectionState(ConnectionContext connection, S workerState, C arg) throws Exception;

  /** Binds an implementation to each function; called once per hosted worker. */
  void implement(Implementations<S, T> table);
}
