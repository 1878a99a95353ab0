package dev.rpcparallel.testing;

import dev.rpcparallel.Connection;
import dev.rpcparallel.Implementations;
import dev.rpcparallel.Rpc;
import dev.rpcparallel.SimpleWorkerSpec;
import dev.rpcparallel.Worker;
import dev.rpcparallel.WorkerContext;
import dev.rpcparallel.codec.Codecs;

/** A worker that receives another worker's handle as an argument, connects to it and calls it. */
public final class DispatchWorker extends SimpleWorkerSpec<Void, WorkerContext> {
  /** Connects to the given {@link TestWorker} and returns its {@link TestWorker#INC}. */
  public static final Rpc<DispatchWorker, Worker<TestWorker>, Integer> INC_VIA =
      Rpc.of("inc_via", Worker.codec(TestWorker.class), Codecs.INT);

  public DispatchWorker() {
    super(Codecs.VOID);
  }

  @Override
  public WorkerContext initWorkerState(Void arg, WorkerContext context) {
    return context;
  }

  @Override
  public void implement(Implementations<WorkerContext, Void> table) {
    table.rpc(INC_VIA, (ctx, c, counter) -> {
      try (Connection<TestWorker> to = ctx.app().connect(counter, "dispatcher")) {
        return to.call(TestWorker.INC);
      }
    });
  }
}
