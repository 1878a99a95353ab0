package dev.rpcparallel.mapreduce;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rpcparallel.RpcParallel;
import dev.rpcparallel.fixtures.mapreduce.AddParam;
import dev.rpcparallel.fixtures.mapreduce.FindTarget;
import dev.rpcparallel.fixtures.mapreduce.ScaledSum;
import dev.rpcparallel.fixtures.mapreduce.Singletons;
import dev.rpcparallel.fixtures.mapreduce.Tagged;
import dev.rpcparallel.testing.Leaks;
import dev.rpcparallel.testing.NoLeaks;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** The original's Map_reduce suite (reference §3.4, {@code qtest.ml}) with 5 local workers and inputs 0..999. */
@Timeout(120)
@ExtendWith(NoLeaks.class)
class MapReduceReferenceTest {
  private static final PoolConfig FIVE = PoolConfig.builder().localWorkers(5).build();
  private RpcParallel app;

  @BeforeEach
  void start() {
    app = RpcParallel.create();
  }

  @AfterEach
  void stop() {
    app.close();
  }

  private static List<Long> upTo(long n) {
    return LongStream.range(0, n).boxed().toList();
  }

  @Test
  void mapUnorderedGivesEveryIndexOnceWithItsOutput() {
    List<Long> outputs = new ArrayList<>();
    List<Long> indices = new ArrayList<>();
    try (MapStream<Indexed<Long>> out = MapReduce.mapUnordered(app, FIVE, new AddParam(), 1000L, upTo(1000))) {
      out.forEachRemaining(r -> {
        assertThat(r.value()).isEqualTo(r.index() + 1000);
        outputs.add(r.value());
        indices.add(r.index());
      });
    }
    assertThat(outputs).hasSize(1000);
    assertThat(outputs.stream().sorted().toList()).isEqualTo(LongStream.range(1000, 2000).boxed().toList());
    assertThat(indices.stream().sorted().toList()).isEqualTo(upTo(1000));
  }

  @Test
  void mapKeepsInputOrder() {
    try (MapStream<Long> out = MapReduce.map(app, FIVE, new AddParam(), 1000L, upTo(1000))) {
      assertThat(out.stream().toList()).isEqualTo(LongStream.range(1000, 2000).boxed().toList());
    }
  }

  @Test
  void mapReduceCommutativeSumsScaledSums() {
    List<List<Long>> inputs = LongStream.range(0, 1000).mapToObj(m -> upTo(m)).toList();
    assertThat(MapReduce.mapReduceCommutative(app, FIVE, new ScaledSum(), 2L, inputs)).contains(332_334_000L);
  }

  @Test
  void mapReduceRespectsOrder() {
    assertThat(MapReduce.mapReduce(app, FIVE, new Singletons(), null, upTo(1000))).contains(upTo(1000));
  }

  @Test
  void mapReduceOfNothingIsEmpty() {
    assertThat(MapReduce.mapReduce(app, FIVE, new Singletons(), null, List.of())).isEmpty();
    assertThat(MapReduce.mapReduceCommutative(app, FIVE, new ScaledSum(), 2L, List.<List<Long>>of())).isEmpty();
  }

  /** The hit comes back and the rest stops early: only a small part of 100,000 inputs is ever read. */
  @Test
  void findMapStopsTheOtherWorkersEarly() {
    AtomicLong read = new AtomicLong();
    List<Progress> reports = new ArrayList<>();
    PoolConfig config = PoolConfig.builder().localWorkers(5).progress(p -> {
      synchronized (reports) {
        reports.add(p);
      }
    }).build();
    Iterable<Long> inputs = () -> counting(LongStream.range(0, 100_000).iterator(), read);
    assertThat(MapReduce.findMap(app, config, new FindTarget(), 150L, inputs)).contains("found 150");
    assertThat(read.get()).as("inputs read").isLessThan(10_000);
    Progress last;
    synchronized (reports) {
      last = reports.get(reports.size() - 1);
    }
    assertThat(last.finished()).isTrue();
    assertThat(last.done()).as("inputs mapped").isLessThanOrEqualTo(read.get());
  }

