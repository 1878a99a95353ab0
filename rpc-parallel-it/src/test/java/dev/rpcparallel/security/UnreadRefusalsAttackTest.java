package dev.rpcparallel.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rpcparallel.codec.BinaryWriter;
import dev.rpcparallel.fixtures.RawPeer;
import dev.rpcparallel.internal.protocol.ErrorCode;
import dev.rpcparallel.internal.protocol.FrameType;
import dev.rpcparallel.testing.NoLeaks;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * <b>Attack: calls the worker refuses at once, from a peer that never reads the refusals.</b> A
 * raw peer sends 7-byte CALLs of function #127, which the worker does not have (all with id 1,
 * free again as soon as its call is refused), from a background thread, up to 9.6 million of them
 * (64 MiB), and never reads its socket. The worker's link thread answers each at once with an
 * ERROR frame of ~50 bytes ({@code UNKNOWN_FUNCTION}): such answers never wait for the write
 * buffer, and nothing of a refused call counts in the read buffer.
 *
 * <p>Before the fix the worker kept reading, so the refusals piled up unsent: 5 million calls
 * (35 MB sent) grew its heap after GC by 763 MiB, and its I/O threads died of OutOfMemoryError.
 * Now the worker stops reading its socket while what it has queued for sending is over the
 * write-buffer limit, and resumes once that drains: the peer's sends back up in TCP. Asserted:
 * the sender is held back (a write blocked for a second) before half the flood is sent, the
 * worker's heap after GC grows by less than readBufferLimit + 2 × writeBufferLimit + 64 MiB,
 * another connection handshakes and calls meanwhile, and what the peer then reads are the
 * refusals.
 */
@Timeout(120)
@ExtendWith(NoLeaks.class)
class UnreadRefusalsAttackTest {
  private static final long MIB = SpawnedTarget.MIB;
  /** 7-byte CALL frames per write (64 KiB). */
  private static final int CALLS_PER_CHUNK = (64 * 1024) / 7;
  private static final int CHUNKS = 1024;
  private static final int UNKNOWN = 127;

  @Test
  void callsOfAnUnknownFunctionNeverReadBackUpInTcpNotInTheWorker() throws Exception {
    try (SpawnedTarget t = new SpawnedTarget("unread-refusals", "256m")) {
      long bound = t.worker.settings().readBufferLimit() + 2 * t.worker.settings().writeBufferLimit() + 64 * MIB;
      long heap0 = t.heapAfterGc();
      BinaryWriter w = new BinaryWriter();
      for (int i = 0; i < CALLS_PER_CHUNK; i++) {
        w.writeFixedInt(3).writeByte(FrameType.CALL).writeByte(1).writeByte(UNKNOWN); // id 1, function #127
      }
      byte[] chunk = w.toByteArray();
      long sentChunks;
      long grown;
      try (RawPeer p = t.openRaw()) {
        assertThat(t.menu.entries().size()).as("functions the worker offers").isLessThan(UNKNOWN);
        try (BackgroundSender sender = new BackgroundSender("unknown-function", CHUNKS, i -> p.sendRaw(chunk))) {
          sender.awaitHeldBack(Duration.ofSeconds(60));
          grown = t.heapAfterGc() - heap0;
          sentChunks = sender.sent();
          assertThat(sender.isDone()).as("the sender finished while the peer read nothing").isFalse();
          System.out.printf("unread refusals: sender held back after %d of %d calls (%.1f of %.1f MiB), worker heap after"
                  + " GC +%.1f MiB (bound %d MiB)%n",
              sentChunks * CALLS_PER_CHUNK, (long) CHUNKS * CALLS_PER_CHUNK, sentChunks * chunk.length / (double) MIB,
              CHUNKS * chunk.length / (double) MIB, grown / (double) MIB, bound / MIB);
          assertThat(sentChunks).as("chunks the worker took before it stopped reading").isLessThan(CHUNKS / 2);
          assertThat(grown).as("heap retained while the sender is held back").isLessThan(bound);
          t.assertServesANewConnection();
          assertThat(sender.isDone()).as("the sender finished while the peer read nothing").isFalse();

          // What waited unread are the refusals.
          for (int i = 0; i < 1000; i++) {
            RawPeer.Error e = RawPeer.error(p.readNonHeartbeat());
            assertThat(e.id()).isEqualTo(1);
            assertThat(e.code()).as("refusal %d: %s", i, e.message()).isEqualTo(ErrorCode.UNKNOWN_FUNCTION);
          }
          p.close(); // ends the blocked sender
        }
      }
      t.assertServesANewConnection();
    }
  }
}
