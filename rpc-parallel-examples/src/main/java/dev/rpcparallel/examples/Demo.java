package dev.rpcparallel.examples;

import dev.rpcparallel.Connection;
import dev.rpcparallel.RpcParallel;
import dev.rpcparallel.SpawnOptions;
import dev.rpcparallel.StateStream;
import dev.rpcparallel.StreamReader;
import dev.rpcparallel.Worker;
import dev.rpcparallel.mapreduce.ConsoleProgressBar;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.LongStream;

/**
 * The README's demo, in two parts. First a real job: {@link NumberStats} over 100 blocks of
 * 50,000 generated numbers on all cores (two pools, one per stage, running at once), with a
 * progress bar on stderr when it is a terminal. Then a tour: it spawns a worker JVM named {@code
 * demo-worker} running {@link SumWorker}, connects to it over authenticated TCP, calls one function
 * of every kind and shuts the worker down. At the end it checks that no child process is left.
 *
 * <p>Prints (the worker's own output arrives forwarded, prefixed {@code [WORKER demo-worker
 * STDOUT]} or {@code [WORKER demo-worker STDERR]}, interleaved with these lines):
 *
 * <pre>
 * number stats on N cores:
 * Samples: 5000000
 * Mean: 0.50...
 * Variance: 0.083...
 * spawned Worker{demo-worker, id=..., 127.0.0.1:..., dev.rpcparallel.examples.SumWorker}
 * rpc: sum(42) = 861
 * one-way: sent "hello from the master"
 * pipe: running sums of 0..9 = 0,1,3,6,10,15,21,28,36,45
 * reverse pipe: total of 0..999 = 499500
 * state rpc: hello world abcdefghij
 * worker exited with status 0
 * done: no worker left running
 * </pre>
 *
 * Exits with status 1 if a child process is still running at the end.
 */
public final class Demo {
  private Demo() {}

  /** Runs the demo; returns whether no descendant process is left. */
  public static boolean run(Consumer<String> out) {
    int cores = Runtime.getRuntime().availableProcessors();
    out.accept("number stats on " + cores + " cores:");
    NumberStats.run(100, true, cores, ConsoleProgressBar.auto(), out);
    try (RpcParallel app = RpcParallel.create()) {
      Worker<SumWorker> worker =
          app.spawn(new SumWorker(), "hello world ", SpawnOptions.builder().name("demo-worker").build());
      out.accept("spawned " + worker);
      try (Connection<SumWorker> c = app.connect(worker)) {
        out.accept("rpc: sum(42) = " + c.call(SumWorker.SUM, 42));
        c.sendAsync(SumWorker.SAY, "hello from the master").join();
        out.accept("one-way: sent \"hello from the master\"");
        try (StreamReader<Long> sums = c.open(SumWorker.RUNNING_SUMS, 10)) {
          List<String> got = sums.stream().map(String::valueOf).collect(Collectors.toList());
          out.accept("pipe: running sums of 0..9 = " + String.join(",", got));
        }
        out.accept("reverse pipe: " + c.callReverse(SumWorker.TOTAL, "total of 0..999 = ",
            LongStream.range(0, 1000).boxed().iterator()));
        try (StateStream<String, Character> s = c.openState(SumWorker.SPELL, 10)) {
          StringBuilder sb = new StringBuilder(s.state());
          s.updates().forEachRemaining(sb::append);
          out.accept("state rpc: " + sb);
        }
      }
      app.shutdown(worker).join();
      out.accept("worker exited with status " + app.onExit(worker).join());
    }
    List<ProcessHandle> left = ProcessHandle.current().descendants().collect(Collectors.toList());
    if (!left.isEmpty()) {
      out.accept("error: processes left running: " + left);
      return false;
    }
    out.accept("done: no worker left running");
    return true;
  }

  public static void main(String[] args) {
    if (!run(System.out::println)) {
      System.exit(1);
    }
  }
}
