package dev.rpcparallel.mapreduce;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rpcparallel.RpcParallel;
import dev.rpcparallel.RpcParallelException;
import dev.rpcparallel.fixtures.mapreduce.Tagged;
import dev.rpcparallel.testing.NoLeaks;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * kill -9 of one of 3 workers in the middle of a 10,000-input map: with retries (the default) the
 * output is complete and has each input exactly once; with retries off the job fails naming the
 * input and the exit status.
 */
@Timeout(120)
@ExtendWith(NoLeaks.class)
class WorkerDeathTest {
  private static final int N = 10_000;
  private static final long SLEEP_MICROS = 1000;
  private RpcParallel app;

  @BeforeEach
  void start() {
    app = RpcParallel.create();
  }

  @AfterEach
  void stop() {
    app.close();
  }

  private static List<Long> inputs() {
    return LongStream.range(0, N).boxed().toList();
  }

  @Test
  void aKilledWorkersInputsAreRetriedAndEachComesOnceInOrder() {
    List<Progress> reports = new CopyOnWriteArrayList<>();
    PoolConfig config = PoolConfig.builder().localWorkers(3).progress(reports::add).build();
    List<Tagged.Result> results = new ArrayList<>();
    long killed = -1;
    try (MapStream<Tagged.Result> out = MapReduce.map(app, config, new Tagged(), SLEEP_MICROS, inputs())) {
      while (out.hasNext()) {
        results.add(out.next());
        if (results.size() == 2000) {
          killed = results.get(1999).pid();
          assertThat(ProcessHandle.of(killed).orElseThrow().destroyForcibly()).isTrue();
        }
      }
    }
    assertThat(results).hasSize(N);
    for (int i = 0; i < N; i++) {
      assertThat(results.get(i).input()).as("output %d", i).isEqualTo(i);
    }
    long victim = killed;
    Set<Long> pidsAfter = new HashSet<>();
    results.subList(2500, N).forEach(r -> pidsAfter.add(r.pid()));
    assertThat(pidsAfter).as("the killed worker mapped nothing more").doesNotContain(victim);
    assertThat(pidsAfter).as("workers after the kill, with the replacement").hasSizeGreaterThanOrEqualTo(2);
    Progress last = reports.get(reports.size() - 1);
    assertThat(last.finished()).isTrue();
    assertThat(last.done()).isEqualTo(N);
    assertThat(last.failures()).as("inputs retried").isPositive();
  }

  @Test
  void unorderedOutputAlsoHasEachIndexOnce() {
    BitSet seen = new BitSet(N);
    int count = 0;
    try (MapStream<Indexed<Tagged.Result>> out = MapReduce.mapUnordered(app, PoolConfig.builder().localWorkers(3).build(),
        new Tagged(), SLEEP_MICROS, inputs())) {
      while (out.hasNext()) {
        Indexed<Tagged.Result> r = out.next();
        assertThat(r.value().input()).isEqualTo(r.index());
        assertThat(seen.get((int) r.index())).as("index %d seen before", r.index()).isFalse();
        seen.set((int) r.index());
        if (++count == 2000) {
          ProcessHandle.of(r.value().pid()).orElseThrow().destroyForcibly();
        }
      }
    }
    assertThat(seen.cardinality()).isEqualTo(N);
  }

  @Test
  void withRetriesOffTheJobFailsNamingTheInputAndTheExitStatus() {
    PoolConfig config = PoolConfig.builder().localWorkers(3).retries(0).build();
    try (MapStream<Tagged.Result> out = MapReduce.map(app, config, new Tagged(), SLEEP_MICROS, inputs())) {
      int read = 0;
      while (read < 2000) {
        out.next();
        read++;
      }
      long victim = out.next().pid();
      ProcessHandle.of(victim).orElseThrow().destroyForcibly();
      assertThatThrownBy(() -> out.forEachRemaining(r -> {}))
          .isInstanceOf(RpcParallelException.class)
          .satisfies(e -> assertThat(((RpcParallelException) e).kind()).isEqualTo(RpcParallelException.Kind.WORKER_FAILED))
          .hasMessageMatching("input \\d+ was in flight on a worker that died, and retries are off: worker pool\\d+-0-\\d+ was lost \\(.*exit status 137\\)");
    }
  }
}
