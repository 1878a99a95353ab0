package dev.rpcparallel.bench;

import java.util.Arrays;
import java.util.List;

/** Order statistics used by the scenarios and the report. */
public final class Stats {

  private Stats() {}

  /** Nearest-rank percentile ({@code p} in 0..100) of {@code values}; sorts the array in place. */
  public static long percentile(long[] values, double p) {
    Arrays.sort(values);
    int rank = (int) Math.ceil(p / 100.0 * values.length);
    return values[Math.max(0, Math.min(values.length - 1, rank - 1))];
  }

  /** Median of {@code values} (mean of the two middle values for an even count). */
  public static double median(List<Double> values) {
    double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    if (v.length == 0) {
      return Double.NaN;
    }
    int mid = v.length / 2;
    return v.length % 2 == 1 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
  }

  /** Smallest value, or NaN if empty. */
  public static double min(List<Double> values) {
    return values.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
  }

  /** Largest value, or NaN if empty. */
  public static double max(List<Double> values) {
    return values.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
  }
}
