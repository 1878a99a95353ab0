package dev.rpcparallel.bench;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Command-line options of {@link Compare}.
 *
 * @param rounds measured rounds; every scenario runs every contender once per round
 * @param warmupSeconds time-based warm-up per contender before the first round
 * @param timedCalls timed round trips per round and payload size
 * @param targetSeconds approximate duration of one throughput measurement
 * @param bulkReps timed 64 MiB transfers per round (the round's value is their median)
 * @param only contender names to run; empty = the default set
 * @param out file to write the Markdown report to, or {@code null}
 * @param quick whether {@code --quick} was given
 */
public record Options(
    int rounds,
    double warmupSeconds,
    int timedCalls,
    double targetSeconds,
    int bulkReps,
    List<String> only,
    Path out,
    boolean quick) {

  /** Usage text. */
  public static final String USAGE =
      """
      usage: Compare [--quick] [--rounds N] [--warmup SECONDS] [--calls N] [--target SECONDS]
                     [--bulk-reps N] [--only name,name] [--out FILE]
        --quick     smoke mode (< 1 minute): 1 round, 2 s warm-up, few calls
        --rounds    measured rounds, contenders interleaved within each round (default 5)
        --warmup    warm-up seconds per contender before the rounds (default 10)
        --calls     timed round trips per round and payload (default 2000)
        --target    seconds per throughput measurement (default 1.0)
        --bulk-reps timed 64 MiB transfers per round (default 3)
        --only      comma-separated contender names (known: %s)
        --out       also write the Markdown report to this file
      """;

  /** Parses {@code args}; {@code --quick} sets smoke defaults that later options may override. */
  public static Options parse(String[] args) {
    boolean quick = Arrays.asList(args).contains("--quick");
    int rounds = quick ? 1 : 5;
    double warmup = quick ? 2 : 10;
    int calls = quick ? 300 : 2000;
    double target = quick ? 0.2 : 1.0;
    int bulkReps = quick ? 1 : 3;
    List<String> only = List.of();
    Path out = null;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      switch (a) {
        case "--quick" -> {}
        case "--rounds" -> rounds = Integer.parseInt(value(args, ++i, a));
        case "--warmup" -> warmup = Double.parseDouble(value(args, ++i, a));
        case "--calls" -> calls = Integer.parseInt(value(args, ++i, a));
        case "--target" -> target = Double.parseDouble(value(args, ++i, a));
        case "--bulk-reps" -> bulkReps = Integer.parseInt(value(args, ++i, a));
        case "--only" -> only = List.of(value(args, ++i, a).split(","));
        case "--out" -> out = Path.of(value(args, ++i, a));
        default -> throw new IllegalArgumentException("unknown option " + a);
      }
    }
    if (rounds < 1 || calls < 1 || bulkReps < 1 || target <= 0 || warmup < 0) {
      throw new IllegalArgumentException("rounds, calls, bulk-reps and target must be positive");
    }
    return new Options(rounds, warmup, calls, target, bulkReps, only, out, quick);
  }

  private static String value(String[] args, int i, String option) {
    if (i >= args.length) {
      throw new IllegalArgumentException(option + " needs a value");
    }
    return args[i];
  }
}
