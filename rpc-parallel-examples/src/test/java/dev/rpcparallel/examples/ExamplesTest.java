package dev.rpcparallel.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Runs every example (with real worker JVMs, except {@link Serve}) and checks its output, as the
 * original's {@code test-examples.t} does; after each, no child process may remain.
 */
@Timeout(90)
class ExamplesTest {
  private final List<String> out = Collections.synchronizedList(new ArrayList<>());

  /** Like the original harness: allow 5 s for workers to go, then fail if any is left. */
  @AfterEach
  void noWorkerLeft() throws InterruptedException {
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (ProcessHandle.current().descendants().findAny().isPresent() && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    assertThat(ProcessHandle.current().descendants().map(ExamplesTest::describe)).isEmpty();
  }

  private static String describe(ProcessHandle p) {
    return p.pid() + " " + p.info().commandLine().orElse("?");
  }

  @Test
  void demo() {
    assertThat(Demo.run(out::add)).isTrue();
    assertThat(out.get(0)).isEqualTo("number stats on " + Runtime.getRuntime().availableProcessors() + " cores:");
    assertThat(out.get(1)).isEqualTo("Samples: 5000000");
    assertThat(out.get(2)).matches("Mean: 0\\.(49[6-9]|50[0-4])\\d*");
    assertThat(out.get(3)).matches("Variance: 0\\.08[2-4]\\d*");
    assertThat(out.get(4)).startsWith("spawned Worker{demo-worker, ");
    assertThat(out.subList(5, out.size())).containsExactly(
        "rpc: sum(42) = 861",
        "one-way: sent \"hello from the master\"",
        "pipe: running sums of 0..9 = 0,1,3,6,10,15,21,28,36,45",
        "reverse pipe: total of 0..999 = 499500",
        "state rpc: hello world abcdefghij",
        "worker exited with status 0",
        "done: no worker left running");
  }

  /** add_numbers: ordered, 10 lines "i: 4950" in order; unordered, each index with its own job. */
  @Test
  void addNumbers() {
    AddNumbers.run(100, 10, 4, true, out::add);
    assertThat(out).containsExactlyElementsOf(IntStream.range(0, 10).mapToObj(i -> i + ": 4950").collect(Collectors.toList()));
    out.clear();
    AddNumbers.run(100, 10, 4, false, out::add);
    assertThat(out).containsExactlyInAnyOrderElementsOf(IntStream.range(0, 10).mapToObj(i -> i + ":" + i + ": 4950").collect(Collectors.toList()));
  }

  /** side_arg: 100 lines, each with the broadcast message, at most one random prefix per worker (4). */
  @Test
  void sideArg() {
    SideArg.run(100, 4, "Message from the master", out::add);
    assertThat(out).hasSize(100);
    java.util.Set<String> prefixes = new java.util.HashSet<>();
    for (int i = 0; i < 100; i++) {
      assertThat(out.get(i)).matches(i + ": \\[\\d+\\] Message from the master");
      prefixes.add(out.get(i).substring(out.get(i).indexOf('['), out.get(i).indexOf(']') + 1));
    }
    assertThat(prefixes).hasSizeBetween(1, 4);
  }

  /** number_stats: 5,000,000 uniform samples in [0, 1): mean 1/2, variance 1/12; ordered or not, the same. */
  @Test
  void numberStats() {
    NumberStats.Stats ordered = NumberStats.run(100, true, 2, p -> {}, out::add);
    assertThat(out).containsExactly("Samples: 5000000",
        String.format(java.util.Locale.ROOT, "Mean: %.6f", ordered.mean()),
        String.format(java.util.Locale.ROOT, "Variance: %.6f", ordered.variance()));
    assertThat(ordered.mean()).isBetween(0.499, 0.501);
    assertThat(ordered.variance()).isBetween(0.0830, 0.0837);
    NumberStats.Stats commutative = NumberStats.run(10, false, 2, p -> {}, s -> {});
    assertThat(commutative.count()).isEqualTo(500_000);
    assertThat(commutative.mean()).isBetween(0.49, 0.51);
  }

  @Test
  void sumAndProduct() {
    SumAndProduct.run(out::add);
    assertThat(out).containsExactly("sum: 45", "product: 3628800");
  }

  @Test
  void streamWorkers() {
    StreamWorkers.run(10, 4, out::add);
    assertThat(out).containsExactly("Ok.");
  }

  @Test
  void workerAsValue() {
    WorkerAsValue.run(out::add);
    assertThat(out).hasSize(20);
    assertThat(out.stream().filter(l -> l.startsWith("worker pinged from dispatcher: "))).hasSize(10);
    assertThat(out.stream().filter(l -> l.startsWith("worker pinged from master: "))).hasSize(10);
    List<Integer> counts = out.stream()
        .map(l -> Integer.parseInt(l.substring(l.lastIndexOf(' ') + 1)))
        .collect(Collectors.toList());
    assertThat(counts).containsExactlyInAnyOrderElementsOf(IntStream.rangeClosed(1, 20).boxed().collect(Collectors.toList()));
  }

  @Test
  void spawnInForeground() throws InterruptedException {
    SpawnInForeground.run(out::add);
    assertThat(out).containsSubsequence("[WORKER STDOUT]: HELLO", "[WORKER STDOUT]: HELLO2");
    assertThat(out.stream().filter(l -> l.startsWith("[WORKER STDOUT]: "))).hasSize(2);
    assertThat(out).noneMatch(l -> l.startsWith("[WORKER STDERR]: ")); // an orderly exit is silent
    assertThat(out).last().isEqualTo("worker exited with status 0");
  }

  @Test
  void workersAsMasters() {
    WorkersAsMasters.run(2, 2, out::add);
    assertThat(out).containsExactly(
        "Primary worker #0: Secondary worker #0: pong",
        "Primary worker #0: Secondary worker #1: pong",
        "Primary worker #1: Secondary worker #0: pong",
        "Primary worker #1: Secondary worker #1: pong");
  }

  @Test
  void serve() {
    Serve.run(out::add);
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      expected.add("server " + i + ": conn1 " + (i + 1) + ", conn2 " + (i + 2) + ", new connection refused, conn1 " + (i + 3));
    }
    expected.add("Success.");
    assertThat(out).containsExactlyElementsOf(expected);
  }

  @Test
  void reversePipe() {
    ReversePipeExample.run(out::add);
    List<String> expected = IntStream.range(0, 10)
        .mapToObj(i -> "shard " + i + ": 100 elements, first: worker " + i + " got " + i + ":" + (990 + i))
        .collect(Collectors.toList());
    assertThat(out).containsExactlyElementsOf(expected);
  }

  @Test
  void stateRpc() {
    StateRpcExample.run(10, out::add);
    assertThat(out).containsExactly("hello world abcdefghij");
  }
}
