package dev.rpcparallel.examples;

import dev.rpcparallel.RpcParallel;
import dev.rpcparallel.codec.Codec;
import dev.rpcparallel.codec.Codecs;
import dev.rpcparallel.mapreduce.Indexed;
import dev.rpcparallel.mapreduce.MapFunction;
import dev.rpcparallel.mapreduce.MapReduce;
import dev.rpcparallel.mapreduce.MapStream;
import dev.rpcparallel.mapreduce.PoolConfig;
import dev.rpcparallel.mapreduce.ProgressListener;
import dev.rpcparallel.mapreduce.ReduceFunction;
import java.security.SecureRandom;
import java.util.Iterator;
import java.util.Locale;
import java.util.Optional;
import java.util.Random;
import java.util.function.Consumer;
import java.util.stream.IntStream;

/**
 * The original's {@code number_stats.ml}: a two-stage pipeline over worker pools. Stage one
 * generates {@code -nblocks} blocks of 50,000 random numbers in [0, 1) ({@code mapUnordered}; each
 * worker seeds its own generator); stage two, fed by stage one as blocks arrive, reduces them to
 * count, mean and variance ({@code mapReduce}, or {@code mapReduceCommutative} with {@code
 * -ordered false}; Chan's parallel formula combines partial statistics).
 *
 * <pre>
 * Samples: 5000000
 * Mean: 0.500...
 * Variance: 0.0833...
 * </pre>
 */
public final class NumberStats {
  /** Numbers per block. */
  public static final int BLOCK = 50_000;

  private NumberStats() {}

  /** Count, mean and sum of squared deviations of some numbers. */
  public record Stats(long count, double mean, double m2) {
    static final Codec<Stats> CODEC = Codecs.derive(Stats.class);

    public double variance() {
      return count < 2 ? 0 : m2 / count;
    }

    /** The statistics of both sets together (Chan et al.). */
    Stats merge(Stats o) {
      long n = count + o.count;
      double delta = o.mean - mean;
      return new Stats(n, mean + delta * o.count / n, m2 + o.m2 + delta * delta * count * o.count / n);
    }
  }

  /** Stage one: a block of random numbers; each worker seeds its generator itself. */
  public static final class Generate implements MapFunction<Void, Integer, double[]> {
    private volatile Random random;

    @Override
    public Codec<Void> paramCodec() {
      return Codecs.VOID;
    }

    @Override
    public Codec<Integer> inputCodec() {
      return Codecs.INT;
    }

    @Override
    public Codec<double[]> outputCodec() {
      return Codecs.DOUBLE_ARRAY;
    }

    @Override
    public void init(Void param, int workerIndex) {
      random = new Random(new SecureRandom().nextLong());
    }

    @Override
    public double[] map(Integer block) {
      Random r = random;
      double[] xs = new double[BLOCK];
      synchronized (r) {
        for (int i = 0; i < xs.length; i++) {
          xs[i] = r.nextDouble();
        }
      }
      return xs;
    }
  }

  /** Stage two: the statistics of a block; statistics merge. */
  public static final class Summarize implements ReduceFunction<Void, double[], Stats> {
    @Override
    public Codec<Void> paramCodec() {
      return Codecs.VOID;
    }

    @Override
    public Codec<double[]> inputCodec() {
      return Codecs.DOUBLE_ARRAY;
    }

    @Override
    public Codec<Stats> accumulatorCodec() {
      return Stats.CODEC;
    }

    @Override
    public Stats map(double[] xs) {
      double mean = 0;
      double m2 = 0;
      for (int i = 0; i < xs.length; i++) {
        double delta = xs[i] - mean;
        mean += delta / (i + 1);
        m2 += delta * (xs[i] - mean);
      }
      return new Stats(xs.length, mean, m2);
    }

    @Override
    public Stats combine(Stats left, Stats right) {
      return left.merge(right);
    }
  }

  /**
   * Runs the pipeline on {@code workers} workers per stage (both stages run at once); prints
   * Samples, Mean and Variance. {@code progress} hears of stage one (blocks generated).
   */
  public static Stats run(int nblocks, boolean ordered, int workers, ProgressListener progress, Consumer<String> out) {
    PoolConfig generate = PoolConfig.builder().localWorkers(workers).progress(progress).build();
    PoolConfig summarize = PoolConfig.builder().localWorkers(workers).build();
    try (RpcParallel app = RpcParallel.create();
        MapStream<Indexed<double[]>> blocks =
            MapReduce.mapUnordered(app, generate, new Generate(), null, IntStream.range(0, nblocks).boxed().toList())) {
      Iterable<double[]> fed = () -> new Iterator<>() {
        @Override
        public boolean hasNext() {
          return blocks.hasNext();
        }

        @Override
        public double[] next() {
          return blocks.next().value();
        }
      };
      Optional<Stats> stats = ordered
          ? MapReduce.mapReduce(app, summarize, new Summarize(), null, fed)
          : MapReduce.mapReduceCommutative(app, summarize, new Summarize(), null, fed);
      Stats s = stats.orElse(new Stats(0, 0, 0));
      out.accept("Samples: " + s.count());
      out.accept(String.format(Locale.ROOT, "Mean: %.6f", s.mean()));
      out.accept(String.format(Locale.ROOT, "Variance: %.6f", s.variance()));
      return s;
    }
  }

  public static void main(String[] args) {
    run(Flags.intFlag(args, "-nblocks", 100), Flags.boolFlag(args, "-ordered", true),
        Flags.intFlag(args, "-workers", Runtime.getRuntime().availableProcessors()),
        dev.rpcparallel.mapreduce.ConsoleProgressBar.auto(), System.out::println);
  }
}
