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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * <b>Attack: one thread per call.</b> A raw peer starts 2,000 reverse pipes whose handlers block
 * until the peer sends updates, which it never does. On JDK 17 handlers run on platform threads
 * (the default pool adds a thread whenever all are busy), so unlimited, this would park 2,000
 * threads in the worker per connection. A connection may keep at most {@code maxOpenStreams}
 * (128) streams open: the worker admits the first 128 calls and answers each of the other 1,872
 * at once with {@code ERROR LIMIT_EXCEEDED} ("worker ... keeps at most 128 streams open per
 * connection"). The worker's thread count (from /proc) grows by less than maxOpenStreams + 32
 * (the constant: pool core threads, the watching connections' handlers, JIT compiler threads);
 * the admitted calls still complete once the peer sends their updates, and the worker serves
 * other connections throughout.
 */
@Timeout(120)
@ExtendWith(NoLeaks.class)
class StreamLimitAttackTest {
  private static final int CALLS = 2000;

  @Test
  void twoThousandBlockingReversePipesAreLimitedPerConnection() throws Exception {
    try (SpawnedTarget t = new SpawnedTarget("stream-limit", "128m")) {
      int maxStreams = t.worker.settings().maxOpenStreams();
      int threads0 = t.threads();
      int maxThreads;
      try (RawPeer p = t.openRaw(); SpawnedTarget.Sampler s = t.sample()) {
        int sink = t.index(SecurityWorker.SINK);
        BinaryWriter calls = new BinaryWriter();
        for (int id = 1; id <= CALLS; id++) {
          BinaryWriter body = new BinaryWriter().writeByte(FrameType.CALL).writeUnsignedVarLong(id).writeUnsignedVarLong(sink);
          body.writeRaw(SpawnedTarget.UNIT, 0, SpawnedTarget.UNIT.length);
          calls.writeFixedInt(body.size()).writeRaw(body.toByteArray(), 0, body.size());
        }
        p.sendRaw(calls.toByteArray());

        BitSet refused = new BitSet();
        while (refused.cardinality() < CALLS - maxStreams) {
          RawPeer.Frame f = p.readNonHeartbeat();
          assertThat(f).as("a frame (not EOF) after %d refusals", refused.cardinality()).isNotNull();
          RawPeer.Error e = RawPeer.error(f);
          assertThat(e.code()).as("error of call %d: %s", e.id(), e.message()).isEqualTo(ErrorCode.LIMIT_EXCEEDED);
          assertThat(e.message()).isEqualTo("worker stream-limit keeps at most " + maxStreams + " streams open per connection");
          refused.set((int) e.id());
        }
        assertThat(refused.nextSetBit(0)).as("first refused call").isEqualTo(maxStreams + 1);
        assertThat(refused.nextClearBit(maxStreams + 1)).as("first call after the refused ones").isEqualTo(CALLS + 1);
        Await.until(Duration.ofSeconds(20), maxStreams + " handlers waiting for updates", () -> t.busyHandlers() == maxStreams);
        t.assertServesANewConnection();

        // The admitted calls are real: one update and END each, and each answers 1.
        for (int id = 1; id <= maxStreams; id++) {
          BinaryWriter item = new BinaryWriter().writeUnsignedVarLong(id);
          byte[] update = Codecs.INT.toBytes(id);
          item.writeRaw(update, 0, update.length);
          p.sendFrame(FrameType.ITEM, item.toByteArray());
          p.sendEnd(id);
        }
        BitSet answered = new BitSet();
        while (answered.cardinality() < maxStreams) {
          RawPeer.Frame f = p.readNonHeartbeat();
          assertThat(f).isNotNull();
          assertThat(f.type()).as("answer frame").isEqualTo(FrameType.OK);
          answered.set((int) RawPeer.id(f));
          assertThat(Codecs.LONG.decode(f.body())).isEqualTo(1L);
        }
        assertThat(answered.nextClearBit(1)).isEqualTo(maxStreams + 1);
        s.close();
        maxThreads = s.maxThreads();
      }
      System.out.printf("%d blocking reverse pipes on one connection: worker threads %d before, max %d during (limit %d streams)%n",
          CALLS, threads0, maxThreads, maxStreams);
      assertThat(maxThreads - threads0).as("threads added").isLessThan(maxStreams + 32);
      t.awaitNoBusyHandlers();
      t.assertServesANewConnection();
    }
  }
}
