package dev.rpcparallel.bench;

import dev.rpcparallel.Connection;
import dev.rpcparallel.EventListener;
import dev.rpcparallel.RpcParallel;
import dev.rpcparallel.Worker;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * JMH: the round trip of a small rpc call (8 bytes echoed by a worker served in this JVM, over
 * loopback TCP), with no event listener ({@code none}: {@link EventListener#NONE}, the plain
 * call path), a listener that overrides nothing ({@code noop}: the traced path, whose cost is
 * the trace itself) and one that counts finished calls ({@code counting}). Run with {@code java
 * -cp "target/classes:target/lib/*" org.openjdk.jmh.Main ListenerBenchmark -prof gc} (the gc
 * profiler's {@code gc.alloc.rate.norm} shows the bytes allocated per call).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ListenerBenchmark {

  /** Counts finished calls. */
  static final class Counting extends EventListener {
    final LongAdder calls = new LongAdder();

    @Override
    public void callFinished(dev.rpcparallel.Connection<?> connection, String function, CallKind kind, long elapsedNanos,
        Throwable failure) {
      calls.increment();
    }
  }

  @Param({"none", "noop", "counting"})
  String listener;

  private RpcParallel app;
  private Connection<BenchWorker> connection;
  private final byte[] query = new byte[8];

  /** Serves the worker and connects. */
  @Setup(Level.Trial)
  public void setup() {
    EventListener l = switch (listener) {
      case "none" -> EventListener.NONE;
      case "noop" -> new EventListener() {};
      case "counting" -> new Counting();
      default -> throw new IllegalArgumentException(listener);
    };
    app = RpcParallel.builder().settings(BenchWorker.SETTINGS).eventListener(l).build();
    Worker<BenchWorker> w = app.serve(new BenchWorker(), null);
    connection = app.connect(w);
  }

  /** Closes everything. */
  @TearDown(Level.Trial)
  public void tearDown() {
    connection.close();
    app.close();
  }

  /** One blocking call. */
  @Benchmark
  public byte[] call() {
    return connection.call(BenchWorker.ECHO, query);
  }
}
