package dev.rpcparallel.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Per-round values collected by {@link Compare}: metric → contender → one value per round. */
public final class Results {

  private final Map<Metric, Map<String, List<Double>>> values = new LinkedHashMap<>();
  private final Map<String, String> failures = new LinkedHashMap<>();

  /** Records one round's value of {@code metric} for {@code contender}. */
  public void add(Metric metric, String contender, double value) {
    values.computeIfAbsent(metric, m -> new LinkedHashMap<>())
        .computeIfAbsent(contender, c -> new ArrayList<>())
        .add(value);
  }

  /** Records that {@code contender} failed in {@code scenario} (the first failure is kept). */
  public void fail(String scenario, String contender, Throwable error) {
    failures.putIfAbsent(contender + " / " + scenario, String.valueOf(error));
  }

  /** Values by metric, then contender, in insertion order. */
  public Map<Metric, Map<String, List<Double>>> values() {
    return values;
  }

  /** Failures, keyed by "contender / scenario". */
  public Map<String, String> failures() {
    return failures;
  }
}
