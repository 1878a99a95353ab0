package dev.rpcparallel;

/**
 * What a worker's code can reach about the worker it runs in: its handle, its log, and the
 * {@link RpcParallel} instance hosting it (to connect to or start other workers). Thread-safe.
 */
public interface WorkerContext {
  /**
   * This worker's handle.
   *
   * @throws IllegalStateException inside {@code initWorkerState}: the handle exists once the
   *     worker listens, which is after its state is built
   */
  Worker<?> worker();

  /** This worker's log; see {@link WorkerLog}. */
  WorkerLog log();

  /** The application instance hosting this worker. */
  RpcParallel app();
}
