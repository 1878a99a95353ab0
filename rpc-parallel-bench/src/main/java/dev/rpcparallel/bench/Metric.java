package dev.rpcparallel.bench;

/**
 * One reported quantity of a scenario, for example the p99 round-trip time.
 *
 * @param scenario title of the scenario that produces it
 * @param label what is measured, for example {@code "p50"} or {@code "calls/s"}
 * @param unit unit of the values, for example {@code "µs"}
 * @param higherIsBetter whether larger values are better (throughput) or worse (latency)
 */
public record Metric(String scenario, String label, String unit, boolean higherIsBetter) {}
