package dev.rpcparallel.bench;

import java.util.List;

/**
 * One measurement applied to every contender in every round. A scenario yields one value per
 * {@link #metrics() metric} per (round, contender).
 */
public interface Scenario {

  /** The metrics this scenario reports, in the order of the values {@link #run} returns. */
  List<Metric> metrics();

  /**
   * Runs one round of this scenario against {@code contender} (including any per-round warm-up)
   * and returns one value per metric. Also used, with results discarded, during warm-up.
   */
  double[] run(Contender contender) throws Exception;
}
