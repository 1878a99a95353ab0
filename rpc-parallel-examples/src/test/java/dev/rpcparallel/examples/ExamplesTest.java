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
    assertThat(out.get(0)).startsWith("spawned Worker{demo-worker, ");
    assertThat(out.subList(1, out.size())).containsExactly(
        "rpc: sum(42) = 861",
        "one-way: sent \"hello from the master\"",
        "pipe: running sums of 0..9 = 0,1,3,6,10,15,21,28,36,45",
        "reverse pipe: total of 0..999 = 499500",
        "state rpc: hello world abcdefghij",
        "worker exited with status 0",
        "done: no worker left running");
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
    assertThat(out).anyMatch(l -> l.startsWith("[WORKER STDERR]: ") && l.contains("shutdown requested"));
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
