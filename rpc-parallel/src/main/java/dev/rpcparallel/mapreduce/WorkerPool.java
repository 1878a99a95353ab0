package dev.rpcparallel.mapreduce;

import dev.rpcparallel.RpcParallel;
import dev.rpcparallel.internal.pool.Jobs;
import dev.rpcparallel.internal.pool.Pool;
import dev.rpcparallel.internal.pool.TaskJob;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;

/**
 * A pool of worker JVMs running one {@link MapFunction}: single tasks ({@link #submit}, the role
 * of Python's {@code ProcessPoolExecutor}) and whole sequences ({@link #map}, {@link
 * #mapUnordered}, {@link #findFirst}), all sharing the same workers. See {@link MapReduce} for
 * one-shot operations that start and end a pool of their own, and for map-reduce.
 *
 * <pre>{@code
 * try (RpcParallel app = RpcParallel.create();
 *      WorkerPool<Long, Long> pool = WorkerPool.start(app, PoolConfig.defaults(), new Square(), null)) {
 *   long nine = pool.submit(3L).join();
 *   try (MapStream<Long> squares = pool.map(List.of(1L, 2L, 3L))) {
 *     squares.forEachRemaining(System.out::println);
 *   }
 * }
 * }</pre>
 *
 * <p><b>Scheduling.</b> Inputs are pulled: a worker is given the next batch of inputs as soon as
 * it has room (two batches at a time: one running, one waiting), so faster workers take more.
 * Batches grow until one takes about 25 ms of a worker's time ({@link PoolConfig.Builder#batchSize}
 * overrides this); {@link #submit} sends one input per call.
 *
 * <p><b>Failures.</b> An exception thrown by the function fails that input: a job fails with an
 * {@link InputFailedException} carrying the input's index ("the function failed on input 17:
 * java.lang.IllegalStateException: ... (in worker pool1-0-0)"), whose cause is the function's
 * exception as a {@link dev.rpcparallel.RemoteException}; a task's future fails with that
 * {@code RemoteException} itself. A worker that dies (killed, crashed,
 * cut off) fails nothing by itself: its unfinished inputs are given to other workers, up to
 * {@link PoolConfig.Builder#retries} times, and it is replaced by a fresh worker unless {@link
 * PoolConfig.Builder#replaceDeadWorkers} is off. With retries off, or exhausted, the job fails
 * with an {@link dev.rpcparallel.RpcParallelException} of kind {@code WORKER_FAILED} naming the
 * first input of the lost batch and the worker's exit status. Each input's result is delivered
 * exactly once either way: a batch lost with its worker delivered nothing, and results arrive only
 * from a batch that completed. (The function may have <em>run</em> more than once on such inputs;
 * keep its side effects idempotent.)
 *
 * <p><b>Lifecycle.</b> {@link #start} returns once every worker is running its function's {@link
 * MapFunction#init}; {@link #close} ends every worker and waits (up to 10 s) for them to exit.
 * Workers are spawned with {@link dev.rpcparallel.ShutdownOn#CONNECTION_CLOSED}: they also exit
 * by themselves when this JVM goes away.
 *
 * <p>Thread-safe: any thread may submit or start a map while others run; jobs share the workers.
 *
 * @param <I> inputs
 * @param <O> outputs
 */
public final class WorkerPool<I, O> implements AutoCloseable {
  private final Pool pool;
  private final MapFunction<?, I, O> function;
  private final TaskJob<I, O> tasks;

  private WorkerPool(Pool pool, MapFunction<?, I, O> function) {
    this.pool = pool;
    this.function = function;
    this.tasks = new TaskJob<>(pool, function.inputCodec(), function.outputCodec());
  }

  /**
   * Spawns the pool's workers (as {@code config} says) and initialises {@code function} in each
   * with {@code param}. Blocks until all are ready.
   *
   * @param function an instance of the function's class; it serves here only for its codecs and
   *     class name: each worker makes its own instance with the public no-argument constructor
   * @param param given to {@link MapFunction#init} in every worker (null for a {@code Void} parameter)
   * @throws IllegalArgumentException if {@code function}'s class cannot be instantiated by name
   *     (anonymous, a lambda, not public, or no public no-argument constructor)
   * @throws dev.rpcparallel.RpcParallelException if a worker cannot be started or its {@code init}
   *     throws; the workers already started are ended
   */
  public static <P, I, O> WorkerPool<I, O> start(RpcParallel app, PoolConfig config, MapFunction<P, I, O> function, P param) {
    Objects.requireNonNull(app, "app");
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(function, "function");
    byte[] encoded = function.paramCodec().toBytes(param);
    return new WorkerPool<>(Pool.start(app, config.plan(), MapReduceApi.INSTANCE, function, encoded), function);
  }

  /** Maps one input on some worker; the future fails as a failed input would (see the class doc). */
  public CompletableFuture<O> submit(I input) {
    return tasks.submit(input, null);
  }

  /**
   * Maps one input, failing the future with a {@link java.util.concurrent.TimeoutException} if
   * it has no result within {@code deadline} from now. Cancelling the future (or its deadline)
   * drops a queued task, or interrupts the function's thread in its worker.
   */
  public CompletableFuture<O> submit(I input, Duration deadline) {
    if (Objects.requireNonNull(deadline, "deadline").isNegative()) {
      throw new IllegalArgumentException("deadline must not be negative, got " + deadline);
    }
    return tasks.submit(input, deadline);
  }

  /**
   * Maps {@code inputs}; the results come in input order as they are ready. The inputs are read
   * lazily, on library threads, as workers need them (pass {@code stream::iterator} for a {@link
   * java.util.stream.Stream}). Closing the stream before its end stops the job (the workers drop
   * what they run for it); the pool stays. On a closed pool, the stream fails at once ({@link
   * dev.rpcparallel.RpcParallelException} of kind {@code CANCELLED}, "the pool is closed").
   */
  public MapStream<O> map(Iterable<? extends I> inputs) {
    return new PoolStream<>(Jobs.map(pool, function.inputCodec(), function.outputCodec(), inputs, false));
  }

  /** As {@link #map}, with results in the order they finish, each with its input's index. */
  public MapStream<Indexed<O>> mapUnordered(Iterable<? extends I> inputs) {
    return new PoolStream<>(Jobs.mapUnordered(pool, function.inputCodec(), function.outputCodec(), inputs, false, Indexed::new));
  }

  /**
   * Maps {@code inputs} until a result satisfies {@code hit}, then stops the other workers'
   * work on this job. Blocks. The result is the first hit to arrive, not necessarily that of the
   * earliest input; empty if no result satisfies {@code hit}. Throws {@link
   * dev.rpcparallel.RpcParallelException} (kind {@code CANCELLED}) on a closed pool.
   */
  public Optional<O> findFirst(Iterable<? extends I> inputs, Predicate<? super O> hit) {
    return Jobs.find(pool, function.inputCodec(), function.outputCodec(), inputs, hit);
  }

  /** The number of live workers (dead ones being replaced are not counted); 0 once closed. */
  public int workers() {
    return pool.workers();
  }

  /**
   * Fails queued and running tasks and jobs, ends every worker and waits up to 10 s for them to
   * exit. Idempotent.
   */
  @Override
  public void close() {
    tasks.close();
    pool.close();
  }
}
