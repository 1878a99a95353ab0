package dev.rpcparallel.bench;

import dev.rpcparallel.RpcParallel;
import dev.rpcparallel.codec.Codec;
import dev.rpcparallel.codec.Codecs;
import dev.rpcparallel.mapreduce.MapFunction;
import dev.rpcparallel.mapreduce.MapStream;
import dev.rpcparallel.mapreduce.PoolConfig;
import dev.rpcparallel.mapreduce.WorkerPool;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.stream.LongStream;

/**
 * Worker pools against Python's {@code multiprocessing.Pool}, in the same run on the same machine:
 *
 * <ol>
 *   <li><b>Tiny items</b>: {@code x * x} over 1,000,000 longs with default batching on a pool of 2
 *       workers, started and warmed for 10 s first (Python's pool is started and warmed as
 *       perf-anchors B2 does); per-item cost, and
 *       its ratio to Python's {@code Pool(2).map(square, range(n))} with default chunksize.
 *   <li><b>CPU items</b>: 10,000 items of about 1 ms of CPU each (a fixed loop, calibrated in a
 *       worker) on 1 worker and on N; the speed-up of N over 1.
 * </ol>
 *
 * <pre>
 * usage: MapReduceBench [--items 1000000] [--runs 5] [--workers 2] [--cpu-items 10000] [--cpu-micros 1000]
 * java -cp 'rpc-parallel-bench/target/classes:rpc-parallel-bench/target/lib/*' dev.rpcparallel.bench.MapReduceBench
 * </pre>
 *
 * Python runs {@code python3} from the PATH; without it, its side is skipped and says so.
 */
public final class MapReduceBench {
  private MapReduceBench() {}

  /** {@code x * x}. */
  public static final class Square implements MapFunction<Void, Long, Long> {
    @Override
    public Codec<Void> paramCodec() {
      return Codecs.VOID;
    }

    @Override
    public Codec<Long> inputCodec() {
      return Codecs.LONG;
    }

    @Override
    public Codec<Long> outputCodec() {
      return Codecs.LONG;
    }

    @Override
    public Long map(Long x) {
      return x * x;
    }
  }

  /** Runs a loop of {@code input} rounds; answers the nanoseconds it took. */
  public static final class Burn implements MapFunction<Void, Long, Long> {
    @Override
    public Codec<Void> paramCodec() {
      return Codecs.VOID;
    }

    @Override
    public Codec<Long> inputCodec() {
      return Codecs.LONG;
    }

    @Override
    public Codec<Long> outputCodec() {
      return Codecs.LONG;
    }

    @Override
    public Long map(Long rounds) {
      long start = System.nanoTime();
      long x = rounds;
      for (long i = 0; i < rounds; i++) {
        x = x * 6364136223846793005L + 1442695040888963407L;
      }
      long took = System.nanoTime() - start;
      return x == 42 ? took + 1 : took; // x is used, so the loop stays
    }
  }

  public static void main(String[] args) throws Exception {
    int items = intArg(args, "--items", 1_000_000);
    int runs = intArg(args, "--runs", 5);
    int workers = intArg(args, "--workers", 2);
    int cpuItems = intArg(args, "--cpu-items", 10_000);
    int cpuMicros = intArg(args, "--cpu-micros", 1000);
    System.out.printf(Locale.ROOT, "MapReduceBench: %d tiny items x %d runs on %d workers; %d CPU items of ~%d us; %d cores, java %s%n",
        items, runs, workers, cpuItems, cpuMicros, Runtime.getRuntime().availableProcessors(), Runtime.version());

    List<Double> python = python(items, runs, workers);
    List<Double> java = tiny(items, runs, workers);
    double javaMedian = Stats.median(java);
    System.out.printf(Locale.ROOT, "tiny x*x, %d items: rpc-parallel WorkerPool.map median %.1f ms = %.3f us/item (runs: %s)%n",
        items, javaMedian * 1e3, javaMedian / items * 1e6, millis(java));
    if (!python.isEmpty()) {
      double pythonMedian = Stats.median(python);
      System.out.printf(Locale.ROOT, "tiny x*x, %d items: python Pool(%d).map median %.1f ms = %.3f us/item (runs: %s)%n",
          items, workers, pythonMedian * 1e3, pythonMedian / items * 1e6, millis(python));
      System.out.printf(Locale.ROOT, "RATIO tiny per-item cost rpc-parallel / python = %.2fx (target <= 0.25x)%n", javaMedian / pythonMedian);
    }
    cpu(cpuItems, cpuMicros, workers);
  }

