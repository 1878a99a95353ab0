package dev.rpcparallel.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rpcparallel.codec.BinaryWriter;
import dev.rpcparallel.codec.Codecs;
import dev.rpcparallel.fixtures.Await;
import dev.rpcparallel.fixtures.RawPeer;
import dev.rpcparallel.fixtures.SecurityWorker;
import dev.rpcparallel.internal.protocol.FrameType;
import dev.rpcparallel.testing.NoLeaks;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * <b>Attack: a backlog of tiny messages behind a slow handler.</b> The read-buffer limit
 * (readBufferLimit, 16 MiB) bounds what a connection holds received and not yet taken; a raw peer
 * makes each held message as small as the protocol allows (~6-byte bodies, ~10 bytes on the
 * wire), so that what holding one costs the worker (a frame array, a queued task or item, ~130-200
 * bytes of heap) dwarfs what it counted. Two forms, each sending 2 million messages (~20 MB) from
 * a background thread:
 *
 * <ul>
 *   <li>one-way messages queued behind a one-way handler that blocks (one-way messages are
 *       handled one at a time, in order): before the fix 6 million of them took +1,150 MiB of
 *       heap (~200 bytes each) before reading paused at "16 MiB";
 *   <li>updates sent without waiting for credit to a reverse pipe whose handler does not read
 *       them yet: before the fix tiny updates took +373 MiB before reading paused.
 * </ul>
 *
 * <p>Now every held message counts {@code Session.MESSAGE_OVERHEAD} (128) bytes besides its
 * body, so the worker stops reading after ~125,000 of them and the rest backs up in TCP.
 * Asserted, for each form: the sender is held back (a write blocked for a second) before half of
 * the messages are sent, the worker's heap after GC grows by less than readBufferLimit + 2 ×
 * writeBufferLimit + 64 MiB, another connection works meanwhile, and once the handler goes on,
 * every message is taken, in the order sent.
 */
@Timeout(180)
@ExtendWith(NoLeaks.class)
class TinyMessageBacklogAttackTest {
  private static final long MIB = SpawnedTarget.MIB;
  /** Messages per write: at most 10 bytes each, so under 64 KiB. */
  private static final int PER_CHUNK = 6500;
  private static final int CHUNKS = 320;
  private static final long MESSAGES = (long) PER_CHUNK * CHUNKS;

  @Test
  void oneWayMessagesBehindABlockedOneWayBackUpInTcpNotInTheWorker() throws Exception {
    try (SpawnedTarget t = new SpawnedTarget("one-way-backlog", "256m")) {
      long bound = bound(t);
      long heap0 = t.heapAfterGc();
      try (RawPeer p = t.openRaw()) {
        int note = t.index(SecurityWorker.NOTE);
        p.sendOneWay(note, Codecs.INT.toBytes(0)); // waits at the gate; the others queue behind it
        Await.until(Duration.ofSeconds(20), "note 0 at the gate", () -> t.busyHandlers() == 1);
        try (BackgroundSender sender = new BackgroundSender("notes", CHUNKS, i -> {
          BinaryWriter w = new BinaryWriter();
          for (long n = 1 + i * PER_CHUNK; n <= (i + 1) * PER_CHUNK; n++) {
            RawPeer.appendFrame(w, FrameType.ONE_WAY, new BinaryWriter().writeUnsignedVarLong(note).writeVarInt((int) n));
          }
          p.sendRaw(w.toByteArray());
        })) {
          long sent = heldBack(t, sender, heap0, bound, "one-way messages behind a blocked one-way");

          t.monitor.call(SecurityWorker.OPEN_GATE);
          sender.awaitDone(Duration.ofSeconds(120));
          long[] notes = {0, 0};
          Await.until(Duration.ofSeconds(120), "every note handled", () -> {
            notes[0] = t.monitor.call(SecurityWorker.NOTES)[0];
            return notes[0] >= MESSAGES + 1;
          });
          long[] last = t.monitor.call(SecurityWorker.NOTES);
          System.out.printf("one-way backlog: after the release, %d notes handled (%d sent while held back), %d out of order%n",
              last[0], sent, last[1]);
          assertThat(last[0]).as("notes handled").isEqualTo(MESSAGES + 1);
          assertThat(last[1]).as("notes handled out of order").isZero();
        }
      }
      t.awaitNoBusyHandlers();
      t.assertServesANewConnection();
    }
  }

