package dev.rpcparallel.internal.engine;

import dev.rpcparallel.RpcParallel;
import dev.rpcparallel.Worker;
import dev.rpcparallel.WorkerContext;
import dev.rpcparallel.WorkerLog;

/** The {@link WorkerContext} of a served or spawned worker; the handle is set once it listens. */
final class HostedContext implements WorkerContext {
  private final WorkerLog log;
  private final RpcParallel app;
  private volatile Worker<?> handle;

  HostedContext(WorkerLog log, RpcParallel app) {
    this.log = log;
    this.app = app;
  }

  void setHandle(Worker<?> handle) {
    this.handle = handle;
  }

  @Override
  public Worker<?> worker() {
    Worker<?> w = handle;
    if (w == null) {
      throw new IllegalStateException("the worker handle is available once initWorkerState has returned");
    }
    return w;
  }

  @Override
  public WorkerLog log() {
    return log;
  }

  @Override
  public RpcParallel app() {
    return app;
  }
}
