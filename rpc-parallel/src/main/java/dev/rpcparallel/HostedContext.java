package dev.rpcparallel;

import java.util.concurrent.atomic.AtomicReference;

/** The {@link WorkerContext} of a served or spawned worker; the handle is set once it listens. */
record HostedContext(AtomicReference<Worker> handle, WorkerLog log, RpcParallel app) implements WorkerContext {
  @Override
  public Worker worker() {
    Worker w = handle.get();
    if (w == null) {
      throw new IllegalStateException("the worker handle is available once initWorkerState has returned");
    }
    return w;
  }
}
