package dev.rpcparallel.testing;

import dev.rpcparallel.RpcParallel;
import dev.rpcparallel.Worker;
import dev.rpcparallel.WorkerSpec;
import java.util.Base64;

/**
 * Test main: serves one worker of the given spec class with the given int init argument, prints
 * {@code WORKER <base64 handle>}, and exits when stdin reaches EOF.
 */
public final class ServeMain {
  private ServeMain() {}

  @SuppressWarnings("unchecked")
  public static void main(String[] args) throws Exception {
    WorkerSpec<Integer, ?, ?, ?> spec =
        (WorkerSpec<Integer, ?, ?, ?>) Class.forName(args[0]).getConstructor().newInstance();
    try (RpcParallel app = RpcParallel.create()) {
      Worker<?> w = app.serve(spec, Integer.parseInt(args[1]));
      System.out.println("WORKER " + Base64.getEncoder().encodeToString(Worker.CODEC.toBytes(w)));
      System.out.flush();
      while (System.in.read() >= 0) {
        // wait for EOF
      }
    }
  }
}
