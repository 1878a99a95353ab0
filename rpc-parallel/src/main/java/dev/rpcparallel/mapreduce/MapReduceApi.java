package dev.rpcparallel.mapreduce;

import dev.rpcparallel.RemoteException;
import dev.rpcparallel.codec.Codec;
import dev.rpcparallel.internal.pool.PoolApi;
import dev.rpcparallel.internal.pool.PoolFunction;

/**
 * This package as the pool engine ({@code dev.rpcparallel.internal.pool}) sees it: the public
 * functions adapted to the engine's, and the public exception of a failed input. Each pool worker
 * makes its own instance by name, hence the no-argument constructor.
 */
final class MapReduceApi implements PoolApi {
  /** The one the master uses. */
  static final MapReduceApi INSTANCE = new MapReduceApi();

  MapReduceApi() {}

  @Override
  public PoolFunction<?, ?> function(Object function) {
    if (function instanceof MapFunction<?, ?, ?> f) {
      return mapper(f);
    }
    if (function instanceof ReduceFunction<?, ?, ?> f) {
      return reducer(f);
    }
    throw new IllegalArgumentException(function.getClass().getName() + " is neither a MapFunction nor a ReduceFunction");
  }

  @Override
  public RuntimeException inputFailed(long index, RemoteException cause) {
    return new InputFailedException(index, cause);
  }

  private static <P, I, O> PoolFunction.Mapper<P, I, O> mapper(MapFunction<P, I, O> f) {
    return new PoolFunction.Mapper<>() {
      @Override
      public Codec<P> paramCodec() {
        return f.paramCodec();
      }

      @Override
      public Codec<I> inputCodec() {
        return f.inputCodec();
      }

      @Override
      public Codec<O> outputCodec() {
        return f.outputCodec();
      }

      @Override
      public void init(P param, int workerIndex) throws Exception {
        f.init(param, workerIndex);
      }

      @Override
      public O map(I input) throws Exception {
        return f.map(input);
      }
    };
  }

  private static <P, I, A> PoolFunction.Reducer<P, I, A> reducer(ReduceFunction<P, I, A> f) {
    return new PoolFunction.Reducer<>() {
      @Override
      public Codec<P> paramCodec() {
        return f.paramCodec();
      }

      @Override
      public Codec<I> inputCodec() {
        return f.inputCodec();
      }

      @Override
      public Codec<A> accumulatorCodec() {
        return f.accumulatorCodec();
      }

      @Override
      public void init(P param, int workerIndex) throws Exception {
        f.init(param, workerIndex);
      }

      @Override
      public A map(I input) throws Exception {
        return f.map(input);
      }

      @Override
      public A combine(A left, A right) throws Exception {
        return f.combine(left, right);
      }
    };
  }
}
