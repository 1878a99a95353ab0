package dev.rpcparallel.examples;

import dev.rpcparallel.Connection;
import dev.rpcparallel.Implementations;
import dev.rpcparallel.Rpc;
import dev.rpcparallel.RpcParallel;
import dev.rpcparallel.RpcParallelException;
import dev.rpcparallel.SimpleWorkerSpec;
import dev.rpcparallel.Worker;
import dev.rpcparallel.WorkerContext;
import dev.rpcparallel.codec.Codecs;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Workers hosted inside this JVM with {@link RpcParallel#serve} (the original's {@code
 * serve.ml}); no process is started. For each i in 0..9 it serves a counter starting at i, opens
 * two connections that share its state (incrementing gives i+1, then i+2), closes the worker's
 * server with {@link Connection#closeServer()}, checks that a new connection is refused while
 * the old one still works (i+3).
 *
 * <p>Prints one line per server, then {@code Success.}:
 *
 * <pre>
 * server 0: conn1 1, conn2 2, new connection refused, conn1 3
 * ...
 * server 9: conn1 10, conn2 11, new connection refused, conn1 12
 * Success.
 * </pre>
 */
public final class Serve {
  private Serve() {}

  /** A counter: the worker state, shared by all connections. */
  public static final class Counter extends SimpleWorkerSpec<Integer, AtomicInteger> {
    public static final Rpc<Counter, Void, Integer> INCR = Rpc.of("incr", Codecs.VOID, Codecs.INT);

    public Counter() {
      super(Codecs.INT);
    }

    @Override
    public AtomicInteger initWorkerState(Integer start, WorkerContext context) {
      return new AtomicInteger(start);
    }

    @Override
    public void implement(Implementations<AtomicInteger, Void> table) {
      table.rpc(INCR, (count, conn, unit) -> count.incrementAndGet());
    }
  }

  public static void run(Consumer<String> out) {
    boolean ok = true;
    try (RpcParallel app = RpcParallel.create()) {
      for (int i = 0; i < 10; i++) {
        Worker<Counter> w = app.serve(new Counter(), i);
        try (Connection<Counter> c1 = app.connect(w); Connection<Counter> c2 = app.connect(w)) {
          int a = c1.call(Counter.INCR);
          int b = c2.call(Counter.INCR);
          c1.closeServer();
          String refused;
          try {
            app.connect(w).close();
            refused = "new connection accepted";
            ok = false;
          } catch (RpcParallelException e) {
            refused = "new connection refused";
          }
          int c = c1.call(Counter.INCR);
          ok &= a == i + 1 && b == i + 2 && c == i + 3;
          out.accept("server " + i + ": conn1 " + a + ", conn2 " + b + ", " + refused + ", conn1 " + c);
        }
      }
    }
    out.accept(ok ? "Success." : "Failure.");
  }

  public static void main(String[] args) {
    run(System.out::println);
  }
}
