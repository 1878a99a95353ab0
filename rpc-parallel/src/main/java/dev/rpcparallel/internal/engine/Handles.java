package dev.rpcparallel.internal.engine;

import dev.rpcparallel.Worker;
import dev.rpcparallel.WorkerSpec;

/**
 * Builds and reads the public {@link Worker} handles, whose credential is not public API. The
 * facade implements it (it shares the handle's package) and hands it to the engine.
 */
public interface Handles {
  <W extends WorkerSpec<?, ?, ?, ?>> Worker<W> worker(HandleData data);

  HandleData data(Worker<?> worker);
}
