package dev.rpcparallel.internal.engine;

import dev.rpcparallel.RpcParallel;
import dev.rpcparallel.Worker;
import dev.rpcparallel.WorkerContext;
import dev.rpcparallel.WorkerLog;
import dev.rpcparallel.internal.protocol.Auth;

/** The {@link WorkerContext} of a served or spawned worker; the handle is set once it listens. */
final class HostedContext implements WorkerContext {
  private final WorkerLog log;
  private final RpcParallel app;
  private volatile Worker<?> handle;
  private volatile Handles handles;

  HostedContext(WorkerLog log, RpcParallel app) {
    this.log = log;
    this.app = app;
  }

  void setHandle(Worker<?> handle, Handles handles) {
    this.handles = handles;
    this.handle = handle;
  }

  /**
   * Credentials older than {@code generation} were retired: the worker's own handle becomes one
   * of that generation (no expiry), so what it hands out from now on still opens it.
   */
  void retired(long generation, byte[] appSecret) {
    Worker<?> w = handle;
    if (w == null || handles == null) {
      return;
    }
    HandleData d = handles.data(w);
    if (d.generation() >= generation) {
      return;
    }
    Auth.Terms terms = new Auth.Terms(d.id(), generation, 0);
    handle = handles.worker(new HandleData(d.id(), d.name(), d.host(), d.port(), d.tls(), d.specClass(), d.settings(),
        Auth.credential(appSecret, terms), generation, 0));
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
