package dev.rpcparallel.micrometer;

import dev.rpcparallel.Implementations;
import dev.rpcparallel.Pipe;
import dev.rpcparallel.Rpc;
import dev.rpcparallel.SimpleWorkerSpec;
import dev.rpcparallel.WorkerContext;
import dev.rpcparallel.codec.Codecs;

/** A worker for the metrics tests: echo, a function that throws, and a count stream. */
public final class EchoWorker extends SimpleWorkerSpec<Integer, Void> {
  public static final Rpc<EchoWorker, String, String> ECHO = Rpc.of("echo", Codecs.STRING, Codecs.STRING);
  public static final Rpc<EchoWorker, String, Void> FAIL = Rpc.of("fail", Codecs.STRING, Codecs.VOID);
  public static final Pipe<EchoWorker, Integer, Integer> COUNT = Pipe.of("count", Codecs.INT, Codecs.INT);

  /** Public no-argument constructor: the worker JVM instantiates the spec by name. */
  public EchoWorker() {
    super(Codecs.INT);
  }

  @Override
  public Void initWorkerState(Integer arg, WorkerContext context) {
    if (arg != null && arg < 0) {
      throw new IllegalArgumentException("init refused " + arg);
    }
    return null;
  }

  @Override
  public void implement(Implementations<Void, Void> table) {
    table
        .rpc(ECHO, (s, c, q) -> q)
        .rpc(FAIL, (s, c, q) -> {
          throw new IllegalStateException(q);
        })
        .pipe(COUNT, (s, c, n, out) -> {
          for (int i = 0; i < n; i++) {
            out.write(i);
          }
          out.close();
        });
  }
}
