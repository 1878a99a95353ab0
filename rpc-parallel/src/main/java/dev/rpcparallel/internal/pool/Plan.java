package dev.rpcparallel.internal.pool;

import dev.rpcparallel.Redirect;
import dev.rpcparallel.SpawnOptions;
import java.time.Duration;
import java.util.List;
import java.util.function.IntFunction;

/**
 * A pool's configuration as the engine reads it (the public {@code PoolConfig} makes it).
 *
 * @param groups the groups of workers: how many, started how
 * @param stdout where worker {@code i} of a group writes its stdout
 * @param stderr where worker {@code i} of a group writes its stderr
 * @param spawnConcurrency how many workers of a group start at once
 * @param batchSize inputs per batch, or 0 for automatic sizing
 * @param retries how often an input may be retried after its worker died
 * @param replaceDeadWorkers whether dead workers are replaced
 * @param progress receives progress reports, or null
 * @param progressInterval the shortest time between reports
 */
public record Plan(
    List<Group> groups,
    IntFunction<Redirect> stdout,
    IntFunction<Redirect> stderr,
    int spawnConcurrency,
    int batchSize,
    int retries,
    boolean replaceDeadWorkers,
    ProgressSink progress,
    Duration progressInterval) {

  /**
   * Receives a job's progress reports (the API makes its public {@code Progress} of them): at
   * most once per interval, and once more with {@code finished} set. If it throws, the
   * exception is logged and the job goes on.
   */
  @FunctionalInterface
  public interface ProgressSink {
    /**
     * @param done inputs finished
     * @param total all inputs, if known; else -1
     * @param failures inputs retried because their worker died
     * @param itemsPerSecond the rate so far
     * @param elapsed time since the job started
     * @param finished whether this is the last report
     */
    void report(long done, long total, long failures, double itemsPerSecond, Duration elapsed, boolean finished);
  }

  /** A group of workers. */
  public record Group(int count, SpawnOptions options) {}

  public int workers() {
    return groups.stream().mapToInt(Group::count).sum();
  }
}
