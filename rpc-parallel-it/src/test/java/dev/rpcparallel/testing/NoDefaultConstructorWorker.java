package dev.rpcparallel.testing;

import dev.rpcparallel.Implementations;
import dev.rpcparallel.SimpleWorkerSpec;
import dev.rpcparallel.WorkerContext;
import dev.rpcparallel.codec.Codecs;

/** A spec a worker JVM cannot instantiate: it has no public no-argument constructor. */
public final class NoDefaultConstructorWorker extends SimpleWorkerSpec<Void, Void> {
  public NoDefaultConstructorWorker(String unused) {
    super(Codecs.VOID);
  }

  @Override
  public Void initWorkerState(Void arg, WorkerContext context) {
    return null;
  }

  @Override
  public void implement(Implementations<Void, Void> table) {}
}
