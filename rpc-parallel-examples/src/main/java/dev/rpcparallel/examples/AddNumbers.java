package dev.rpcparallel.examples;

import dev.rpcparallel.RpcParallel;
import dev.rpcparallel.codec.Codec;
import dev.rpcparallel.codec.Codecs;
import dev.rpcparallel.mapreduce.Indexed;
import dev.rpcparallel.mapreduce.MapFunction;
import dev.rpcparallel.mapreduce.MapReduce;
import dev.rpcparallel.mapreduce.MapStream;
import dev.rpcparallel.mapreduce.PoolConfig;
import java.util.function.Consumer;
import java.util.stream.IntStream;

/**
 * The original's {@code add_numbers.ml}: {@code -ntimes} jobs, each summing 0..{@code max}-1 the
 * slow way (a little CPU burn per number), mapped over {@code -workers} workers. Ordered (the
 * default) prints {@code <job>: <sum>} in job order; {@code -ordered false} prints {@code
 * <index>:<job>: <sum>} as results finish, checking that each result's index is its job's.
 *
 * <pre>
 * mvn -B -q -pl rpc-parallel-examples exec:exec -Dexec.mainClass=dev.rpcparallel.examples.AddNumbers
 * 0: 4950
 * ...
 * 9: 4950
 * </pre>
 */
public final class AddNumbers {
  private AddNumbers() {}

  /** A job: its number, and how far to sum. */
  public record Job(int id, int max) {}

  /** A job's result. */
  public record Sum(int id, long sum) {}

  /** Sums 0..max-1, burning a little CPU per number as the original does. */
  public static final class Add implements MapFunction<Void, Job, Sum> {
    private static final Codec<Job> JOB = Codecs.derive(Job.class);
    private static final Codec<Sum> SUM = Codecs.derive(Sum.class);

    @Override
    public Codec<Void> paramCodec() {
      return Codecs.VOID;
    }

    @Override
    public Codec<Job> inputCodec() {
      return JOB;
    }

    @Override
    public Codec<Sum> outputCodec() {
      return SUM;
    }

    @Override
    public Sum map(Job job) {
      long sum = 0;
      for (int i = 0; i < job.max(); i++) {
        long burn = i;
        for (int k = 0; k < 10_000; k++) {
          burn = burn * 6364136223846793005L + 1442695040888963407L;
        }
        sum += i + (burn == 42 ? 1 : 0);
      }
      return new Sum(job.id(), sum);
    }
  }

  public static void run(int max, int ntimes, int workers, boolean ordered, Consumer<String> out) {
    PoolConfig config = PoolConfig.builder().localWorkers(workers).build();
    var jobs = IntStream.range(0, ntimes).mapToObj(i -> new Job(i, max)).toList();
    try (RpcParallel app = RpcParallel.create()) {
      if (ordered) {
        try (MapStream<Sum> sums = MapReduce.map(app, config, new Add(), null, jobs)) {
          sums.forEachRemaining(s -> out.accept(s.id() + ": " + s.sum()));
        }
      } else {
        try (MapStream<Indexed<Sum>> sums = MapReduce.mapUnordered(app, config, new Add(), null, jobs)) {
          sums.forEachRemaining(r -> {
            if (r.index() != r.value().id()) {
              throw new IllegalStateException("result of job " + r.value().id() + " came with index " + r.index());
            }
            out.accept(r.index() + ":" + r.value().id() + ": " + r.value().sum());
          });
        }
      }
    }
  }

  public static void main(String[] args) {
    run(Flags.intFlag(args, "-max", 100), Flags.intFlag(args, "-ntimes", 10), Flags.intFlag(args, "-workers", 4),
        Flags.boolFlag(args, "-ordered", true), System.out::println);
  }
}
