package dev.rpcparallel.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * End-to-end comparison of RPC stacks, each talking to its own server JVM over loopback TCP.
 *
 * <p>All contenders are started first, then each is warmed up (time based), then for every round,
 * for every scenario, every contender runs in turn (A B A B ...), so that the machine's regime
 * changes (the fast-wake and slow-wake latency regimes of shared VMs) affect all contenders alike. The report gives, per
 * metric, the median across rounds with the [min–max] spread and ratios against the raw-socket
 * floor and gRPC. Run with {@code --help} for options.
 */
public final class Compare {

  private Compare() {}

  /** Entry point; see {@link Options#USAGE}. */
  public static void main(String[] args) throws Exception {
    if (List.of(args).contains("--help")) {
      System.out.printf(Options.USAGE, Contenders.ALL.stream().map(Contenders.Entry::name).toList());
      return;
    }
    Options o = Options.parse(args);
    List<Contender> contenders = Contenders.select(o.only());
    List<Scenario> scenarios = Scenarios.standard(o);
    List<String> header = header(o, args);
    header.forEach(h -> System.out.println("# " + h));
    Results results = new Results();
    long t0 = System.nanoTime();
    try {
      for (Contender c : contenders) {
        log("starting " + c.name());
        c.start();
      }
      for (Contender c : contenders) {
        warmUp(c, scenarios, o.warmupSeconds());
      }
      for (int round = 1; round <= o.rounds(); round++) {
        log("round " + round + "/" + o.rounds());
        for (Scenario s : scenarios) {
          for (Contender c : contenders) {
            runOnce(s, c, results);
          }
        }
      }
    } finally {
      for (Contender c : contenders) {
        c.close();
      }
    }
    header.add(String.format(Locale.ROOT, "total run time: %.0f s", (System.nanoTime() - t0) / 1e9));
    String md = Report.markdown(header, contenders, results);
    System.out.println();
    System.out.println(md);
    if (o.out() != null) {
      if (o.out().toAbsolutePath().getParent() != null) {
        Files.createDirectories(o.out().toAbsolutePath().getParent());
      }
      Files.writeString(o.out(), md);
      log("wrote " + o.out());
    }
  }

  /** Runs every scenario against {@code c} repeatedly until {@code seconds} have passed (at least once). */
  private static void warmUp(Contender c, List<Scenario> scenarios, double seconds) throws Exception {
    log(String.format(Locale.ROOT, "warming up %s for %.0f s", c.name(), seconds));
    long end = System.nanoTime() + (long) (seconds * 1e9);
    do {
      for (Scenario s : scenarios) {
        s.run(c);
      }
    } while (System.nanoTime() < end);
  }

  private static void runOnce(Scenario s, Contender c, Results results) {
    String title = s.metrics().get(0).scenario();
    try {
      double[] v = s.run(c);
      StringBuilder line = new StringBuilder("  " + c.name() + " | " + title + ":");
      for (int i = 0; i < v.length; i++) {
        Metric m = s.metrics().get(i);
        results.add(m, c.name(), v[i]);
        line.append(' ').append(m.label()).append('=').append(Report.fmt(v[i])).append(' ').append(m.unit());
      }
      log(line.toString());
    } catch (Exception e) {
      log("  " + c.name() + " | " + title + ": FAILED " + e);
      results.fail(title, c.name(), e);
    }
  }

  private static List<String> header(Options o, String[] args) {
    List<String> h = new ArrayList<>();
    h.add("date: " + ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME));
    h.add("JVM: " + System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version")
        + " (" + System.getProperty("java.vendor") + "), flags: "
        + ManagementFactory.getRuntimeMXBean().getInputArguments());
    h.add("OS: " + System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
        + System.getProperty("os.arch") + ", available processors: " + Runtime.getRuntime().availableProcessors()
        + ", load average at start: " + String.format(Locale.ROOT, "%.2f",
            ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage()));
    h.add("arguments: `" + String.join(" ", args) + "`");
    h.add(String.format(Locale.ROOT,
        "rounds: %d, warm-up: %.0f s per contender, timed round trips per round: %d, "
            + "throughput measurement: ~%.1f s, bulk: %d timed transfers per round (median)",
        o.rounds(), o.warmupSeconds(), o.timedCalls(), o.targetSeconds(), o.bulkReps()));
    List<String> serverOpts = ServerProcess.extraJvmOptions();
    h.add("server JVMs: same java binary and class path, "
        + (serverOpts.isEmpty() ? "no extra flags" : "extra flags " + serverOpts) + "; 127.0.0.1, TCP_NODELAY");
    return h;
  }

  private static void log(String msg) {
    System.err.println(msg);
  }
}
