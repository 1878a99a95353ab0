package dev.rpcparallel.bench;

import dev.rpcparallel.Connection;
import dev.rpcparallel.Redirect;
import dev.rpcparallel.RpcParallel;
import dev.rpcparallel.SpawnOptions;
import dev.rpcparallel.Worker;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Spawn-to-first-call benchmark: how long it takes from asking rpc-parallel for a worker JVM until
 * the first call on it returns, compared with the floor (a bare child JVM started with {@link
 * ProcessBuilder} that connects back over TCP and answers a 1-byte ping), for 1 worker and for N
 * workers spawned concurrently; plus the resident memory of an idle worker. All variants run in
 * every round, interleaved, with the start of the sequence rotated from round to round.
 *
 * <pre>
 * usage: SpawnBench [--quick] [--rounds N] [--workers N] [--rss-delay-ms MS] [--no-appcds]
 *                   [--diag [--keep-logs DIR] [--worker-opts "OPTS"]] [--out FILE]
 * </pre>
 *
 * <p>{@code --diag} instead spawns a few workers and floor children with {@code
 * -Xlog:class+load} and reports how many classes they load, from where, and when (JVM uptime) the
 * main class, the first library class, the first Netty class and the worker spec were loaded.
 */
public final class SpawnBench {

  static final List<String> LIB_DEFAULT_OPTS = SpawnOptions.defaults().jvmOptions();

  /** A variant: a way to get {@code n} children answering their first request. */
  private interface Variant {
    String name();

    /** Spawns n children, times until all answered, then (untimed) measures RSS if n == 1 and cleans up. */
    Sample run(int n, long rssDelayMs) throws Exception;
  }

  /**
   * One measurement: spawn-to-first-reply in ms and, for n == 1, the idle child's VmRSS in KiB and
   * the CPU time (user + system, ms) the child had used by then.
   */
  record Sample(double ms, double rssKiB, double cpuMs) {
    Sample(double ms) {
      this(ms, Double.NaN, Double.NaN);
    }
  }

  private final RpcParallel app;
  private final ServerSocket server;
  private final ExecutorService pool;
  private final String java;
  private final String classPath;
  /** Diagnosis only: run while a single child idles, before it is shut down. */
  private volatile Runnable idleHook = () -> {};
  /** Diagnosis only: where to keep the class-load logs, or null. */
  private Path keepLogs;
  /** Diagnosis only: extra JVM options for the rpc-parallel worker (after the defaults). */
  private List<String> extraWorkerOpts = List.of();
  /** How long to wait, once the spares are ready, before a timed spawn that takes one; 0: no spare variant. */
  private long spareSettleMs = 500;
  private final List<RpcParallel> closeAtEnd = new ArrayList<>();

  private SpawnBench(int workers) throws IOException {
    app = RpcParallel.create();
    server = new ServerSocket(0, 128, InetAddress.getLoopbackAddress());
    server.setSoTimeout(30_000);
    pool = Executors.newFixedThreadPool(workers, r -> {
      Thread t = new Thread(r, "spawn-bench");
      t.setDaemon(true);
      return t;
    });
    java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    classPath = System.getProperty("java.class.path");
  }

  // ---------------------------------------------------------------- rpc-parallel

  private static SpawnOptions benchOptions(List<String> jvmOptions, boolean classDataCache) {
    return SpawnOptions.builder()
        .jvmOptions(jvmOptions)
        .classDataSharing(classDataCache)
        .stdout(Redirect.discard())
        .stderr(Redirect.discard())
        .build();
  }

  private Variant rpcParallel(String name, List<String> jvmOptions) {
    return rpcParallel(name, jvmOptions, false);
  }

  /** With {@code classDataCache}, the library's own class-data cache (written by the warm-up run). */
  private Variant rpcParallel(String name, List<String> jvmOptions, boolean classDataCache) {
    return rpcParallel(name, benchOptions(jvmOptions, classDataCache), app, 0, 0);
  }