  private static List<Double> tiny(int items, int runs, int workers) {
    List<Long> inputs = LongStream.range(0, items).boxed().toList();
    List<Double> seconds = new ArrayList<>();
    try (RpcParallel app = RpcParallel.create();
        WorkerPool<Long, Long> pool = WorkerPool.start(app, PoolConfig.builder().localWorkers(workers).build(), new Square(), null)) {
      long warmUntil = System.nanoTime() + 10_000_000_000L; // 10 s, as Compare warms up: the master's JIT needs it
      while (System.nanoTime() < warmUntil) {
        consume(pool, inputs);
      }
      for (int r = 0; r < runs; r++) {
        long t = System.nanoTime();
        long last = consume(pool, inputs);
        seconds.add((System.nanoTime() - t) / 1e9);
        if (last != (long) (items - 1) * (items - 1)) {
          throw new AssertionError("wrong last result " + last);
        }
      }
    }
    return seconds;
  }

  private static long consume(WorkerPool<Long, Long> pool, List<Long> inputs) {
    long last = -1;
    try (MapStream<Long> out = pool.map(inputs)) {
      while (out.hasNext()) {
        last = out.next();
      }
    }
    return last;
  }

  private static void cpu(int items, int micros, int workers) {
    try (RpcParallel app = RpcParallel.create()) {
      long rounds = calibrate(app, micros);
      List<Long> inputs = Collections.nCopies(items, rounds);
      double one = timeMap(app, 1, inputs);
      double many = timeMap(app, workers, inputs);
      System.out.printf(Locale.ROOT, "cpu items: %d x %d rounds (~%d us each): 1 worker %.2f s, %d workers %.2f s%n",
          items, rounds, micros, one, workers, many);
      System.out.printf(Locale.ROOT, "RATIO speed-up of %d workers over 1 = %.2fx (target >= %.1fx)%n", workers, one / many, 0.9 * workers);
    }
  }

  /** Rounds of {@link Burn} that take about {@code micros} in a (warmed) worker. */
  private static long calibrate(RpcParallel app, int micros) {
    try (WorkerPool<Long, Long> pool = WorkerPool.start(app, PoolConfig.builder().localWorkers(1).build(), new Burn(), null)) {
      long rounds = 100_000;
      for (int i = 0; i < 6; i++) {
        List<Long> nanos = new ArrayList<>();
        try (MapStream<Long> out = pool.map(Collections.nCopies(300, rounds))) {
          out.forEachRemaining(nanos::add);
        }
        double perRound = Stats.median(nanos.stream().map(Long::doubleValue).toList()) / rounds;
        rounds = Math.max(1, (long) (micros * 1000 / perRound));
      }
      return rounds;
    }
  }

  private static double timeMap(RpcParallel app, int workers, List<Long> inputs) {
    try (WorkerPool<Long, Long> pool = WorkerPool.start(app, PoolConfig.builder().localWorkers(workers).build(), new Burn(), null)) {
      try (MapStream<Long> warm = pool.map(inputs.subList(0, Math.min(inputs.size(), 500)))) {
        warm.forEachRemaining(x -> {});
      }
      long t = System.nanoTime();
      try (MapStream<Long> out = pool.map(inputs)) {
        out.forEachRemaining(x -> {});
      }
      return (System.nanoTime() - t) / 1e9;
    }
  }

  private static List<Double> python(int items, int runs, int workers) throws IOException, InterruptedException {
    Path script = Files.createTempFile("pool_bench", ".py");
    try (InputStream in = MapReduceBench.class.getResourceAsStream("pool_bench.py")) {
      Files.write(script, in.readAllBytes());
    }
    List<Double> seconds = new ArrayList<>();
    try {
      Process p;
      try {
        p = new ProcessBuilder("python3", script.toString(), "--items", Integer.toString(items), "--runs", Integer.toString(runs),
            "--workers", Integer.toString(workers)).redirectErrorStream(true).start();
      } catch (IOException e) {
        System.out.println("python3 not found (" + e.getMessage() + "): the Python side is skipped");
        return seconds;
      }
      try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line = r.readLine(); line != null; line = r.readLine()) {
          int at = line.indexOf("seconds=");
          if (line.startsWith("python pool_map") && at > 0) {
            seconds.add(Double.parseDouble(line.substring(at + "seconds=".length())));
          } else {
            System.out.println("[python] " + line);
          }
        }
      }
      if (p.waitFor() != 0) {
        System.out.println("python3 exited with status " + p.exitValue() + ": the Python side is incomplete");
      }
    } finally {
      Files.deleteIfExists(script);
    }
    return seconds;
  }

  private static int intArg(String[] args, String name, int defaultValue) {
    for (int i = 0; i < args.length - 1; i++) {
      if (args[i].equals(name)) {
        return Integer.parseInt(args[i + 1]);
      }
    }
    return defaultValue;
  }

  private static String millis(List<Double> seconds) {
    StringBuilder sb = new StringBuilder();
    for (double s : seconds) {
      sb.append(sb.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.1f", s * 1e3));
    }
    return sb + " ms";
  }
}