  @Test
  void findMapWithoutAHitIsEmpty() {
    assertThat(MapReduce.findMap(app, FIVE, new FindTarget(), -5L, upTo(200))).isEmpty();
  }

  /** Reference {@code close_pipe_map}: read one result, close; nothing fails, and no worker is left. */
  @Test
  void closingTheOutputEarlyEndsTheWork() {
    PoolConfig one = PoolConfig.builder().localWorkers(1).build();
    try (MapStream<Long> out = MapReduce.map(app, one, new AddParam(), 1L, upTo(1_000_000))) {
      assertThat(out.next()).isEqualTo(1L);
      out.close();
      assertThat(out.hasNext()).isFalse();
    }
    assertThat(Leaks.processes()).as("workers left after close").isEmpty();
    try (MapStream<Long> out = MapReduce.map(app, one, new AddParam(), 1L, upTo(1_000_000))) {
      for (long i = 0; i < 5; i++) {
        assertThat(out.next()).isEqualTo(i + 1);
      }
      out.close(); // in the middle of a batch of results already taken off the queue
      assertThat(out.hasNext()).as("hasNext after close").isFalse();
    }
    assertThat(Leaks.processes()).as("workers left after close").isEmpty();
    try (MapStream<Indexed<Long>> out = MapReduce.mapUnordered(app, one, new AddParam(), 1L, upTo(1_000_000))) {
      Indexed<Long> first = out.next();
      assertThat(first.value()).isEqualTo(first.index() + 1);
    }
    assertThat(Leaks.processes()).as("workers left after close").isEmpty();
  }

  /** A function that throws fails the job with the input's index; the stream ends with the error. */
  @Test
  void aFailingInputFailsTheJobNamingItsIndex() {
    List<Long> inputs = new ArrayList<>(upTo(100));
    inputs.set(42, -1L);
    try (MapStream<Tagged.Result> out = MapReduce.map(app, FIVE, new Tagged(), 0L, inputs)) {
      assertThatThrownBy(() -> out.forEachRemaining(r -> {}))
          .isInstanceOfSatisfying(InputFailedException.class, e -> {
            assertThat(e.index()).isEqualTo(42);
            assertThat(e.getCause().remoteClassName()).isEqualTo("java.lang.IllegalStateException");
            assertThat(e.getCause().remoteMessage()).isEqualTo("unlucky");
          })
          .hasMessageStartingWith("the function failed on input 42: java.lang.IllegalStateException: unlucky (in worker pool");
    }
  }

  @Test
  void aFunctionThatWorkersCannotMakeIsRefusedBeforeAnyWorkerStarts() {
    MapFunction<Void, Long, Long> lambdaLike = new MapFunction<>() {
      @Override
      public dev.rpcparallel.codec.Codec<Void> paramCodec() {
        return dev.rpcparallel.codec.Codecs.VOID;
      }

      @Override
      public dev.rpcparallel.codec.Codec<Long> inputCodec() {
        return dev.rpcparallel.codec.Codecs.LONG;
      }

      @Override
      public dev.rpcparallel.codec.Codec<Long> outputCodec() {
        return dev.rpcparallel.codec.Codecs.LONG;
      }

      @Override
      public Long map(Long x) {
        return x;
      }
    };
    assertThatThrownBy(() -> MapReduce.map(app, FIVE, lambdaLike, null, upTo(3)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("is anonymous, local or a lambda")
        .hasMessageContaining("public no-argument constructor");
  }

  private static <T> Iterator<T> counting(Iterator<T> it, AtomicLong read) {
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        return it.hasNext();
      }

      @Override
      public T next() {
        read.incrementAndGet();
        return it.next();
      }
    };
  }
}
