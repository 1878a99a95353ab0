package dev.rpcparallel.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rpcparallel.Connection;
import dev.rpcparallel.RpcParallel;
import dev.rpcparallel.StreamReader;
import dev.rpcparallel.Worker;
import dev.rpcparallel.codec.Codecs;
import dev.rpcparallel.fixtures.Await;
import dev.rpcparallel.fixtures.RawPeer;
import dev.rpcparallel.fixtures.SecurityWorker;
import dev.rpcparallel.internal.protocol.ErrorCode;
import dev.rpcparallel.internal.protocol.FrameType;
import dev.rpcparallel.internal.protocol.Menu;
import dev.rpcparallel.testing.NoLeaks;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * <b>Attacks on stream flow control by an authenticated peer.</b>
 *
 * <ul>
 *   <li><b>Credit inflation:</b> a CREDIT that would take a stream's window above its size (2^31,
 *       or 2^64 − 1, which a signed reader would see as negative) on a pipe that writes as fast as
 *       it may. Unchecked, the producer would stop waiting and queue without bound. The worker
 *       closes the connection ({@code PROTOCOL_ERROR}, "flow control violated: ..."), the pipe's
 *       handler ends, and the worker keeps serving other connections.
 *   <li><b>Never reading:</b> a peer opens as many fast pipes of 64 KiB items as a connection may
 *       ({@code maxOpenStreams}, 128) and never reads its socket. Each stream alone is held to its
 *       window (1 MiB), but 128 windows are 128 MiB: what bounds the worker is the connection's
 *       write-buffer limit ({@code writeBufferLimit}, 8 MiB), after which writers wait and no
 *       further handler starts. Over ~3 s the worker's RSS, and its heap after a full GC, grow by
 *       less than 2 × writeBufferLimit + 64 MiB (64 MiB: an allowance for the JIT, thread stacks and
 *       allocator slack; the worker's heap is fixed and pre-touched, see {@link SpawnedTarget}),
 *       and a new connection handshakes and calls normally during and after the attack.
 * </ul>
 */
@Timeout(120)
@ExtendWith(NoLeaks.class)
class FlowControlAttackTest {
  private static final long MIB = SpawnedTarget.MIB;
  private static final int ITEM = 64 * 1024;

  @ParameterizedTest(name = "credit of {0} (as unsigned)")
  @ValueSource(longs = {1L << 31, -1L})
  void creditBeyondTheWindowOnAFastPipeClosesTheConnection(long credit) throws Exception {
    try (RpcParallel app = RpcParallel.builder().environment(Map.of()).secret(SpawnedTarget.SECRET).build()) {
      Worker<SecurityWorker> w = app.serve(new SecurityWorker(), 0);
      try (Connection<SecurityWorker> monitor = app.connect(w); RawPeer p = new RawPeer(w)) {
        Menu menu = p.open(w, SpawnedTarget.SECRET, SpawnedTarget.UNIT);
        p.sendCall(1, RawPeer.index(menu, SecurityWorker.FLOOD), Codecs.INT.toBytes(ITEM));
        RawPeer.Frame f = p.readNonHeartbeat();
        assertThat(f.type()).as("the pipe is flowing").isEqualTo(FrameType.ITEM);
        p.sendCredit(1, credit);
        assertThat(p.readClose()).isEqualTo(new RawPeer.Close(ErrorCode.PROTOCOL_ERROR,
            "flow control violated: credit of " + Long.toUnsignedString(credit) + " on stream 1 would exceed its window of "
                + w.settings().streamWindow() + " bytes"));
        assertThat(p.readFrame()).as("the socket is closed after CLOSE").isNull();

        Await.until(Duration.ofSeconds(20), "the flood handler to end", () -> monitor.call(SecurityWorker.BUSY_HANDLERS) == 0);
        assertThat(monitor.call(SecurityWorker.BLOB, 10)).hasSize(10);
        try (Connection<SecurityWorker> other = app.connect(w)) {
          assertThat(other.call(SecurityWorker.BLOB, 20)).hasSize(20);
        }
      }
    }
  }

  @Test
  void peerThatNeverReadsItsFastPipesCannotGrowTheWorkersMemory() throws Exception {
    try (SpawnedTarget t = new SpawnedTarget("never-reads", "256m")) {
      long limit = t.worker.settings().writeBufferLimit();
      int streams = t.worker.settings().maxOpenStreams();
      long bound = 2 * limit + 64 * MIB;

      // Warm-up: an honest reader takes 256 MiB, so the paths the attack uses are compiled.
      try (Connection<SecurityWorker> c = t.app.connect(t.worker); StreamReader<byte[]> r = c.open(SecurityWorker.FLOOD, ITEM)) {
        for (int i = 0; i < 4096; i++) {
          assertThat(r.next()).hasSize(ITEM);
        }
      }
      t.awaitNoBusyHandlers();
      long heap0 = t.heapAfterGc();
      long rss0 = t.rss();
      int threads0 = t.threads();

      long heapDuring;
      long maxRss;
      int maxThreads;
      int busy;
      try (RawPeer attacker = t.openRaw(); SpawnedTarget.Sampler s = t.sample()) {
        int flood = t.index(SecurityWorker.FLOOD);
        for (int id = 1; id <= streams; id++) {
          attacker.sendCall(id, flood, Codecs.INT.toBytes(ITEM));
        }
        Thread.sleep(1500);
        t.assertServesANewConnection();
        Thread.sleep(1500);
        heapDuring = t.heapAfterGc();
        busy = t.busyHandlers();
        t.assertServesANewConnection();
        s.close();
        maxRss = s.maxRss();
        maxThreads = s.maxThreads();
      }
      System.out.printf("never-reading peer, %d pipes of %d KiB items: RSS %d -> max %d MiB (+%.1f MiB), heap after GC %.1f -> %.1f MiB"
              + " (+%.1f MiB), threads %d -> max %d, handlers inside the worker %d; bound %d MiB%n",
          streams, ITEM / 1024, rss0 / MIB, maxRss / MIB, (maxRss - rss0) / (double) MIB, heap0 / (double) MIB,
          heapDuring / (double) MIB, (heapDuring - heap0) / (double) MIB, threads0, maxThreads, busy, bound / MIB);
      assertThat(maxRss - rss0).as("RSS growth (bytes)").isLessThan(bound);
      assertThat(heapDuring - heap0).as("heap retained (bytes)").isLessThan(bound);

      t.awaitNoBusyHandlers(); // the attacker's pipes ended with its connection
      t.assertServesANewConnection();
    }
  }
}
