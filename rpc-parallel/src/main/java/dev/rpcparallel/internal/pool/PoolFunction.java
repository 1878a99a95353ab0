package dev.rpcparallel.internal.pool;

import dev.rpcparallel.codec.Codec;

/**
 * A pool's function as the engine runs it: a {@link Mapper} or a {@link Reducer}. The public API
 * ({@code MapFunction}, {@code ReduceFunction}) adapts its functions to these through its {@link
 * PoolApi}; the engine never sees the public types.
 *
 * @param <P> the parameter given to every worker's {@link #init}
 * @param <I> inputs
 */
public sealed interface PoolFunction<P, I> permits PoolFunction.Mapper, PoolFunction.Reducer {
  Codec<P> paramCodec();

  Codec<I> inputCodec();

  /** Runs once per worker, before anything else. */
  void init(P param, int workerIndex) throws Exception;

  /**
   * The shapes the function's codecs must have on both ends, master and worker.
   */
  String shapes();

  /** Maps inputs to outputs. */
  non-sealed interface Mapper<P, I, O> extends PoolFunction<P, I> {
    Codec<O> outputCodec();

    O map(I input) throws Exception;

    @Override
    default String shapes() {
      return "map(" + paramCodec().shape() + ";" + inputCodec().shape() + ")->" + outputCodec().shape();
    }
  }

  /** Maps inputs to accumulators, which combine. */
  non-sealed interface Reducer<P, I, A> extends PoolFunction<P, I> {
    Codec<A> accumulatorCodec();

    A map(I input) throws Exception;

    /** {@code left} covers earlier inputs than {@code right}. */
    A combine(A left, A right) throws Exception;

    @Override
    default String shapes() {
      return "reduce(" + paramCodec().shape() + ";" + inputCodec().shape() + ")->" + accumulatorCodec().shape();
    }
  }
}
