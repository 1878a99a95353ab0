package dev.rpcparallel.bench;

import dev.rpcparallel.Implementations;
import dev.rpcparallel.Rpc;
import dev.rpcparallel.SimpleWorkerSpec;
import dev.rpcparallel.WorkerContext;
import dev.rpcparallel.codec.Codecs;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A CPU-bound task, the same in a worker and in-process: sort 3 M pseudo-random longs, count
 * them by bucket in a {@link HashMap}, and mix the result arithmetically. Its answer depends on
 * every step, so the JIT cannot drop any of them.
 */
public final class CpuTask extends SimpleWorkerSpec<Void, Void> {

  /** Runs the task with the given seed; the response is its checksum. */
  public static final Rpc<CpuTask, Long, Long> RUN = Rpc.of("run", Codecs.LONG, Codecs.LONG);

  /** Public no-argument constructor: the worker instantiates the spec by class name. */
  public CpuTask() {
    super(Codecs.VOID);
  }

  @Override
  public Void initWorkerState(Void arg, WorkerContext context) {
    return null;
  }

  @Override
  public void implement(Implementations<Void, Void> table) {
    table.rpc(RUN, (s, c, seed) -> run(seed));
  }

  /** The task itself (3 M longs). */
  public static long run(long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    long[] values = new long[3_000_000];
    for (int i = 0; i < values.length; i++) {
      values[i] = random.nextLong();
    }
    Arrays.sort(values);
    Map<Long, Integer> buckets = new HashMap<>();
    for (long v : values) {
      buckets.merge(v >>> 44, 1, Integer::sum);
    }
    long sum = 0;
    for (int i = 0; i < values.length; i += 7) {
      sum = sum * 31 + (values[i] ^ (values[i] >>> 17)) % 1_000_003;
    }
    for (Map.Entry<Long, Integer> e : buckets.entrySet()) {
      sum += e.getKey() * e.getValue();
    }
    return sum;
  }
}
