package dev.rpcparallel.mapreduce;

import dev.rpcparallel.codec.Codec;

/**
 * A map-reduce function: each input maps to an accumulator {@code A}, and accumulators combine
 * (the original's {@code Make_map_reduce_function[_with_init]}). For {@link
 * MapReduce#mapReduce} {@link #combine} must be associative; for {@link
 * MapReduce#mapReduceCommutative} also commutative.
 *
 * <p>A public class with a public no-argument constructor, instantiated by name in each worker;
 * {@link #init} runs once per worker, then {@link #map} and {@link #combine}, possibly from
 * several threads at once.
 *
 * @param <P> the parameter given to every worker's {@link #init}
 * @param <I> inputs
 * @param <A> accumulators
 */
public interface ReduceFunction<P, I, A> {
  Codec<P> paramCodec();

  Codec<I> inputCodec();

  Codec<A> accumulatorCodec();

  /** Prepares this worker's instance; runs once per worker, before anything else. */
  default void init(P param, int workerIndex) throws Exception {}

  /** The accumulator of one input. */
  A map(I input) throws Exception;

  /** Combines two accumulators; {@code left} covers earlier inputs than {@code right}. */
  A combine(A left, A right) throws Exception;
}
