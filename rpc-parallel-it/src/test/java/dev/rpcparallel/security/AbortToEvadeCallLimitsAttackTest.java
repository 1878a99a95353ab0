package dev.rpcparallel.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rpcparallel.codec.BinaryWriter;
import dev.rpcparallel.codec.Codecs;
import dev.rpcparallel.fixtures.Await;
import dev.rpcparallel.fixtures.RawPeer;
import dev.rpcparallel.fixtures.SecurityWorker;
import dev.rpcparallel.internal.protocol.ErrorCode;
import dev.rpcparallel.internal.protocol.FrameType;
import dev.rpcparallel.testing.NoLeaks;
import java.time.Duration;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * <b>Attack: ABORT right after CALL, to get around the per-connection limits.</b> A raw peer
 * sends 1,000 pairs of (CALL of a pipe whose handler works a while before its first item, ABORT
 * of it) on one connection, and reads what comes back. Before the fix, ABORT ended the call and
 * freed its call and stream slots although its handler was still queued or running, so all 1,000
 * were admitted: 1,000 handlers ran at once despite maxConcurrentCalls = 256 and maxOpenStreams =
 * 128 (on JDK 17, 1,000 platform threads in the handler executor, whose 4,096 a few such
 * connections exhaust).
 *
 * <p>Now a call keeps its slots until its handler returns: here the handlers wait at a gate, so
 * the first maxOpenStreams calls are admitted and each of the other 872 is answered at once with
 * {@code ERROR LIMIT_EXCEEDED} ("worker ... keeps at most 128 streams open per connection").
 * Asserted: no sample of the handlers inside the worker exceeds maxOpenStreams (itself below
 * maxConcurrentCalls), calls 129..1000 are exactly the refused ones, the worker's thread count
 * grows by less than maxOpenStreams + 32, and once the handlers returned their slots are free
 * again: the same ids open maxOpenStreams pipes that run to their end.
 */
@Timeout(120)
@ExtendWith(NoLeaks.class)
class AbortToEvadeCallLimitsAttackTest {
  private static final int PAIRS = 1000;

  @Test
  void abortingCallsWhoseHandlersStillRunFreesNoSlot() throws Exception {
    try (SpawnedTarget t = new SpawnedTarget("abort-call-limits", "256m")) {
      int maxStreams = t.worker.settings().maxOpenStreams();
      int maxCalls = t.worker.settings().maxConcurrentCalls();
      assertThat(maxStreams).isLessThanOrEqualTo(maxCalls);
      int threads0 = t.threads();
      BitSet refused = new BitSet();
      BitSet ended = new BitSet();
      List<String> unexpected = new CopyOnWriteArrayList<>();
      AtomicInteger refusedCount = new AtomicInteger();
      String limitMessage = "worker abort-call-limits keeps at most " + maxStreams + " streams open per connection";
      int maxBusy = 0;
      int maxThreads;
      RawPeer p = t.openRaw();
      try (SpawnedTarget.Sampler s = t.sample();
          PeerReader r = new PeerReader(p, f -> {
            if (f.type() == FrameType.ERROR) {
              RawPeer.Error e = RawPeer.error(f);
              if (e.code() == ErrorCode.LIMIT_EXCEEDED && limitMessage.equals(e.message())) {
                synchronized (refused) {
                  refused.set((int) e.id());
                }
                refusedCount.incrementAndGet();
              } else {
                unexpected.add("ERROR " + e);
              }
            } else if (f.type() == FrameType.END) {
              synchronized (ended) {
                ended.set((int) RawPeer.id(f));
              }
            } else if (f.type() != FrameType.ITEM) {
              unexpected.add(FrameType.name(f.type()));
            }
          })) {
        int gated = t.index(SecurityWorker.GATED_PIPE);
        BinaryWriter all = new BinaryWriter();
        for (int id = 1; id <= PAIRS; id++) {
          BinaryWriter call = new BinaryWriter().writeUnsignedVarLong(id).writeUnsignedVarLong(gated);
          byte[] q = Codecs.INT.toBytes(id);
          call.writeRaw(q, 0, q.length);
          RawPeer.appendFrame(all, FrameType.CALL, call);
          RawPeer.appendFrame(all, FrameType.ABORT, new BinaryWriter().writeUnsignedVarLong(id));
        }
        p.sendRaw(all.toByteArray());

        int[] max = {0};
        Await.until(Duration.ofSeconds(30), (PAIRS - maxStreams) + " refusals and " + maxStreams + " handlers at the gate",
            () -> {
              int busy = t.busyHandlers();
              max[0] = Math.max(max[0], busy);
              return busy > maxStreams || (refusedCount.get() == PAIRS - maxStreams && busy == maxStreams);
            });
        for (int i = 0; i < 20; i++) { // a few more samples: nothing else is admitted meanwhile
          max[0] = Math.max(max[0], t.busyHandlers());
        }
        maxBusy = max[0];
        assertThat(maxBusy).as("handlers inside the worker at once (maxOpenStreams %d)", maxStreams).isLessThanOrEqualTo(maxStreams);
        synchronized (refused) {
          assertThat(refused.cardinality()).as("calls refused").isEqualTo(PAIRS - maxStreams);
          assertThat(refused.nextSetBit(0)).as("first refused call").isEqualTo(maxStreams + 1);
          assertThat(refused.nextClearBit(maxStreams + 1)).as("first call after the refused ones").isEqualTo(PAIRS + 1);
        }
        assertThat(unexpected).as("other frames").isEmpty();
        t.assertServesANewConnection();

        // The handlers return; their slots (and ids) are free again: the same ids run to their end.
        t.monitor.call(SecurityWorker.OPEN_GATE);
        t.awaitNoBusyHandlers();
        for (int id = 1; id <= maxStreams; id++) {
          p.sendCall(id, gated, Codecs.INT.toBytes(id));
        }
        Await.until(Duration.ofSeconds(20), maxStreams + " pipes to end", () -> {
          synchronized (ended) {
            return ended.cardinality() == maxStreams;
          }
        });
        assertThat(refusedCount.get()).as("refusals after the handlers returned").isEqualTo(PAIRS - maxStreams);
        assertThat(unexpected).as("other frames").isEmpty();
        assertThat(r.ended()).as("the connection ended").isFalse();
        s.close();
        maxThreads = s.maxThreads();
      }
      System.out.printf("%d (CALL, ABORT) pairs of a pipe waiting at a gate: max %d handlers inside the worker at once"
              + " (maxOpenStreams %d, maxConcurrentCalls %d), %d refused LIMIT_EXCEEDED; worker threads %d before, max %d%n",
          PAIRS, maxBusy, maxStreams, maxCalls, refusedCount.get(), threads0, maxThreads);
      assertThat(maxThreads - threads0).as("threads added").isLessThan(maxStreams + 32);
      t.awaitNoBusyHandlers();
      t.assertServesANewConnection();
    }
  }
}
