package dev.rpcparallel.bench;

import dev.rpcparallel.Connection;
import dev.rpcparallel.RpcParallel;
import dev.rpcparallel.SpawnOptions;
import dev.rpcparallel.SshLauncher;
import dev.rpcparallel.Worker;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Remote workers, measured in one interleaved run: spawn to first reply on a host over SSH, cold
 * (the host's cache deleted first, so the class path is copied) and warm (cached); and, on three
 * workers side by side, 8-byte round trips and 64 MiB values: a local worker on loopback (plain
 * TCP), a local worker listening off loopback (TLS 1.3, still over loopback), and the remote
 * worker (TLS 1.3 over the link to the host). {@code run-remote.sh} sets up a host in a network
 * namespace and runs this.
 *
 * <pre>java -cp ... dev.rpcparallel.bench.RemoteBench --host root@10.231.0.11 --cache /tmp/c --rounds 3 [-o Key=value]...</pre>
 */
public final class RemoteBench {
  private static final int ROUND_TRIPS = 2_000;
  private static final int BULK = 64 << 20;

  private RemoteBench() {}

  public static void main(String[] args) throws Exception {
    String host = null;
    String cache = null;
    int rounds = 3;
    List<String> options = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--host" -> host = args[++i];
        case "--cache" -> cache = args[++i];
        case "--rounds" -> rounds = Integer.parseInt(args[++i]);
        case "-o" -> options.add(args[++i]);
        default -> throw new IllegalArgumentException("unknown argument " + args[i]);
      }
    }
    if (host == null || cache == null) {
      throw new IllegalArgumentException("usage: RemoteBench --host [user@]host --cache DIR [--rounds N] [-o Key=value]...");
    }
    int at = host.indexOf('@');
    SshLauncher.Builder b = SshLauncher.to(host.substring(at + 1)).cacheDirectory(cache);
    if (at > 0) {
      b.user(host.substring(0, at));
    }
    options.forEach(b::option);
    SshLauncher launcher = b.build();
    Map<String, List<Double>> results = new LinkedHashMap<>();
    try (RpcParallel app = RpcParallel.builder().settings(BenchWorker.SETTINGS).build()) {
      Worker<BenchWorker> plain = app.spawn(new BenchWorker(), null, SpawnOptions.builder().name("local-plain").build());
      Worker<BenchWorker> tls = app.spawn(new BenchWorker(), null,
          SpawnOptions.builder().name("local-tls").listenAddress("0.0.0.0").advertiseAddress("127.0.0.1").build());
      for (int round = 1; round <= rounds; round++) {
        launcher.deleteCopies();
        long copiedBefore = launcher.bytesCopied();
        long t0 = System.nanoTime();
        Worker<BenchWorker> cold = app.spawn(new BenchWorker(), null, SpawnOptions.builder().name("cold").launcher(launcher).build());
        try (Connection<BenchWorker> c = app.connect(cold)) {
          c.call(BenchWorker.ECHO, new byte[8]);
        }
        add(results, "remote spawn to first reply, cold (ms)", (System.nanoTime() - t0) / 1e6);
        add(results, "bytes copied by the cold spawn (MiB)", (launcher.bytesCopied() - copiedBefore) / 1048576.0);
        app.shutdown(cold).join();
        long t1 = System.nanoTime();
        Worker<BenchWorker> warm = app.spawn(new BenchWorker(), null, SpawnOptions.builder().name("warm").launcher(launcher).build());
        try (Connection<BenchWorker> c = app.connect(warm)) {
          c.call(BenchWorker.ECHO, new byte[8]);
        }
        add(results, "remote spawn to first reply, warm (ms)", (System.nanoTime() - t1) / 1e6);
        for (Map.Entry<String, Worker<BenchWorker>> e : Map.of("local, plain TCP", plain, "local, TLS", tls, "remote, TLS", warm)
            .entrySet().stream().sorted(Map.Entry.comparingByKey()).toList()) {
          try (Connection<BenchWorker> c = app.connect(e.getValue())) {
            long[] rt = roundTrips(c);
            add(results, e.getKey() + ": round trip 8 B p50 (µs)", rt[rt.length / 2] / 1e3);
            add(results, e.getKey() + ": round trip 8 B p99 (µs)", rt[(int) (rt.length * 0.99)] / 1e3);
            add(results, e.getKey() + ": 64 MiB value (MB/s)", bulk(c));
          }
        }
        app.shutdown(warm).join();
        System.err.println("round " + round + " done");
      }
    }
    System.out.println("| metric | " + String.join(" | ", roundNames(rounds)) + " | median |");
    System.out.println("|---|" + "---|".repeat(rounds + 1));
    for (Map.Entry<String, List<Double>> e : results.entrySet()) {
      StringBuilder row = new StringBuilder("| " + e.getKey() + " |");
      for (double v : e.getValue()) {
        row.append(' ').append(format(v)).append(" |");
      }
      row.append(' ').append(format(Stats.median(e.getValue()))).append(" |");
      System.out.println(row);
    }
  }

  private static long[] roundTrips(Connection<BenchWorker> c) {
    byte[] payload = new byte[8];
    for (int i = 0; i < 500; i++) {
      c.call(BenchWorker.ECHO, payload); // warm-up
    }
    long[] t = new long[ROUND_TRIPS];
    for (int i = 0; i < ROUND_TRIPS; i++) {
      long s = System.nanoTime();
      c.call(BenchWorker.ECHO, payload);
      t[i] = System.nanoTime() - s;
    }
    Arrays.sort(t);
    return t;
  }

  private static double bulk(Connection<BenchWorker> c) {
    byte[] value = new byte[BULK];
    c.call(BenchWorker.BULK, value); // warm-up
    List<Double> rates = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      long s = System.nanoTime();
      byte[] ack = c.call(BenchWorker.BULK, value);
      double secs = (System.nanoTime() - s) / 1e9;
      if (ack.length != 8 || ByteBuffer.wrap(ack).getLong() != BULK) {
        throw new IllegalStateException("bad ack");
      }
      rates.add(BULK / 1e6 / secs);
    }
    return Stats.median(rates);
  }

  private static void add(Map<String, List<Double>> results, String metric, double value) {
    results.computeIfAbsent(metric, k -> new ArrayList<>()).add(value);
  }

  private static List<String> roundNames(int rounds) {
    List<String> out = new ArrayList<>();
    for (int i = 1; i <= rounds; i++) {
      out.add("round " + i);
    }
    return out;
  }

  private static String format(double v) {
    return v >= 100 ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%.1f", v);
  }
}
