package dev.rpcparallel;

import dev.rpcparallel.testing.NoLeaks;
import static org.assertj.core.api.Assertions.assertThat;

import dev.rpcparallel.fixtures.ChildJvm;
import dev.rpcparallel.fixtures.MemoryWorker;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Flow control end to end: a worker in its own small JVM offers 1 GiB in 1 MiB items to a reader
 * that takes one item per 10 ms. The worker's heap and direct memory stay bounded (an unbounded
 * buffer would exhaust its 160 MiB heap long before), and an rpc on the same connection still
 * answers while the stream is backed up.
 */
@Timeout(180)
@ExtendWith(NoLeaks.class)
class SlowConsumerTest {
  private static final long MIB = 1 << 20;

  @Test
  void slowReaderBoundsWorkerMemoryAndOtherCallsStillFlow() throws Exception {
    try (ChildJvm<MemoryWorker> child = new ChildJvm<>(List.of("-Xmx160m", "-XX:MaxDirectMemorySize=64m"), MemoryWorker.class, 0);
        RpcParallel app = RpcParallel.create();
        Connection<MemoryWorker> c = app.connect(child.worker())) {
      int items = 1024;
      long maxRpcMillis = 0;
      try (StreamReader<byte[]> r = c.open(MemoryWorker.MEGABYTES, items)) {
        for (int i = 0; i < items; i++) {
          byte[] item = r.next();
          assertThat(item).hasSize((int) MIB);
          assertThat(item[0]).isEqualTo((byte) (i == 0 ? 0 : i - 1));
          Thread.sleep(10);
          if (i % 128 == 64) {
            long t0 = System.nanoTime();
            CompletableFuture<List<Long>> peaks = c.callAsync(MemoryWorker.PEAKS);
            peaks.get(10, TimeUnit.SECONDS);
            maxRpcMillis = Math.max(maxRpcMillis, (System.nanoTime() - t0) / 1_000_000);
          }
        }
        assertThat(r.hasNext()).isFalse();
      }
      List<Long> peaks = c.call(MemoryWorker.PEAKS);
      System.out.printf("worker peak heap %d MiB, peak direct %d MiB, slowest rpc during stream %d ms%n",
          peaks.get(0) / MIB, peaks.get(1) / MIB, maxRpcMillis);
      assertThat(peaks.get(0)).as("peak heap").isLessThan(150 * MIB);
      assertThat(peaks.get(1)).as("peak direct memory").isLessThan(48 * MIB);
      assertThat(child.isAlive()).isTrue();
    }
  }
}
