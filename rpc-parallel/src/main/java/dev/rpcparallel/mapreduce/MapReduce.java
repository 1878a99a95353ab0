package dev.rpcparallel.mapreduce;

import dev.rpcparallel.RpcParallel;
import dev.rpcparallel.internal.pool.Jobs;
import dev.rpcparallel.internal.pool.Pool;
import java.util.Objects;
import java.util.Optional;

/**
 * The original's five {@code Map_reduce} operations, each on a pool of its own: started for the
 * operation (as {@code config} says), ended when it ends. For many operations on the same
 * workers, or single tasks, use a {@link WorkerPool}.
 *
 * <pre>{@code
 * try (MapStream<Long> squares = MapReduce.map(app, PoolConfig.defaults(), new Square(), null, inputs)) {
 *   squares.forEachRemaining(System.out::println);
 * }
 * Optional<Stats> stats = MapReduce.mapReduceCommutative(app, config, new StatsOf(), null, blocks);
 * }</pre>
 *
 * <p>Inputs are any {@link Iterable} (a {@link java.util.Collection} also gives progress reports
 * their total; pass {@code stream::iterator} for a {@link java.util.stream.Stream}); they are read
 * lazily, on library threads. Scheduling, batching, retries on worker death and the errors are
 * those of {@link WorkerPool}; docs/MAPREDUCE.md has the details. The streaming operations return
 * at once and end the pool when the stream ends or is closed (close it: try-with-resources); the
 * others block and end the pool before they return or throw.
 *
 * <p>Thread-safe: operations are independent.
 */
public final class MapReduce {
  private MapReduce() {}

  /**
   * Maps {@code inputs}, results in input order as they are ready (the original's {@code map}).
   * Closing the stream early stops the work and ends the workers.
   */
  public static <P, I, O> MapStream<O> map(
      RpcParallel app, PoolConfig config, MapFunction<P, I, O> function, P param, Iterable<? extends I> inputs) {
    requireArguments(app, config, function, inputs);
    Pool pool = start(app, config, function, function.paramCodec().toBytes(param));
    try {
      return new PoolStream<>(Jobs.map(pool, function.inputCodec(), function.outputCodec(), inputs, true));
    } catch (RuntimeException e) {
      pool.close();
      throw e;
    }
  }

  /** As {@link #map}, results in the order they finish, with their input's index ({@code map_unordered}). */
  public static <P, I, O> MapStream<Indexed<O>> mapUnordered(
      RpcParallel app, PoolConfig config, MapFunction<P, I, O> function, P param, Iterable<? extends I> inputs) {
    requireArguments(app, config, function, inputs);
    Pool pool = start(app, config, function, function.paramCodec().toBytes(param));
    try {
      return new PoolStream<>(Jobs.mapUnordered(pool, function.inputCodec(), function.outputCodec(), inputs, true, Indexed::new));
    } catch (RuntimeException e) {
      pool.close();
      throw e;
    }
  }

  /**
   * Maps {@code inputs} until one maps to a present value, and returns it; the other workers stop
   * at once ({@code find_map}). Which hit is returned when several inputs have one is not
   * specified (the first to arrive). Empty if none has.
   */
  public static <P, I, T> Optional<T> findMap(
      RpcParallel app, PoolConfig config, MapFunction<P, I, Optional<T>> function, P param, Iterable<? extends I> inputs) {
    requireArguments(app, config, function, inputs);
    try (Pool pool = start(app, config, function, function.paramCodec().toBytes(param))) {
      return Jobs.find(pool, function.inputCodec(), function.outputCodec(), inputs, Optional::isPresent).flatMap(o -> o);
    }
  }

  /**
   * Maps every input to an accumulator and combines them all, in any order: {@link
   * ReduceFunction#combine} must be associative and commutative ({@code map_reduce_commutative}).
   * Empty if there are no inputs.
   */
  public static <P, I, A> Optional<A> mapReduceCommutative(
      RpcParallel app, PoolConfig config, ReduceFunction<P, I, A> function, P param, Iterable<? extends I> inputs) {
    return reduce(app, config, function, param, inputs, false);
  }

  /**
   * Maps every input to an accumulator and combines them respecting input order: only
   * accumulators of adjacent inputs combine, the earlier on the left, so an associative {@link
   * ReduceFunction#combine} gives what a left-to-right fold would ({@code map_reduce}). Empty if
   * there are no inputs.
   */
  public static <P, I, A> Optional<A> mapReduce(
      RpcParallel app, PoolConfig config, ReduceFunction<P, I, A> function, P param, Iterable<? extends I> inputs) {
    return reduce(app, config, function, param, inputs, true);
  }

  private static <P, I, A> Optional<A> reduce(
      RpcParallel app, PoolConfig config, ReduceFunction<P, I, A> function, P param, Iterable<? extends I> inputs, boolean ordered) {
    requireArguments(app, config, function, inputs);
    try (Pool pool = start(app, config, function, function.paramCodec().toBytes(param))) {
      return Jobs.reduce(pool, function.inputCodec(), function.accumulatorCodec(), inputs, ordered);
    }
  }

  /** Null checks before anything uses the arguments (the parameter is encoded with the function's codec). */
  private static void requireArguments(RpcParallel app, PoolConfig config, Object function, Object inputs) {
    Objects.requireNonNull(app, "app");
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(function, "function");
    Objects.requireNonNull(inputs, "inputs");
  }

  private static Pool start(RpcParallel app, PoolConfig config, Object function, byte[] param) {
    Objects.requireNonNull(app, "app");
    Objects.requireNonNull(config, "config");
    return Pool.start(app, config.plan(), MapReduceApi.INSTANCE, function, param);
  }
}
