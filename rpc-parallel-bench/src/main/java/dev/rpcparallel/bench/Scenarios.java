package dev.rpcparallel.bench;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The scenarios run by {@link Compare}. Throughput scenarios size each measurement from the rate
 * the same contender reached last time (warm-up included), so that one measurement takes about
 * {@link Options#targetSeconds()} whatever the contender's speed.
 */
public final class Scenarios {

  /** Size of the bulk value: 64 MiB. */
  public static final int BULK_BYTES = 64 << 20;

  private Scenarios() {}

  /** The standard set, in the order they run within a round. */
  public static List<Scenario> standard(Options o) {
    List<Scenario> list = new ArrayList<>();
    list.add(new RoundTrip(8, o.timedCalls()));
    list.add(new RoundTrip(1024, o.timedCalls()));
    for (int inFlight : new int[] {1, 16, 256}) {
      list.add(new Pipelined(inFlight, o.targetSeconds()));
    }
    list.add(new Stream(100, o.targetSeconds()));
    list.add(new Bulk(BULK_BYTES, o.bulkReps()));
    return list;
  }

  /** Blocking round trips: per round, warm-up calls then timed calls; reports p50 and p99. */
  static final class RoundTrip implements Scenario {
    private final byte[] payload;
    private final int timedCalls;
    private final List<Metric> metrics;

    RoundTrip(int size, int timedCalls) {
      this.payload = new byte[size];
      this.timedCalls = timedCalls;
      String title = "Round trip, " + (size >= 1024 ? size / 1024 + " KiB" : size + " B") + " payload";
      this.metrics = List.of(new Metric(title, "p50", "µs", false), new Metric(title, "p99", "µs", false));
    }

    @Override
    public List<Metric> metrics() {
      return metrics;
    }

    @Override
    public double[] run(Contender c) throws Exception {
      for (int i = 0; i < Math.max(100, timedCalls / 10); i++) {
        byte[] reply = c.roundTrip(payload);
        if (reply.length != payload.length) {
          throw new IllegalStateException(c.name() + ": echo returned " + reply.length + " bytes");
        }
      }
      long[] nanos = new long[timedCalls];
      for (int i = 0; i < timedCalls; i++) {
        long t0 = System.nanoTime();
        c.roundTrip(payload);
        nanos[i] = System.nanoTime() - t0;
      }
      return new double[] {Stats.percentile(nanos, 50) / 1e3, Stats.percentile(nanos, 99) / 1e3};
    }
  }

  /** Remembers each contender's last rate to size the next measurement. */
  abstract static class Sized implements Scenario {
    private static final int MIN = 1000;
    private static final int MAX = 20_000_000;
    private final Map<String, Double> lastRate = new HashMap<>();
    private final double targetSeconds;

    Sized(double targetSeconds) {
      this.targetSeconds = targetSeconds;
    }

    @Override
    public double[] run(Contender c) throws Exception {
      Double rate = lastRate.get(c.name());
      int n = rate == null ? MIN : (int) Math.max(MIN, Math.min(MAX, rate * targetSeconds));
      double measured = measure(c, n);
      lastRate.put(c.name(), measured);
      return new double[] {measured};
    }

    abstract double measure(Contender c, int n) throws Exception;
  }

  /** 8-byte calls with a fixed number in flight; reports calls/s. */
  static final class Pipelined extends Sized {
    private final int inFlight;
    private final List<Metric> metrics;

    Pipelined(int inFlight, double targetSeconds) {
      super(targetSeconds);
      this.inFlight = inFlight;
      this.metrics = List.of(new Metric("Pipelined 8 B calls, " + inFlight + " in flight", "throughput", "calls/s", true));
    }

    @Override
    public List<Metric> metrics() {
      return metrics;
    }

    @Override
    double measure(Contender c, int n) throws Exception {
      return c.pipelined(inFlight, n);
    }
  }

  /** One request answered by a stream of small items; reports items/s. */
  static final class Stream extends Sized {
    private final int itemSize;
    private final List<Metric> metrics;

    Stream(int itemSize, double targetSeconds) {
      super(targetSeconds);
      this.itemSize = itemSize;
      this.metrics = List.of(new Metric("Server stream of " + itemSize + " B items", "throughput", "items/s", true));
    }

    @Override
    public List<Metric> metrics() {
      return metrics;
    }

    @Override
    double measure(Contender c, int n) throws Exception {
      return c.stream(itemSize, n);
    }
  }

  /** One large value sent with an 8-byte ack; per round one untimed and {@code reps} timed transfers. */
  static final class Bulk implements Scenario {
    private final int bytes;
    private final int reps;
    private final List<Metric> metrics;

    Bulk(int bytes, int reps) {
      this.bytes = bytes;
      this.reps = reps;
      this.metrics = List.of(new Metric("Bulk: one " + (bytes >> 20) + " MiB value + 8 B ack", "throughput", "MB/s", true));
    }

    @Override
    public List<Metric> metrics() {
      return metrics;
    }

    @Override
    public double[] run(Contender c) throws Exception {
      c.bulk(bytes);
      List<Double> rates = new ArrayList<>();
      for (int i = 0; i < reps; i++) {
        rates.add(c.bulk(bytes));
      }
      return new double[] {Stats.median(rates)};
    }
  }
}
