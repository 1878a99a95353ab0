package dev.rpcparallel.bench;

import dev.rpcparallel.Connection;
import dev.rpcparallel.Redirect;
import dev.rpcparallel.RpcParallel;
import dev.rpcparallel.SpawnOptions;
import dev.rpcparallel.Worker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;

/**
 * Where the time of one spawn goes, from the library's own JFR events ({@code
 * dev.rpcparallel.SpawnPhase}: launch, connect, await init, init) plus the caller's view of the
 * connect and the first call: {@code n} spawns that start a JVM (with the library's defaults,
 * class-data cache included; the first one, which may write the archive, is not counted) and
 * {@code n} that take a warm spare, one at a time (each once the spare is ready, then {@code
 * --spare-settle-ms} more), each way in turn: {@code spawn} then {@code connect} (two authenticated
 * connections), and {@code spawnAndConnect} (one: the worker turns its master connection). Prints
 * the median of each phase.
 *
 * <pre>usage: SpawnBreakdown [--spawns N] [--spare-settle-ms MS]</pre>
 *
 * Run with a class path of jars (run-spawn.sh's), so that the class-data cache applies.
 */
public final class SpawnBreakdown {
  private SpawnBreakdown() {}

  public static void main(String[] args) throws Exception {
    int n = 7;
    long settle = 500;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--spawns" -> n = Integer.parseInt(args[++i]);
        case "--spare-settle-ms" -> settle = Long.parseLong(args[++i]);
        default -> throw new IllegalArgumentException("usage: SpawnBreakdown [--spawns N] [--spare-settle-ms MS]");
      }
    }
    SpawnOptions options = SpawnOptions.builder().stdout(Redirect.discard()).stderr(Redirect.discard()).build();
    Map<String, Map<String, List<Double>>> byKind = new LinkedHashMap<>();
    Path file = Files.createTempFile("spawn-breakdown", ".jfr");
    try (Recording recording = new Recording()) {
      recording.enable("dev.rpcparallel.SpawnPhase");
      recording.start();
      try (RpcParallel app = RpcParallel.builder().settings(BenchWorker.SETTINGS).build()) {
        run(app, options, "cold-warmup", 1, 0, byKind);
        run(app, options, "cold", n, 0, byKind);
      }
      try (RpcParallel app = RpcParallel.builder().settings(BenchWorker.SETTINGS).spareWorkers(1, options).build()) {
        run(app, options, "spare-warmup", 1, settle, byKind);
        run(app, options, "spare", n, settle, byKind);
      }
      recording.stop();
      recording.dump(file);
    }
    for (RecordedEvent e : RecordingFile.readAllEvents(file)) {
      if (!e.getEventType().getName().equals("dev.rpcparallel.SpawnPhase")) {
        continue; // other events of the library that are on by default (e.g. WorkerExit)
      }
      String worker = e.getString("worker");
      String kind = worker.substring(0, worker.lastIndexOf('-'));
      if (kind.endsWith("warmup")) {
        continue;
      }
      String phase = "phase: " + e.getString("phase");
      byKind.get(kind).computeIfAbsent(phase, k -> new ArrayList<>()).add(e.getDuration().toNanos() / 1e6);
    }
    Files.deleteIfExists(file);
    System.out.printf(Locale.ROOT, "SpawnBreakdown: %d spawns each, java %s, %d cores; medians in ms%n%n", n, Runtime.version(),
        Runtime.getRuntime().availableProcessors());
    System.out.println("| step | new JVM (defaults) | warm spare |");
    System.out.println("|---|---:|---:|");
    for (String step : byKind.get("cold").keySet()) {
      System.out.printf(Locale.ROOT, "| %s | %.1f | %.1f |%n", step, median(byKind.get("cold").get(step)),
          median(byKind.get("spare").getOrDefault(step, List.of())));
    }
  }

  private static void run(RpcParallel app, SpawnOptions options, String kind, int n, long settleMs,
      Map<String, Map<String, List<Double>>> byKind) throws Exception {
    Map<String, List<Double>> steps = byKind.computeIfAbsent(kind, k -> new LinkedHashMap<>());
    for (int i = 0; i < 2 * n; i++) {
      if (settleMs > 0) {
        awaitReadySpares(app, 1, settleMs);
      }
      if (i % 2 == 1) { // interleaved: spawn + connect, then spawnAndConnect
        spawnAndConnect(app, options, kind + "-" + i, steps);
        continue;
      }
      long t0 = System.nanoTime();
      Worker<BenchWorker> w = app.spawn(new BenchWorker(), null, options.toBuilder().name(kind + "-" + i).build());
      long t1 = System.nanoTime();
      Connection<BenchWorker> c = app.connect(w);
      long t2 = System.nanoTime();
      c.call(BenchWorker.ECHO, new byte[] {1});
      long t3 = System.nanoTime();
      if (kind.startsWith("spare") && !fromSpare(c.call(BenchWorker.PROBE)[0])) {
        // A spawn takes only a ready spare: with too short a settle time this one was a new JVM.
        throw new IllegalStateException("spawn " + kind + "-" + i + " did not take a spare: raise --spare-settle-ms");
      }
      steps.computeIfAbsent("caller: spawn returned", k -> new ArrayList<>()).add((t1 - t0) / 1e6);
      steps.computeIfAbsent("caller: connect", k -> new ArrayList<>()).add((t2 - t1) / 1e6);
      steps.computeIfAbsent("caller: first call", k -> new ArrayList<>()).add((t3 - t2) / 1e6);
      steps.computeIfAbsent("caller: spawn to first reply", k -> new ArrayList<>()).add((t3 - t0) / 1e6);
      c.close();
      app.shutdown(w).get(30, TimeUnit.SECONDS);
      app.onExit(w).get(30, TimeUnit.SECONDS);
    }
  }

  /** One spawn by {@code spawnAndConnect} (one connection); steps named "spawnAndConnect: ...". */
  private static void spawnAndConnect(RpcParallel app, SpawnOptions options, String name, Map<String, List<Double>> steps)
      throws Exception {
    long t0 = System.nanoTime();
    Connection<BenchWorker> c = app.spawnAndConnect(new BenchWorker(), null, null, options.toBuilder().name(name).build());
    long t1 = System.nanoTime();
    c.call(BenchWorker.ECHO, new byte[] {1});
    long t2 = System.nanoTime();
    if (name.startsWith("spare") && !fromSpare(c.call(BenchWorker.PROBE)[0])) {
      throw new IllegalStateException("spawn " + name + " did not take a spare: raise --spare-settle-ms");
    }
    steps.computeIfAbsent("spawnAndConnect: returned", k -> new ArrayList<>()).add((t1 - t0) / 1e6);
    steps.computeIfAbsent("spawnAndConnect: first call", k -> new ArrayList<>()).add((t2 - t1) / 1e6);
    steps.computeIfAbsent("spawnAndConnect: to first reply", k -> new ArrayList<>()).add((t2 - t0) / 1e6);
    Worker<BenchWorker> w = c.worker();
    c.close();
    app.onExit(w).get(30, TimeUnit.SECONDS);
  }

  /**
   * Waits until {@code app} has {@code n} ready spares (warmed up and connected: see {@code
   * RpcParallel.readySpareWorkers}), then {@code quietMs} more for the JIT threads of the last
   * warm-up to settle; fails after a minute.
   */
  static void awaitReadySpares(RpcParallel app, int n, long quietMs) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
    while (app.readySpareWorkers() < n) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("fewer than " + n + " spares ready after a minute");
      }
      Thread.sleep(20);
    }
    Thread.sleep(quietMs);
  }

  /** Whether process {@code pid} was started as a spare (its command line says so). */
  static boolean fromSpare(long pid) {
    return ProcessHandle.of(pid).flatMap(h -> h.info().arguments())
        .map(a -> List.of(a).contains("-Ddev.rpcparallel.spare=true")).orElse(false);
  }

  private static double median(List<Double> values) {
    return values.isEmpty() ? Double.NaN : Stats.median(values);
  }
}
