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
    }
  }
}
