package dev.rpcparallel.examples;

import dev.rpcparallel.Connection;
import dev.rpcparallel.RpcParallel;
import dev.rpcparallel.StateStream;
import dev.rpcparallel.StreamReader;
import dev.rpcparallel.Worker;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.LongStream;

/**
 * The README's demo: hosts a worker, connects over TCP (authenticated), and calls one function
 * of every kind, printing what happened.
 */
public final class Demo {
  private Demo() {}

  public static void main(String[] args) {
    try (RpcParallel app = RpcParallel.create()) {
      Worker worker = app.serve(new SumWorker(), "hello world ");
      System.out.println("served " + worker);
      try (Connection c = app.connect(worker)) {
        System.out.println("sum(42) = " + c.call(SumWorker.SUM, 42));
        try (StreamReader<Long> sums = c.open(SumWorker.RUNNING_SUMS, 10)) {
          List<String> got = sums.stream().map(String::valueOf).collect(Collectors.toList());
          System.out.println("running sums of 0..9: " + String.join(",", got));
        }
        String total = c.callReverse(SumWorker.TOTAL, "total of 0..999: ", LongStream.range(0, 1000).boxed().iterator());
        System.out.println(total);
        try (StateStream<String, Character> s = c.openState(SumWorker.SPELL, 10)) {
          StringBuilder sb = new StringBuilder(s.state());
          s.updates().forEachRemaining(sb::append);
          System.out.println("state then updates: " + sb);
        }
        System.out.println("worker settings: " + c.workerSettings());
      }
    }
    System.out.println("done: every connection and worker closed");
  }
}
