package dev.rpcparallel.mapreduce;

import java.time.Duration;
import java.util.Optional;

/**
 * Where a job stands.
 *
 * @param done inputs finished
 * @param total all inputs, if known (a collection, or once the input is exhausted); else -1
 * @param failures inputs retried because their worker died
 * @param itemsPerSecond the rate so far
 * @param elapsed time since the job started
 * @param finished whether this is the last report
 */
public record Progress(long done, long total, long failures, double itemsPerSecond, Duration elapsed, boolean finished) {

  /** Estimated time left, when the total is known and something is done. */
  public Optional<Duration> eta() {
    if (total < 0 || done == 0 || itemsPerSecond <= 0) {
      return Optional.empty();
    }
    return Optional.of(Duration.ofMillis((long) ((total - done) / itemsPerSecond * 1000)));
  }
}
