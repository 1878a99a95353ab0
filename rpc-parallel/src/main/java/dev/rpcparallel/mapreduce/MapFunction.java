package dev.rpcparallel.mapreduce;

import dev.rpcparallel.codec.Codec;

/**
 * A function a {@link WorkerPool} runs in its workers: inputs {@code I} to outputs {@code O},
 * after an optional per-worker {@link #init} from a parameter {@code P} broadcast to every worker
 * (the original's {@code Make_map_function_with_init}).
 *
 * <p>Like a worker spec, it is a public class with a public no-argument constructor: each
 * worker JVM makes its own instance by name, calls {@link #init} once, then {@link #map} for
 * every input it is given, possibly from several threads at once (keep per-worker state
 * thread-safe). Instances in the master only serve for their codecs.
 *
 * <pre>{@code
 * public final class Square implements MapFunction<Void, Long, Long> {
 *   public Codec<Void> paramCodec() { return Codecs.VOID; }
 *   public Codec<Long> inputCodec() { return Codecs.LONG; }
 *   public Codec<Long> outputCodec() { return Codecs.LONG; }
 *   public Long map(Long x) { return x * x; }
 * }
 * }</pre>
 *
 * @param <P> the parameter given to every worker's {@link #init}
 * @param <I> inputs
 * @param <O> outputs
 */
public interface MapFunction<P, I, O> {
  /**
   * The codec of the parameter: it is encoded once in the master when the pool starts (a failure
   * to encode it is thrown there) and decoded in each worker before {@link #init}. The shapes of
   * the three codecs must be the same in master and worker, or the workers fail to start.
   */
  Codec<P> paramCodec();

  /**
   * The codec of the inputs: the master encodes them as they are read, each worker decodes those
   * it is given. An input that fails to encode fails its job with an {@link
   * IllegalArgumentException} naming the input's index ({@link WorkerPool#submit} throws the
   * codec's exception to its caller instead).
   */
  Codec<I> inputCodec();

  /**
   * The codec of the outputs: each worker encodes them, the master decodes them. An output that
   * fails to encode fails its input as an exception thrown by {@link #map} would.
   */
  Codec<O> outputCodec();

  /**
   * Prepares this worker's instance; runs once per worker, before any {@link #map}.
   *
   * @param param the parameter given to the pool, the same for every worker
   * @param workerIndex this worker's index in its group of the pool, from 0
   */
  default void init(P param, int workerIndex) throws Exception {}

  /** Maps one input. An exception fails that input (see {@link WorkerPool}). */
  O map(I input) throws Exception;
}
