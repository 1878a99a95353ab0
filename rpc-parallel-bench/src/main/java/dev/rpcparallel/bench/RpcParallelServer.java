package dev.rpcparallel.bench;

import dev.rpcparallel.RpcParallel;
import dev.rpcparallel.Worker;
import java.util.Base64;

/**
 * Server JVM of {@link RpcParallelContender}: serves one {@link BenchWorker} with the library's
 * defaults except {@link BenchWorker#SETTINGS}, and announces its handle as {@code WORKER
 * <base64 of Worker.codec(BenchWorker.class)>} on stdout (the handle carries host, port, id, settings and the
 * credentials, so the client needs nothing else).
 */
public final class RpcParallelServer {

  /** Key of the announcement line. */
  static final String WORKER = "WORKER";

  private RpcParallelServer() {}

  /** Entry point of the server JVM. */
  public static void main(String[] args) {
    RpcParallel app = RpcParallel.builder().settings(BenchWorker.SETTINGS).build();
    Worker<BenchWorker> w = app.serve(new BenchWorker(), null);
    ServerProcess.announceAndAwaitParent(
        WORKER, Base64.getEncoder().encodeToString(Worker.codec(BenchWorker.class).toBytes(w)));
  }
}
