package dev.rpcparallel.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rpcparallel.codec.BinaryWriter;
import dev.rpcparallel.codec.Codecs;
import dev.rpcparallel.fixtures.Await;
import dev.rpcparallel.fixtures.RawPeer;
import dev.rpcparallel.fixtures.SecurityWorker;
import dev.rpcparallel.internal.protocol.FrameType;
import dev.rpcparallel.testing.NoLeaks;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * <b>Attack: sending a reverse pipe's updates without waiting for credit</b>, to handlers that
 * consume them slowly (here: 20 calls of a legitimate function that reads its updates only
 * later). An honest client has at most one stream window (1 MiB) plus one item in flight per
 * stream; a raw peer sends 1 MiB updates regardless. Per stream, the worker only objects past 2 ×
 * streamWindow + maxMessageSize unacknowledged bytes; what bounds the whole connection is the
 * read-buffer limit (16 MiB by default): past it the worker stops reading the socket, so the
 * peer's sends back up in TCP instead of in the worker's heap. Once the handlers read, reading
 * resumes and every update arrives.
 *
 * <p>Before the read-buffer limit, the worker's heap after GC grew by ~100 MiB per 100 MiB sent,
 * until a 256 MiB worker failed with OutOfMemoryError.
 */
@Timeout(180)
@ExtendWith(NoLeaks.class)
class UncreditedUpdatesAttackTest {
  private static final long MIB = SpawnedTarget.MIB;
  private static final int STREAMS = 20;
  private static final int ROUNDS = 40;

  @Test
  void updatesSentWithoutCreditToSlowHandlersBackUpInTcpNotInTheWorker() throws Exception {
    try (SpawnedTarget t = new SpawnedTarget("uncredited-updates", "256m")) {
      long bound = t.worker.settings().readBufferLimit() + 2 * t.worker.settings().writeBufferLimit() + 64 * MIB;
      long heap0 = t.heapAfterGc();
      try (RawPeer p = t.openRaw()) {
        int hoard = t.index(SecurityWorker.HOARD);
        for (int id = 1; id <= STREAMS; id++) {
          p.sendCall(id, hoard, SpawnedTarget.UNIT);
        }
        Await.until(Duration.ofSeconds(20), STREAMS + " hoarding handlers", () -> t.busyHandlers() == STREAMS);
        byte[] update = Codecs.BYTES.toBytes(new byte[1 << 20]);
        AtomicLong sentMib = new AtomicLong();
        CompletableFuture<Void> sender = CompletableFuture.runAsync(() -> {
          try {
            for (int round = 1; round <= ROUNDS; round++) {
              for (int id = 1; id <= STREAMS; id++) {
                BinaryWriter item = new BinaryWriter().writeUnsignedVarLong(id);
                item.writeRaw(update, 0, update.length);
                p.sendFrame(FrameType.ITEM, item.toByteArray());
                sentMib.incrementAndGet();
              }
            }
            for (int id = 1; id <= STREAMS; id++) {
              p.sendFrame(FrameType.END, new BinaryWriter().writeUnsignedVarLong(id).toByteArray());
            }
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        });
        long[] last = {-1};
        Await.until(Duration.ofSeconds(60), "the sender to be held back by TCP", () -> {
          long now = sentMib.get();
          boolean stalled = now == last[0] && now > 0;
          last[0] = now;
          if (!stalled) {
            try {
              sender.get(300, java.util.concurrent.TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
              return false; // still sending, or blocked: look again
            } catch (Exception e) {
              throw new AssertionError(e);
            }
          }
          return true;
        });
        assertThat(sender).as("the sender, while the handlers hoard").isNotDone();
        long grown = t.heapAfterGc() - heap0;
        System.out.printf("uncredited updates: sender held back after %d of %d MiB, worker heap after GC +%.1f MiB%n",
            sentMib.get(), (long) ROUNDS * STREAMS, grown / (double) MIB);
        assertThat(sentMib.get()).as("MiB the worker took before it stopped reading").isLessThan((long) ROUNDS * STREAMS);
        assertThat(grown).as("heap retained while the sender is held back").isLessThan(bound);

        t.monitor.call(SecurityWorker.RELEASE_HOARDS);
        sender.get(120, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(sentMib.get()).as("every update was taken once the handlers read").isEqualTo((long) ROUNDS * STREAMS);
        int results = 0;
        while (results < STREAMS) {
          RawPeer.Frame f = p.readNonHeartbeat();
          assertThat(f).as("a frame from the worker").isNotNull();
          assertThat((int) f.type()).as("frame type").isIn((int) FrameType.OK, (int) FrameType.CREDIT);
          if (f.type() == FrameType.OK) {
            f.body().readUnsignedVarLong();
            assertThat(Codecs.LONG.decode(f.body())).as("bytes a hoarding handler read").isEqualTo((long) ROUNDS * (1 << 20));
            results++;
          }
        }
      }
      t.awaitNoBusyHandlers();
      t.assertServesANewConnection();
    }
  }
}
