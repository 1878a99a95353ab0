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
  /**
   * The codec of the parameter: it is encoded once in the master when the pool starts (a failure
   * to encode it is thrown there) and decoded in each worker before {@link #init}. The shapes of
   * the three codecs must be the same in master and worker, or the workers fail to start.
   */
  Codec<P> paramCodec();

  /**
   * The codec of the inputs: the master encodes them as they are read, each worker decodes those
   * it is given. An input that fails to encode fails the job with an {@link
   * IllegalArgumentException} naming the input's index.
   */
  Codec<I> inputCodec();

  /**
   * The codec of the accumulators: workers encode the accumulator of each batch and of each
   * combine, and decode the two they are given to combine; the master decodes the final one.
   */
  Codec<A> accumulatorCodec();

  /** Prepares this worker's instance; runs once per worker, before anything else. */
  default void init(P param, int workerIndex) throws Exception {}

  /** The accumulator of one input. */
  A map(I input) throws Exception;

  /** Combines two accumulators; {@code left} covers earlier inputs than {@code right}. */
  A combine(A left, A right) throws Exception;
}
