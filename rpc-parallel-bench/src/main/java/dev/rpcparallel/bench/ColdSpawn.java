package dev.rpcparallel.bench;

import dev.rpcparallel.Connection;
import dev.rpcparallel.Redirect;
import dev.rpcparallel.RpcParallel;
import dev.rpcparallel.SpawnOptions;
import dev.rpcparallel.Worker;
import java.util.concurrent.TimeUnit;

/**
 * One master, one worker at a time, with the class-data cache on or off: prints, per round, the
 * spawn-to-first-reply time ({@code spawnAndConnect} + 1-byte echo), the worker's CPU time by
 * then, and how long it took to exit after its connection closed. Round 0 is the master's first
 * spawn (with the cache on and no archive yet, the worker that writes it). For a clean first
 * round, point the cache at a fresh directory:
 *
 * <pre>
 * java -Ddev.rpcparallel.classDataCache.directory=$(mktemp -d)/cds \
 *     -cp "rpc-parallel-bench/target/rpc-parallel-bench-*.jar:rpc-parallel-bench/target/lib/*" \
 *     dev.rpcparallel.bench.ColdSpawn ROUNDS on|off
 * </pre>
 */
public final class ColdSpawn {
  private ColdSpawn() {}

  public static void main(String[] args) throws Exception {
    int rounds = Integer.parseInt(args[0]);
    boolean on = args[1].equals("on");
    SpawnOptions options = SpawnOptions.builder().classDataSharing(on).stdout(Redirect.discard()).build();
    try (RpcParallel app = RpcParallel.create()) {
      for (int r = 0; r <= rounds; r++) {
        long t0 = System.nanoTime();
        Connection<BenchWorker> c = app.spawnAndConnect(new BenchWorker(), null, null, options);
        c.call(BenchWorker.ECHO, new byte[] {1});
        double ms = (System.nanoTime() - t0) / 1e6;
        double cpu = SpawnBench.cpuMs(c.call(BenchWorker.PROBE)[0]);
        Worker<BenchWorker> w = c.worker();
        long t1 = System.nanoTime();
        c.close();
        int status = app.onExit(w).get(60, TimeUnit.SECONDS);
        System.out.printf("round %d: spawn-to-reply %.0f ms, cpu %.0f ms, exit %.0f ms (status %d)%n",
            r, ms, cpu, (System.nanoTime() - t1) / 1e6, status);
      }
    }
  }
}
