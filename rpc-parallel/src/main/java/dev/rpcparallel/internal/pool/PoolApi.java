package dev.rpcparallel.internal.pool;

import dev.rpcparallel.RemoteException;

/**
 * What the pool engine needs from the public map-reduce API it serves, which it does not depend
 * on: how a user's function runs, and what a consumer sees when it fails on an input. The API
 * ({@code dev.rpcparallel.mapreduce}) implements it and gives it to {@link Pool#start}.
 *
 * <p>Each worker makes its own instance by name ({@link PoolWorker} is told the class): the class
 * needs a no-argument constructor, which need not be public (it is in this module).
 */
public interface PoolApi {
  /**
   * The user's {@code function} as the engine runs it.
   *
   * @throws IllegalArgumentException if it is no function the API knows
   */
  PoolFunction<?, ?> function(Object function);

  /** What a job fails with when the function threw {@code cause} on input {@code index}. */
  RuntimeException inputFailed(long index, RemoteException cause);
}
