package dev.rpcparallel.testing;

import dev.rpcparallel.Connection;
import dev.rpcparallel.Implementations;
import dev.rpcparallel.Rpc;
import dev.rpcparallel.SimpleWorkerSpec;
import dev.rpcparallel.SpawnOptions;
import dev.rpcparallel.Worker;
import dev.rpcparallel.WorkerContext;
import dev.rpcparallel.codec.Codecs;
import java.util.ArrayList;
import java.util.List;

/**
 * A worker that, in initWorkerState, spawns the next link of a chain (init argument: how many
 * links follow it) from its own {@link WorkerContext#app()}.
 */
public final class ChainWorker extends SimpleWorkerSpec<Integer, ChainWorker.State> {
  /** A link: its next link, if any. */
  public record State(WorkerContext context, Worker<ChainWorker> next) {}

  /** For this link and every one after it, in order: {pid, parent pid}. */
  public static final Rpc<ChainWorker, Void, List<List<Long>>> CHAIN =
      Rpc.of("chain", Codecs.VOID, Codecs.list(Codecs.list(Codecs.LONG)));

  public ChainWorker() {
    super(Codecs.INT);
  }

  @Override
  public State initWorkerState(Integer following, WorkerContext context) {
    Worker<ChainWorker> next = null;
    if (following > 0) {
      next = context.app().spawn(new ChainWorker(), following - 1,
          SpawnOptions.builder().name("chain-" + (following - 1)).build());
    }
    return new State(context, next);
  }

  @Override
  public void implement(Implementations<State, Void> table) {
    table.rpc(CHAIN, (s, c, q) -> {
      List<List<Long>> out = new ArrayList<>();
      ProcessHandle me = ProcessHandle.current();
      out.add(List.of(me.pid(), me.parent().map(ProcessHandle::pid).orElse(-1L)));
      if (s.next() != null) {
        try (Connection<ChainWorker> next = s.context().app().connect(s.next())) {
          out.addAll(next.call(CHAIN));
        }
      }
      return out;
    });
  }
}
