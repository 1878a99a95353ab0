package dev.rpcparallel.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rpcparallel.Connection;
import dev.rpcparallel.codec.BinaryWriter;
import dev.rpcparallel.codec.Codecs;
import dev.rpcparallel.fixtures.RawPeer;
import dev.rpcparallel.fixtures.SecurityWorker;
import dev.rpcparallel.internal.protocol.ErrorCode;
import dev.rpcparallel.internal.protocol.FrameType;
import dev.rpcparallel.testing.NoLeaks;
import java.util.BitSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * <b>Attack: many tiny calls for large results, from a peer that never reads them.</b> A raw peer
 * sends 3,000 CALLs of 9 bytes each, each asking for a 256 KiB result (750 MiB of results in
 * all), and does not read its socket for ~3 s. What bounds the worker:
 *
 * <ul>
 *   <li>a connection runs at most {@code maxConcurrentCalls} (256) calls at once: the calls beyond
 *       it are answered at once with {@code ERROR LIMIT_EXCEEDED} ("worker ... runs at most 256
 *       calls at once per connection") and cost nothing more;
 *   <li>a result waits for the connection's write buffer ({@code writeBufferLimit}, 8 MiB)
 *       before it is encoded, and no handler starts while that buffer is full.
 * </ul>
 *
 * So the worker holds at most maxConcurrentCalls results, each possibly encoded once more, plus
 * what the connection buffers: the documented bound on its growth (RSS, and heap after a full GC)
 * is maxConcurrentCalls × 2 × 256 KiB + 2 × writeBufferLimit + 64 MiB (allowance for the JIT,
 * thread stacks and allocator slack) = 208 MiB with the defaults, against 750 MiB (or twice that,
 * encoded) without the limits. A new connection handshakes and calls normally during the attack;
 * once the peer reads, every call has its answer: a 256 KiB OK for each call that was admitted
 * (at least the first 256) and LIMIT_EXCEEDED for every other one.
 */
@Timeout(180)
@ExtendWith(NoLeaks.class)
class UnreadResultsAttackTest {
  private static final long MIB = SpawnedTarget.MIB;
  private static final int CALLS = 3000;
  private static final int RESULT = 256 * 1024;

  @Test
  void thousandsOfCallsForLargeResultsNeverReadCannotExhaustTheWorker() throws Exception {
    try (SpawnedTarget t = new SpawnedTarget("unread-results", "512m")) {
      int maxCalls = t.worker.settings().maxConcurrentCalls();
      long limit = t.worker.settings().writeBufferLimit();
      long bound = (long) maxCalls * 2 * RESULT + 2 * limit + 64 * MIB;

      // Warm-up: an honest caller takes 400 such results, so the paths the attack uses are compiled.
      try (Connection<SecurityWorker> c = t.app.connect(t.worker)) {
        for (int i = 0; i < 400; i++) {
          assertThat(c.call(SecurityWorker.BLOB, RESULT)).hasSize(RESULT);
        }
      }
      t.awaitNoBusyHandlers();
      long heap0 = t.heapAfterGc();
      long rss0 = t.rss();
      int threads0 = t.threads();

      try (RawPeer attacker = t.openRaw()) {
        BinaryWriter calls = new BinaryWriter();
        int blob = t.index(SecurityWorker.BLOB);
        byte[] query = Codecs.INT.toBytes(RESULT);
        for (int id = 1; id <= CALLS; id++) {
          BinaryWriter body = new BinaryWriter().writeByte(FrameType.CALL).writeUnsignedVarLong(id).writeUnsignedVarLong(blob);
          body.writeRaw(query, 0, query.length);
          calls.writeFixedInt(body.size()).writeRaw(body.toByteArray(), 0, body.size());
        }
        long heapDuring;
        long maxRss;
        int maxThreads;
        int busy;
        try (SpawnedTarget.Sampler s = t.sample()) {
          attacker.sendRaw(calls.toByteArray());
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

        // Now the attacker reads: every call has exactly one answer.
        BitSet answered = new BitSet();
        int ok = 0;
        int limited = 0;
        while (answered.cardinality() < CALLS) {
          RawPeer.Frame f = attacker.readNonHeartbeat();
          assertThat(f).as("a frame (not EOF) after %d answers", answered.cardinality()).isNotNull();
          long id;
          if (f.type() == FrameType.OK) {
            id = RawPeer.id(f);
            assertThat(Codecs.BYTES.decode(f.body())).hasSize(RESULT);
            ok++;
          } else {
            RawPeer.Error e = RawPeer.error(f);
            id = e.id();
            assertThat(e.code()).as("error of call %d: %s", id, e.message()).isEqualTo(ErrorCode.LIMIT_EXCEEDED);
            assertThat(e.message()).isEqualTo("worker unread-results runs at most " + maxCalls + " calls at once per connection");
            limited++;
          }
          assertThat(answered.get((int) id)).as("call %d answered twice", id).isFalse();
          answered.set((int) id);
        }
        System.out.printf("%d unread calls for %d KiB results: RSS %d -> max %d MiB (+%.1f MiB), heap after GC %.1f -> %.1f MiB"
                + " (+%.1f MiB), threads %d -> max %d, handlers inside the worker %d; answers: %d OK, %d LIMIT_EXCEEDED;"
                + " bound %d MiB%n",
            CALLS, RESULT / 1024, rss0 / MIB, maxRss / MIB, (maxRss - rss0) / (double) MIB, heap0 / (double) MIB,
            heapDuring / (double) MIB, (heapDuring - heap0) / (double) MIB, threads0, maxThreads, busy, ok, limited,
            bound / MIB);
        assertThat(maxRss - rss0).as("RSS growth (bytes)").isLessThan(bound);
        assertThat(heapDuring - heap0).as("heap retained (bytes)").isLessThan(bound);
        assertThat(ok).as("calls admitted and answered").isGreaterThanOrEqualTo(maxCalls);
        assertThat(limited).as("calls refused with LIMIT_EXCEEDED").isPositive();
        assertThat(answered.nextClearBit(1)).isEqualTo(CALLS + 1);
      }
      t.awaitNoBusyHandlers();
      t.assertServesANewConnection();
    }
  }
}
