package dev.rpcparallel.bench;

import dev.rpcparallel.Connection;
import dev.rpcparallel.RpcParallel;
import dev.rpcparallel.SpawnOptions;
import dev.rpcparallel.Worker;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A CPU-bound task ({@link CpuTask}: sort, hash map and arithmetic over 3 M longs) timed per call
 * in-process and in workers with different JVM options, in interleaved rounds; each variant is
 * warmed up first. Prints the median and the range of each variant's times, and its ratio to
 * in-process.
 *
 * <pre>usage: CpuBench [--rounds N] [--warmup N]</pre>
 */
public final class CpuBench {
  private CpuBench() {}

  private interface Variant {
    long run(long seed) throws Exception;
  }

  public static void main(String[] args) throws Exception {
    int rounds = 7;
    int warmup = 5;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--rounds" -> rounds = Integer.parseInt(args[++i]);
        case "--warmup" -> warmup = Integer.parseInt(args[++i]);
        default -> throw new IllegalArgumentException("usage: CpuBench [--rounds N] [--warmup N]");
      }
    }
    try (RpcParallel app = RpcParallel.create()) {
      Map<String, Variant> variants = new LinkedHashMap<>();
      List<Connection<CpuTask>> connections = new ArrayList<>();
      variants.put("in-process (this JVM: " + String.join(" ", jvmArgs()) + ")", CpuTask::run);
      Map<String, List<String>> workerOptions = new LinkedHashMap<>();
      workerOptions.put("worker, default options " + SpawnOptions.defaults().jvmOptions(), SpawnOptions.defaults().jvmOptions());
      workerOptions.put("worker, the old default (C1 only: -XX:TieredStopAtLevel=1 added)", concat(SpawnOptions.defaults().jvmOptions(), "-XX:TieredStopAtLevel=1"));
      workerOptions.put("worker, JVM defaults (G1, no options)", List.of());
      for (Map.Entry<String, List<String>> e : workerOptions.entrySet()) {
        Worker<CpuTask> w = app.spawn(new CpuTask(), null, SpawnOptions.builder().jvmOptions(e.getValue()).build());
        Connection<CpuTask> c = app.connect(w);
        connections.add(c);
        variants.put(e.getKey(), seed -> c.call(CpuTask.RUN, seed));
      }
      Map<String, List<Double>> times = new LinkedHashMap<>();
      for (String name : variants.keySet()) {
        times.put(name, new ArrayList<>());
      }
      List<String> names = new ArrayList<>(variants.keySet());
      long expected = CpuTask.run(42);
      for (int round = 0; round < warmup + rounds; round++) {
        for (int k = 0; k < names.size(); k++) {
          String name = names.get((k + round) % names.size());
          long t0 = System.nanoTime();
          long got = variants.get(name).run(42);
          double ms = (System.nanoTime() - t0) / 1e6;
          if (got != expected) {
            throw new IllegalStateException(name + " computed " + got + ", expected " + expected);
          }
          if (round >= warmup) {
            times.get(name).add(ms);
          }
        }
      }
      System.out.printf(Locale.ROOT, "CpuBench: %d rounds after %d warm-up rounds, %d cores, java %s%n",
          rounds, warmup, Runtime.getRuntime().availableProcessors(), Runtime.version());
      double base = Stats.median(times.get(names.get(0)));
      System.out.println("| variant | ms per call, median (min–max) | × in-process |");
      System.out.println("|---|---|---|");
      for (String name : names) {
        List<Double> t = times.get(name);
        System.out.printf(Locale.ROOT, "| %s | %.0f (%.0f–%.0f) | %.2f |%n", name, Stats.median(t),
            t.stream().mapToDouble(Double::doubleValue).min().orElse(0), t.stream().mapToDouble(Double::doubleValue).max().orElse(0),
            Stats.median(t) / base);
      }
      for (Connection<CpuTask> c : connections) {
        c.close();
      }
    }
  }

  private static List<String> jvmArgs() {
    return java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments();
  }

  private static List<String> concat(List<String> a, String b) {
    List<String> out = new ArrayList<>(a);
    out.add(b);
    return out;
  }
}