  @Test
  void tinyUncreditedUpdatesToASlowReversePipeBackUpInTcpNotInTheWorker() throws Exception {
    try (SpawnedTarget t = new SpawnedTarget("tiny-updates", "256m")) {
      long bound = bound(t);
      long heap0 = t.heapAfterGc();
      RawPeer p = t.openRaw();
      AtomicLong result = new AtomicLong(-1);
      AtomicReference<String> other = new AtomicReference<>();
      try (PeerReader r = new PeerReader(p, f -> {
        if (f.type() == FrameType.OK && RawPeer.id(f) == 1) {
          result.set(Codecs.LONG.decode(f.body()));
        } else if (f.type() != FrameType.CREDIT) {
          other.set(f.type() == FrameType.ERROR ? RawPeer.error(f).toString() : FrameType.name(f.type()));
        }
      })) {
        p.sendCall(1, t.index(SecurityWorker.TALLY), SpawnedTarget.UNIT);
        Await.until(Duration.ofSeconds(20), "the reverse pipe's handler at the gate", () -> t.busyHandlers() == 1);
        try (BackgroundSender sender = new BackgroundSender("updates", CHUNKS, i -> {
          BinaryWriter w = new BinaryWriter();
          for (long n = i * PER_CHUNK; n < (i + 1) * PER_CHUNK; n++) {
            RawPeer.appendFrame(w, FrameType.ITEM, new BinaryWriter().writeUnsignedVarLong(1).writeVarInt((int) n));
          }
          p.sendRaw(w.toByteArray());
        })) {
          long sent = heldBack(t, sender, heap0, bound, "tiny updates to a reverse pipe that does not read yet");

          t.monitor.call(SecurityWorker.OPEN_GATE);
          sender.awaitDone(Duration.ofSeconds(120));
          p.sendEnd(1);
          Await.until(Duration.ofSeconds(120), "the reverse pipe's result", () -> result.get() >= 0 || other.get() != null);
          System.out.printf("tiny updates: after the release, the reverse pipe read %d updates in order (%d sent while held"
              + " back)%n", result.get(), sent);
          assertThat(other.get()).as("another answer").isNull();
          assertThat(result.get()).as("updates the reverse pipe read, in order").isEqualTo(MESSAGES);
          assertThat(r.ended()).as("the connection ended").isFalse();
        }
      }
      t.awaitNoBusyHandlers();
      t.assertServesANewConnection();
    }
  }

  private static long bound(SpawnedTarget t) {
    return t.worker.settings().readBufferLimit() + 2 * t.worker.settings().writeBufferLimit() + 64 * MIB;
  }

  /**
   * Waits until TCP holds the sender back, then checks what the worker retains meanwhile and
   * that it serves another connection; returns the messages sent by then.
   */
  private static long heldBack(SpawnedTarget t, BackgroundSender sender, long heap0, long bound, String what) {
    sender.awaitHeldBack(Duration.ofSeconds(60));
    long grown = t.heapAfterGc() - heap0;
    long sent = sender.sent() * PER_CHUNK;
    System.out.printf("%s: sender held back after %d of %d messages, worker heap after GC +%.1f MiB (%.0f bytes per"
            + " message sent; bound %d MiB)%n",
        what, sent, MESSAGES, grown / (double) MIB, grown / (double) Math.max(1, sent), bound / MIB);
    assertThat(sender.isDone()).as("the sender finished while the handler held everything up").isFalse();
    assertThat(sender.sent()).as("chunks the worker took before it stopped reading").isLessThan(CHUNKS / 2);
    assertThat(grown).as("heap retained while the sender is held back").isLessThan(bound);
    t.assertServesANewConnection();
    return sent;
  }
}
