package dev.rpcparallel.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Runs one operation of one contender in a loop for a fixed time, for profiling (JFR, {@code
 * perf}, context-switch counts) where {@link Compare}'s mix of scenarios would blur the picture.
 * Prints one line per second and a summary; the server JVM gets the options of {@value
 * ServerProcess#SERVER_OPTS_PROPERTY} like in {@link Compare}.
 *
 * <pre>
 * java -XX:StartFlightRecording=filename=/tmp/client.jfr,settings=profile \
 *      -Dbench.serverOpts="-XX:StartFlightRecording=filename=/tmp/server.jfr,settings=profile" \
 *      -cp 'rpc-parallel-bench/target/classes:rpc-parallel-bench/target/lib/*' \
 *      dev.rpcparallel.bench.ProfileLoop rpc-parallel roundtrip 20
 * </pre>
 *
 * <p>Arguments: contender name, operation ({@code roundtrip}, {@code pipelined} = 256 in flight,
 * {@code stream} = 100-byte items, {@code bulk} = 64 MiB), seconds (default 20).
 */
public final class ProfileLoop {

  private ProfileLoop() {}

  /**
   * Context switches (voluntary and not) so far of all threads of this JVM and of its child
   * processes (the contender's server), from {@code /proc/<pid>/task/<tid>/status}; threads that
   * ended meanwhile are not counted, so keep the measured loop's threads alive throughout.
   */
  static long[] contextSwitches() {
    long self = switchesOf(ProcessHandle.current().pid());
    long children = ProcessHandle.current().children().mapToLong(h -> switchesOf(h.pid())).sum();
    return new long[] {self, children};
  }

  private static long switchesOf(long pid) {
    long total = 0;
    try (java.util.stream.Stream<java.nio.file.Path> tasks = java.nio.file.Files.list(java.nio.file.Path.of("/proc/" + pid + "/task"))) {
      for (java.nio.file.Path t : tasks.toList()) {
        try {
          for (String line : java.nio.file.Files.readAllLines(t.resolve("status"))) {
            if (line.startsWith("voluntary_ctxt_switches:") || line.startsWith("nonvoluntary_ctxt_switches:")) {
              total += Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
            }
          }
        } catch (java.io.IOException | RuntimeException e) {
          // the thread ended meanwhile
        }
      }
    } catch (java.io.IOException e) {
      // the process ended
    }
    return total;
  }

  /** Entry point; see the class comment for the arguments. */
  public static void main(String[] args) throws Exception {
    if (args.length < 2) {
      System.err.println("usage: ProfileLoop CONTENDER roundtrip|pipelined|stream|bulk [SECONDS]");
      System.exit(2);
    }
    String op = args[1];
    double seconds = args.length > 2 ? Double.parseDouble(args[2]) : 20;
    List<Contender> selected = Contenders.select(List.of(args[0]));
    try (Contender c = selected.get(0)) {
      c.start();
      System.err.println("server pid/handle ready; running " + op + " on " + c.name() + " for " + seconds + " s");
      List<Double> perSecond = new ArrayList<>();
      long[] switches0 = contextSwitches();
      long totalOps = 0;
      long end = System.nanoTime() + (long) (seconds * 1e9);
      byte[] payload = new byte[8];
      while (System.nanoTime() < end) {
        long t0 = System.nanoTime();
        long ops = 0;
        double rate;
        switch (op) {
          case "roundtrip" -> {
            while (System.nanoTime() - t0 < 1_000_000_000L) {
              c.roundTrip(payload);
              ops++;
            }
            rate = ops / ((System.nanoTime() - t0) / 1e9);
            totalOps += ops;
          }
          case "pipelined" -> rate = c.pipelined(256, 50_000);
          case "stream" -> rate = c.stream(100, 500_000);
          case "bulk" -> rate = c.bulk(Scenarios.BULK_BYTES);
          default -> throw new IllegalArgumentException("unknown operation " + op);
        }
        perSecond.add(rate);
        System.err.printf(Locale.ROOT, "%s %s: %s%n", c.name(), op, Report.fmt(rate));
      }
      List<Double> last = perSecond.subList(perSecond.size() / 2, perSecond.size());
      String unit = switch (op) {
        case "stream" -> "items/s";
        case "bulk" -> "MB/s";
        default -> "calls/s";
      };
      System.out.printf(Locale.ROOT, "%s %s: median of the second half: %s %s%n",
          c.name(), op, Report.fmt(Stats.median(last)), unit);
      long[] switches1 = contextSwitches();
      if (totalOps > 0) {
        System.out.printf(Locale.ROOT, "%s %s: context switches per call: client %.2f, server %.2f (%d calls)%n",
            c.name(), op, (switches1[0] - switches0[0]) / (double) totalOps,
            (switches1[1] - switches0[1]) / (double) totalOps, totalOps);
      }
    }
  }
}
