package dev.rpcparallel.bench;

import dev.rpcparallel.Connection;
import dev.rpcparallel.Redirect;
import dev.rpcparallel.RpcParallel;
import dev.rpcparallel.SpawnOptions;
import dev.rpcparallel.Worker;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * What one {@code connect} to a running worker costs: spawns one worker, then opens and closes
 * {@code n} connections to it, {@code rounds} times, and prints per connect the wall time and
 * the CPU time (user and system, from {@code /proc}) of the master and of the worker. The first
 * round shows cold code, the last ones what a JIT-warm connect costs (TCP connect, preamble,
 * authentication, open, close).
 *
 * <pre>usage: ConnectLoop [N per round, default 300] [ROUNDS, default 4]</pre>
 */
public final class ConnectLoop {
  private ConnectLoop() {}

  /** User and system CPU time of process {@code pid}, in ms (from its {@code stat} line). */
  private static long[] cpuMs(long pid) throws IOException {
    String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    long tick = 10; // USER_HZ is 100 on Linux
    return new long[] {Long.parseLong(f[11]) * tick, Long.parseLong(f[12]) * tick};
  }

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 300;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 4;
    SpawnOptions options = SpawnOptions.builder().stdout(Redirect.discard()).stderr(Redirect.discard()).build();
    try (RpcParallel app = RpcParallel.builder().settings(BenchWorker.SETTINGS).build()) {
      Worker<BenchWorker> worker = app.spawn(new BenchWorker(), null, options);
      long workerPid;
      try (Connection<BenchWorker> c = app.connect(worker)) {
        workerPid = c.call(BenchWorker.PROBE)[0];
      }
      long self = ProcessHandle.current().pid();
      for (int round = 1; round <= rounds; round++) {
        long[] m0 = cpuMs(self);
        long[] w0 = cpuMs(workerPid);
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
          try (Connection<BenchWorker> c = app.connect(worker)) {
            // open, then close
          }
        }
        double wall = (System.nanoTime() - t0) / 1e6 / n;
        long[] m1 = cpuMs(self);
        long[] w1 = cpuMs(workerPid);
        System.out.printf(Locale.ROOT, "round %d: %d connects, per connect: wall %.2f ms; master cpu user %.2f + sys %.2f ms;"
                + " worker cpu user %.2f + sys %.2f ms%n", round, n, wall, (m1[0] - m0[0]) / (double) n,
            (m1[1] - m0[1]) / (double) n, (w1[0] - w0[0]) / (double) n, (w1[1] - w0[1]) / (double) n);
      }
      app.shutdown(worker).get();
    }
  }
}