  /**
   * Spawns through {@code app}; with {@code settleMs} > 0 (an app keeping {@code spares} spares),
   * waits (untimed) before, until {@code n} spares are ready and {@code settleMs} more, and after,
   * until all {@code spares} are, so the replacements of those taken do not warm up while the
   * next variant is timed.
   */
  private Variant rpcParallel(String name, SpawnOptions opts, RpcParallel app, long settleMs, int spares) {
    return new Variant() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public Sample run(int n, long rssDelayMs) throws Exception {
        if (settleMs > 0) {
          SpawnBreakdown.awaitReadySpares(app, n, settleMs);
        }
        List<Future<Connection<BenchWorker>>> fs = new ArrayList<>(n);
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
          fs.add(pool.submit(() -> {
            Connection<BenchWorker> c = app.spawnAndConnect(new BenchWorker(), null, null, opts);
            c.call(BenchWorker.ECHO, new byte[] {1});
            return c;
          }));
        }
        List<Connection<BenchWorker>> cs = new ArrayList<>(n);
        Exception failure = null;
        for (Future<Connection<BenchWorker>> f : fs) {
          try {
            cs.add(f.get(60, TimeUnit.SECONDS));
          } catch (Exception e) {
            failure = failure == null ? e : failure;
          }
        }
        double ms = (System.nanoTime() - t0) / 1e6;
        if (failure == null && settleMs > 0) {
          for (Connection<BenchWorker> c : cs) { // untimed: a spawn takes only a ready spare
            if (!SpawnBreakdown.fromSpare(c.call(BenchWorker.PROBE)[0])) {
              failure = new IllegalStateException("a spawn of " + name + " did not take a spare: raise --spare-settle-ms");
              break;
            }
          }
        }
        double rss = Double.NaN;
        double cpu = Double.NaN;
        try {
          if (failure == null && n == 1) {
            long pid = cs.get(0).call(BenchWorker.PROBE)[0];
            Thread.sleep(rssDelayMs);
            rss = rssKiB(pid);
            cpu = cpuMs(pid);
            idleHook.run();
          }
        } finally {
          for (Connection<BenchWorker> c : cs) {
            Worker<BenchWorker> w = c.worker();
            c.close(); // ShutdownOn.CONNECTION_CLOSED: the worker exits
            app.onExit(w).get(30, TimeUnit.SECONDS);
          }
        }
        if (settleMs > 0) {
          // The n replacement spares warm up now, not while the next variant is timed.
          SpawnBreakdown.awaitReadySpares(app, spares, settleMs);
        }
        if (failure != null) {
          throw failure;
        }
        return new Sample(ms, rss, cpu);
      }
    };
  }

  // ---------------------------------------------------------------- floor

  private Variant floor(String name, List<String> jvmOptions) {
    return new Variant() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public Sample run(int n, long rssDelayMs) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(java);
        cmd.addAll(jvmOptions);
        cmd.add("-cp");
        cmd.add(classPath);
        cmd.add(SpawnFloorChild.class.getName());
        cmd.add(Integer.toString(server.getLocalPort()));
        ProcessBuilder pb = new ProcessBuilder(cmd)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .redirectInput(ProcessBuilder.Redirect.PIPE);
        List<Process> ps = new ArrayList<>(n);
        List<Socket> socks = new ArrayList<>(n);
        try {
          long t0 = System.nanoTime();
          for (int i = 0; i < n; i++) {
            ps.add(pb.start());
          }
          for (int i = 0; i < n; i++) {
            Socket s = server.accept();
            socks.add(s);
            s.setTcpNoDelay(true);
            s.setSoTimeout(30_000);
            OutputStream out = s.getOutputStream();
            out.write(7);
            out.flush();
            if (s.getInputStream().read() != 8) {
              throw new IOException("bad pong");
            }
          }
          double ms = (System.nanoTime() - t0) / 1e6;
          double rss = Double.NaN;
          double cpu = Double.NaN;
          if (n == 1) {
            Thread.sleep(rssDelayMs);
            rss = rssKiB(ps.get(0).pid());
            cpu = cpuMs(ps.get(0).pid());
            idleHook.run();
          }
          return new Sample(ms, rss, cpu);
        } finally {
          for (Socket s : socks) {
            s.close(); // the child sees EOF and exits
          }
          for (Process p : ps) {
            p.getOutputStream().close();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
              p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
          }
        }
      }
    };
  }

  // ---------------------------------------------------------------- helpers

  /** VmRSS of {@code pid} in KiB, from {@code /proc/<pid>/status}. */
  static double rssKiB(long pid) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
      if (line.startsWith("VmRSS:")) {
        return Double.parseDouble(line.substring(6).trim().split("\\s+")[0]);
      }
    }
    return Double.NaN;
  }

  /** utime + stime of {@code pid} in ms, from {@code /proc/<pid>/stat} (clock ticks of 10 ms). */
  static double cpuMs(long pid) throws IOException {
    String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    // fields after the command: state(3) ... utime(14) stime(15); f[0] is field 3
    return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10.0;
  }

  /** Total and steal jiffies from /proc/stat ("cpu" line). */
  static long[] cpuJiffies() {
    try {
      String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
      long total = 0;
      for (int i = 1; i < f.length && i <= 8; i++) {
        total += Long.parseLong(f[i]);
      }
      return new long[] {total, f.length > 8 ? Long.parseLong(f[8]) : 0};
    } catch (IOException | RuntimeException e) {
      return new long[] {0, 0};
    }
  }

  static String loadavg() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+", 4)[0];
    } catch (IOException e) {
      return "?";
    }
  }

  static String cpuModel() {
    try {
      return Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
          .filter(l -> l.startsWith("model name")).findFirst()
          .map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("?");
    } catch (IOException e) {
      return "?";
    }
  }

  /** Creates a dynamic AppCDS archive of a worker (JDK 13+: -XX:ArchiveClassesAtExit); null if it failed. */
  private Path createWorkerArchive(Path dir) {
    Path jsa = dir.resolve("rpc-parallel-worker.jsa");
    List<String> opts = new ArrayList<>(LIB_DEFAULT_OPTS);
    opts.add("-XX:ArchiveClassesAtExit=" + jsa);
    try {
      rpcParallel("archive", opts).run(1, 0);
      return Files.size(jsa) > 0 ? jsa : null;
    } catch (Exception e) {
      System.err.println("could not create the worker AppCDS archive: " + e);
      return null;
    }
  }

  // ---------------------------------------------------------------- main

  public static void main(String[] args) throws Exception {
    boolean quick = List.of(args).contains("--quick");
    int rounds = quick ? 2 : 7;
    int workers = 8;
    long rssDelayMs = 2000;
    boolean appcds = true;
    boolean diag = false;
    long spareSettle = 500;
    int spareSamples = 0;
    Path out = null;
    Path keepLogs = null;
    List<String> extraWorkerOpts = List.of();
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--quick" -> {}
        case "--rounds" -> rounds = Integer.parseInt(args[++i]);
        case "--workers" -> workers = Integer.parseInt(args[++i]);
        case "--rss-delay-ms" -> rssDelayMs = Long.parseLong(args[++i]);
        case "--no-appcds" -> appcds = false;
        case "--spare-settle-ms" -> spareSettle = Long.parseLong(args[++i]);
        case "--spare-samples" -> spareSamples = Integer.parseInt(args[++i]);
        case "--diag" -> diag = true;
        case "--out" -> out = Path.of(args[++i]);
        case "--keep-logs" -> keepLogs = Path.of(args[++i]);
        case "--worker-opts" -> extraWorkerOpts = List.of(args[++i].trim().split("\\s+"));
        default -> {
          System.err.println("usage: SpawnBench [--quick] [--rounds N] [--workers N] [--rss-delay-ms MS]"
              + " [--no-appcds] [--spare-settle-ms MS] [--spare-samples N] [--diag [--keep-logs DIR] [--worker-opts OPTS]]"
              + " [--out FILE]");
          System.exit(2);
        }
      }
    }
    SpawnBench b = new SpawnBench(workers);
    b.keepLogs = keepLogs;
    b.extraWorkerOpts = extraWorkerOpts;
    b.spareSettleMs = spareSettle;
    Path tmp = Files.createTempDirectory("spawnbench");
    String report;
    try {
      report = diag ? b.diagnose(tmp, quick ? 2 : 3)
          : spareSamples > 0 ? b.spareLatency(spareSamples, Math.max(spareSettle, 1))
          : b.measure(rounds, workers, rssDelayMs, appcds, tmp);
    } finally {
      for (RpcParallel a : b.closeAtEnd) {
        a.close();
      }
      b.app.close();
      b.server.close();
      b.pool.shutdownNow();
      try (var files = Files.list(tmp)) {
        for (Path p : files.toList()) {
          Files.deleteIfExists(p);
        }
      }
      Files.deleteIfExists(tmp);
    }
    System.out.println(report);
    if (out != null) {
      Files.writeString(out, report, StandardCharsets.UTF_8);
    }
  }

  /**
   * Spawn-to-first-reply when a warm spare is ready: {@code samples} single spawns through an app
   * keeping one spare, each after {@code settleMs} for the replacement spare to warm up; p50, p99
   * and max (with fewer than 100 samples, p99 is the second largest).
   */
  private String spareLatency(int samples, long settleMs) throws Exception {
    Instant start = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    SpawnOptions spareOptions = benchOptions(LIB_DEFAULT_OPTS, true);
    RpcParallel withSpares = RpcParallel.builder().spareWorkers(1, spareOptions).build();
    closeAtEnd.add(withSpares);
    Variant v = rpcParallel("spare", spareOptions, withSpares, settleMs, 1);
    v.run(1, 0); // untimed: starts the master server
    List<Double> ms = new ArrayList<>();
    for (int i = 0; i < samples; i++) {
      ms.add(v.run(1, 0).ms());
    }
    List<Double> sorted = new ArrayList<>(ms);
    sorted.sort(null);
    double p99 = sorted.get(Math.max(0, (int) Math.ceil(0.99 * sorted.size()) - 1 - (sorted.size() < 100 ? 1 : 0)));
    return String.format(Locale.ROOT, "- JDK: %s %s; run %s – %s; %d samples, %d ms settle; load %s%n%n"
        + "spawn-to-first-reply with a warm spare ready: p50 %.2f ms, p99 %.2f ms, max %.2f ms, min %.2f ms%n",
        System.getProperty("java.vm.name"), System.getProperty("java.runtime.version"), start,
        Instant.now().truncatedTo(ChronoUnit.SECONDS), samples, settleMs, loadavg(),
        Stats.median(ms), p99, sorted.get(sorted.size() - 1), sorted.get(0));
  }

  private String measure(int rounds, int workers, long rssDelayMs, boolean appcds, Path tmp) throws Exception {
    Instant start = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    String load0 = loadavg();
    List<Variant> variants = new ArrayList<>();
    Variant rp = rpcParallel("rpc-parallel (default options)", LIB_DEFAULT_OPTS);
    Variant floorDef = floor("floor (same options)", LIB_DEFAULT_OPTS);
    Variant floorNone = floor("floor (no options)", List.of());
    variants.add(rp);
    variants.add(floorDef);
    variants.add(floorNone);
    variants.add(rpcParallel("rpc-parallel (no options: G1, tiered, 1 MiB stacks)", List.of()));
    variants.add(rpcParallel("rpc-parallel (-XX:TieredStopAtLevel=1 -Xss512k, G1)",
        List.of("-XX:TieredStopAtLevel=1", "-Xss512k")));
    List<String> noJfr = new ArrayList<>(LIB_DEFAULT_OPTS);
    noJfr.add("-Dio.netty.jfr.enabled=false");
    variants.add(rpcParallel("rpc-parallel (default options + -Dio.netty.jfr.enabled=false)", noJfr));
    RpcParallel withSpares = null;
    if (spareSettleMs > 0) {
      SpawnOptions spareOptions = benchOptions(LIB_DEFAULT_OPTS, true);
      withSpares = RpcParallel.builder().spareWorkers(workers, spareOptions).build();
      closeAtEnd.add(withSpares);
      variants.add(rpcParallel("rpc-parallel (default options, class-data cache on, warm spares ready)", spareOptions, withSpares, spareSettleMs, workers));
    }
    if (appcds) {
      variants.add(rpcParallel("rpc-parallel (default options, class-data cache on)", LIB_DEFAULT_OPTS, true));
      Path jsa = createWorkerArchive(tmp);
      if (jsa != null) {
        List<String> o = new ArrayList<>(LIB_DEFAULT_OPTS);
        o.add("-XX:SharedArchiveFile=" + jsa);
        variants.add(rpcParallel("rpc-parallel (default options + dynamic AppCDS archive)", o));
      }
    }
    // Warm-up: one untimed run of every variant (starts the master server, warms the parent).
    for (Variant v : variants) {
      v.run(1, 0);
    }
    long[] cpu0 = cpuJiffies();
    // metric -> variant -> per-round values
    Map<String, Map<String, List<Double>>> res = new LinkedHashMap<>();
    String m1 = "spawn-to-first-reply, 1 child (ms)";
    String mn = "spawn-to-first-reply, " + workers + " children concurrently, until all answered (ms)";
    String mr = "VmRSS of the idle child " + rssDelayMs + " ms after its first reply (MiB)";
    String mc = "CPU time (user + system) used by that child by then (ms, 10 ms ticks)";
    for (String m : List.of(m1, mn, mr, mc)) {
      Map<String, List<Double>> byV = new LinkedHashMap<>();
      variants.forEach(v -> byV.put(v.name(), new ArrayList<>()));
      res.put(m, byV);
    }
    List<String> failures = new ArrayList<>();
    for (int r = 0; r < rounds; r++) {
      for (int k = 0; k < variants.size(); k++) {
        Variant v = variants.get((k + r) % variants.size());
        try {
          Sample s1 = v.run(1, rssDelayMs);
          res.get(m1).get(v.name()).add(s1.ms());
          res.get(mr).get(v.name()).add(s1.rssKiB() / 1024.0);
          res.get(mc).get(v.name()).add(s1.cpuMs());
        } catch (Exception e) {
          failures.add("round " + (r + 1) + " " + v.name() + " n=1: " + e);
        }
      }
      for (int k = 0; k < variants.size(); k++) {
        Variant v = variants.get((k + r) % variants.size());
        try {
          res.get(mn).get(v.name()).add(v.run(workers, rssDelayMs).ms());
        } catch (Exception e) {
          failures.add("round " + (r + 1) + " " + v.name() + " n=" + workers + ": " + e);
        }
      }
      System.err.printf(Locale.ROOT, "round %d/%d done (load %s)%n", r + 1, rounds, loadavg());
    }
    long[] cpu1 = cpuJiffies();
    double steal = cpu1[0] > cpu0[0] ? 100.0 * (cpu1[1] - cpu0[1]) / (cpu1[0] - cpu0[0]) : Double.NaN;
    Instant end = Instant.now().truncatedTo(ChronoUnit.SECONDS);

    StringBuilder sb = new StringBuilder();
    sb.append("- machine: ").append(Runtime.getRuntime().availableProcessors()).append(" vCPU ").append(cpuModel())
        .append(", ").append(System.getProperty("os.name")).append(' ').append(System.getProperty("os.version"))
        .append('\n');
    sb.append("- JDK: ").append(System.getProperty("java.vm.name")).append(' ')
        .append(System.getProperty("java.runtime.version")).append(" (").append(java).append("), parent JVM flags: none\n");
    sb.append("- run: ").append(start).append(" – ").append(end).append(", ").append(rounds).append(" rounds, ")
        .append(workers).append(" concurrent children; load average ").append(load0).append(" at start, ")
        .append(loadavg()).append(" at end; steal ").append(String.format(Locale.ROOT, "%.1f", steal)).append(" %\n");
    sb.append("- library default worker JVM options: `").append(String.join(" ", LIB_DEFAULT_OPTS)).append("`\n\n");
    sb.append("Each cell: median over rounds **[min–max]** of the per-round values (n = number of rounds).\n");
    for (var e : res.entrySet()) {
      sb.append("\n### ").append(e.getKey()).append("\n\n");
      sb.append("| variant | n | median [min–max] | per round |\n|---|---:|---:|---|\n");
      for (var v : e.getValue().entrySet()) {
        List<Double> xs = v.getValue();
        sb.append("| ").append(v.getKey()).append(" | ").append(xs.size()).append(" | ").append(cell(xs))
            .append(" | ").append(String.join("; ", xs.stream().map(Report::fmt).toList())).append(" |\n");
      }
    }
    // Ratios computed per round (same round = same machine regime), then median [min–max].
    sb.append("\n### Ratios rpc-parallel (default options) / floor, per round (target ≤ 1.5×)\n\n");
    sb.append("| children | / floor (same options) | / floor (no options) |\n|---|---:|---:|\n");
    for (String m : List.of(m1, mn)) {
      List<Double> a = res.get(m).get(rp.name());
      sb.append("| ").append(m == m1 ? "1" : Integer.toString(workers)).append(" | ")
          .append(cellRatio(ratios(a, res.get(m).get(floorDef.name())))).append(" | ")
          .append(cellRatio(ratios(a, res.get(m).get(floorNone.name())))).append(" |\n");
    }
    if (!failures.isEmpty()) {
      sb.append("\nFailures:\n\n");
      failures.forEach(f -> sb.append("- `").append(f).append("`\n"));
    }
    return sb.toString();
  }

  private static List<Double> ratios(List<Double> a, List<Double> b) {
    List<Double> r = new ArrayList<>();
    for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
      r.add(a.get(i) / b.get(i));
    }
    return r;
  }

  private static String cell(List<Double> xs) {
    return "**" + Report.fmt(Stats.median(xs)) + "** [" + Report.fmt(Stats.min(xs)) + "–" + Report.fmt(Stats.max(xs)) + "]";
  }

  private static String cellRatio(List<Double> xs) {
    return String.format(Locale.ROOT, "**%.2f×** [%.2f–%.2f]", Stats.median(xs), Stats.min(xs), Stats.max(xs));
  }

  // ---------------------------------------------------------------- diagnosis

  /** One child's class-load log, summarised. */
  record ClassLog(int total, Map<String, Integer> bySource, Map<String, Integer> byGroup,
      double mainAt, double firstLibAt, double firstNettyAt, double specAt, double lastAt) {}

  private String diagnose(Path tmp, int runs) throws Exception {
    StringBuilder sb = new StringBuilder();
    if (!extraWorkerOpts.isEmpty()) {
      sb.append("Extra worker JVM options: `").append(String.join(" ", extraWorkerOpts)).append("`\n\n");
    }
    sb.append("### Class loading of one child until ~1 s after its first reply (`-Xlog:class+load`)\n\n");
    sb.append("Times are JVM uptime (ms) at which the class was loaded; sources: `cds` = default CDS archive, "
        + "`jrt` = JDK modules (parsed and verified at run time), `app` = class path jars/directories, "
        + "`gen` = generated at run time (lambdas, proxies).\n\n");
    sb.append("| child | run | wall ms to reply | classes | cds | jrt | app | gen | io.netty | dev.rpcparallel |"
        + " main class at | first library class at | first Netty class at | spec class at | last class at |\n");
    sb.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (int i = 0; i < runs; i++) {
      for (boolean lib : new boolean[] {true, false}) {
        Path log = tmp.resolve("classes-" + lib + "-" + i + ".log");
        List<String> opts = new ArrayList<>(LIB_DEFAULT_OPTS);
        opts.add("-Xlog:class+load=info:file=" + log + ":uptimenanos");
        if (lib) {
          opts.addAll(extraWorkerOpts);
        }
        Variant v = lib ? rpcParallel("rpc-parallel", opts) : floor("floor", opts);
        Path snapshot = tmp.resolve("snapshot-" + lib + "-" + i + ".log");
        idleHook = () -> {
          try {
            Files.copy(log, snapshot);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        };
        double ms = v.run(1, 1000).ms();
        idleHook = () -> {};
        ClassLog c = parse(snapshot);
        if (keepLogs != null) {
          Files.createDirectories(keepLogs);
          Files.copy(snapshot, keepLogs.resolve(snapshot.getFileName()), StandardCopyOption.REPLACE_EXISTING);
        }
        sb.append(String.format(Locale.ROOT,
            "| %s | %d | %.0f | %d | %d | %d | %d | %d | %d | %d | %.0f | %.0f | %.0f | %.0f | %.0f |%n",
            lib ? "rpc-parallel worker" : "floor child", i + 1, ms, c.total(),
            c.bySource().getOrDefault("cds", 0), c.bySource().getOrDefault("jrt", 0),
            c.bySource().getOrDefault("app", 0), c.bySource().getOrDefault("gen", 0),
            c.byGroup().getOrDefault("io.netty", 0), c.byGroup().getOrDefault("dev.rpcparallel", 0),
            c.mainAt(), c.firstLibAt(), c.firstNettyAt(), c.specAt(), c.lastAt()));
        if (lib && i == 0) {
          sb.append("<!-- groups: ").append(c.byGroup()).append(" -->\n");
        }
      }
    }
    return sb.toString();
  }

  static ClassLog parse(Path log) throws IOException {
    Map<String, Integer> bySource = new TreeMap<>();
    Map<String, Integer> byGroup = new TreeMap<>();
    double mainAt = Double.NaN;
    double libAt = Double.NaN;
    double nettyAt = Double.NaN;
    double specAt = Double.NaN;
    double last = Double.NaN;
    int total = 0;
    for (String line : Files.readAllLines(log)) {
      // [123456789ns] java.lang.Object source: shared objects file
      int close = line.indexOf("ns]");
      if (!line.startsWith("[") || close < 0) {
        continue;
      }
      double at = Long.parseLong(line.substring(1, close)) / 1e6;
      String rest = line.substring(line.indexOf(']', close) + 1).trim();
      int sp = rest.indexOf(' ');
      String cls = sp < 0 ? rest : rest.substring(0, sp);
      String src = line.contains("source: shared objects file") ? "cds"
          : line.contains("source: jrt:/") ? "jrt"
          : line.contains("source: file:") || line.contains("source: jar:") ? "app"
          : "gen";
      total++;
      last = at;
      bySource.merge(src, 1, Integer::sum);
      String group = cls.startsWith("io.netty") ? "io.netty"
          : cls.startsWith("dev.rpcparallel") ? "dev.rpcparallel"
          : cls.startsWith("org.slf4j") ? "org.slf4j"
          : cls.startsWith("java.") ? "java.*"
          : cls.startsWith("jdk.") || cls.startsWith("sun.") ? "jdk/sun" : "other";
      byGroup.merge(group, 1, Integer::sum);
      if (Double.isNaN(mainAt) && (cls.equals("dev.rpcparallel.WorkerMain") || cls.equals(SpawnFloorChild.class.getName()))) {
        mainAt = at;
      }
      if (Double.isNaN(libAt) && cls.startsWith("dev.rpcparallel.") && !cls.equals("dev.rpcparallel.WorkerMain")) {
        libAt = at;
      }
      if (Double.isNaN(nettyAt) && cls.startsWith("io.netty")) {
        nettyAt = at;
      }
      if (Double.isNaN(specAt) && cls.equals(BenchWorker.class.getName())) {
        specAt = at;
      }
    }
    return new ClassLog(total, bySource, byGroup, mainAt, libAt, nettyAt, specAt, last);
  }
}
