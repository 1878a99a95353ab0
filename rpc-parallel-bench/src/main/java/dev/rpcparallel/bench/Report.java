package dev.rpcparallel.bench;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Renders {@link Results} as Markdown: one table per metric, median across rounds and spread. */
public final class Report {

  private Report() {}

  /**
   * The full report.
   *
   * @param header lines printed first (environment, options)
   * @param contenders the contenders that ran, for their descriptions
   */
  public static String markdown(List<String> header, List<Contender> contenders, Results results) {
    StringBuilder sb = new StringBuilder("# rpc-parallel end-to-end comparison\n\n");
    header.forEach(h -> sb.append("- ").append(h).append('\n'));
    sb.append("\nContenders:\n\n");
    contenders.forEach(c -> sb.append("- `").append(c.name()).append("`: ").append(c.description()).append('\n'));
    sb.append(
        """

        Each cell: median across rounds, [min–max] of the per-round values. Ratios are medians
        divided by the reference's median (for µs lower is better, for throughput higher is better).
        Contenders ran interleaved within every round, so regime changes of the machine hit all alike.
        """);
    for (var e : results.values().entrySet()) {
      table(sb, e.getKey(), e.getValue());
    }
    if (!results.failures().isEmpty()) {
      sb.append("\n## Failures\n\n");
      results.failures().forEach((k, v) -> sb.append("- ").append(k).append(": `").append(v).append("`\n"));
    }
    return sb.toString();
  }

  private static void table(StringBuilder sb, Metric m, Map<String, List<Double>> byContender) {
    double raw = median(byContender, Contenders.RAW);
    double grpc = median(byContender, Contenders.GRPC);
    sb.append("\n## ").append(m.scenario()).append(" — ").append(m.label()).append(" (").append(m.unit()).append(", ")
        .append(m.higherIsBetter() ? "higher" : "lower").append(" is better)\n\n");
    sb.append("| contender | median ").append(m.unit()).append(" | [min–max] | × raw | × grpc | per round |\n");
    sb.append("|---|---:|---:|---:|---:|---|\n");
    for (var e : byContender.entrySet()) {
      List<Double> v = e.getValue();
      double med = Stats.median(v);
      sb.append("| ").append(e.getKey())
          .append(" | **").append(fmt(med)).append("**")
          .append(" | [").append(fmt(Stats.min(v))).append("–").append(fmt(Stats.max(v))).append("]")
          .append(" | ").append(ratio(med, raw))
          .append(" | ").append(ratio(med, grpc))
          .append(" | ").append(String.join("; ", v.stream().map(Report::fmt).toList()))
          .append(" |\n");
    }
  }

  private static double median(Map<String, List<Double>> byContender, String name) {
    List<Double> v = byContender.get(name);
    return v == null ? Double.NaN : Stats.median(v);
  }

  private static String ratio(double value, double reference) {
    if (Double.isNaN(reference) || reference == 0 || Double.isNaN(value)) {
      return "–";
    }
    double r = value / reference;
    return String.format(Locale.ROOT, r >= 0.1 ? "%.2f" : r >= 0.01 ? "%.3f" : "%.4f", r);
  }

  /** Formats with precision suited to the magnitude: 1,234,567 / 123 / 12.3 / 1.23. */
  static String fmt(double v) {
    if (Double.isNaN(v)) {
      return "–";
    }
    double a = Math.abs(v);
    String pattern = a >= 1000 ? "%,.0f" : a >= 100 ? "%.0f" : a >= 10 ? "%.1f" : "%.2f";
    return String.format(Locale.ROOT, pattern, v);
  }
}
