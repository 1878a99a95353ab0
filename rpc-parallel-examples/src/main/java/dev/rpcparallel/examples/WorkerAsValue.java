package dev.rpcparallel.examples;

import dev.rpcparallel.Connection;
import dev.rpcparallel.Implementations;
import dev.rpcparallel.Rpc;
import dev.rpcparallel.RpcParallel;
import dev.rpcparallel.SimpleWorkerSpec;
import dev.rpcparallel.SpawnOptions;
import dev.rpcparallel.Worker;
import dev.rpcparallel.WorkerContext;
import dev.rpcparallel.codec.Codecs;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * A worker handle as a function argument (the original's {@code worker_binprot.ml}). The master
 * spawns a {@link Counter} and a {@link Dispatcher}, then pings the counter 10 times through the
 * dispatcher (which receives the counter's {@link Worker} handle, connects to it and calls it)
 * and 10 times directly, all at once. The counter's state is shared by every connection, so the
 * 20 counts are distinct and cover 1..20.
 *
 * <p>Prints 20 lines, in completion order, such as:
 *
 * <pre>
 * worker pinged from master: 1
 * worker pinged from dispatcher: 2
 * ...
 * </pre>
 */
public final class WorkerAsValue {
  private WorkerAsValue() {}

  /** Counts pings across all its connections. */
  public static final class Counter extends SimpleWorkerSpec<Void, AtomicInteger> {
    public static final Rpc<Counter, Void, Integer> PING = Rpc.of("ping", Codecs.VOID, Codecs.INT);

    public Counter() {
      super(Codecs.VOID);
    }

    @Override
    public AtomicInteger initWorkerState(Void arg, WorkerContext context) {
      return new AtomicInteger();
    }

    @Override
    public void implement(Implementations<AtomicInteger, Void> table) {
      table.rpc(PING, (count, conn, unit) -> count.incrementAndGet());
    }
  }

  /** Pings whatever counter it is given. */
  public static final class Dispatcher extends SimpleWorkerSpec<Void, WorkerContext> {
    public static final Rpc<Dispatcher, Worker<Counter>, Integer> PING_WORKER =
        Rpc.of("ping_worker", Worker.codec(Counter.class), Codecs.INT);

    public Dispatcher() {
      super(Codecs.VOID);
    }

    @Override
    public WorkerContext initWorkerState(Void arg, WorkerContext context) {
      return context;
    }

    @Override
    public void implement(Implementations<WorkerContext, Void> table) {
      table.rpc(PING_WORKER, (context, conn, counter) ->
          context.app().withConnection(counter, c -> c.call(Counter.PING)));
    }
  }

  public static void run(Consumer<String> out) {
    try (RpcParallel app = RpcParallel.create()) {
      CompletableFuture<Worker<Counter>> counterF =
          app.spawnAsync(new Counter(), null, SpawnOptions.builder().name("counter").build());
      CompletableFuture<Worker<Dispatcher>> dispatcherF =
          app.spawnAsync(new Dispatcher(), null, SpawnOptions.builder().name("dispatcher").build());
      Worker<Counter> counter = counterF.join();
      try (Connection<Counter> toCounter = app.connect(counter);
          Connection<Dispatcher> toDispatcher = app.connect(dispatcherF.join())) {
        List<CompletableFuture<Void>> pings = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
          pings.add(toDispatcher.callAsync(Dispatcher.PING_WORKER, counter)
              .thenAccept(n -> out.accept("worker pinged from dispatcher: " + n)));
          pings.add(toCounter.callAsync(Counter.PING)
              .thenAccept(n -> out.accept("worker pinged from master: " + n)));
        }
        pings.forEach(CompletableFuture::join);
      }
    }
  }

  public static void main(String[] args) {
    run(System.out::println);
  }
}
