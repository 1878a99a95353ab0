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
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * <b>Attack: reusing a call's id right after ABORT, while its handler still runs.</b> ABORT ends
 * a stream's protocol life, but the handler of the call may still be queued or running. The raw
 * peer sends, for 200 ids on one connection, a state call whose query does not decode, ABORT of
 * it, and a pipe ({@link SecurityWorker#FLOOD}, parked on credit once it filled its window) with
 * the same id; it reads everything and never gives credit.
 *
 * <p>Before the fix, ABORT freed the id at once, the pipe was admitted under it, and the state
 * call's handler, failing on its query later, "abandoned" its stream by removing whatever stream
 * was registered under the id: the pipe's. The pipe's handler then waited for credit no frame
 * could reach (CREDIT and ABORT for the id found nothing, and the connection's close did not
 * abort it), for ever: 200 rounds on one connection left all 128 admitted pipes' handler
 * threads parked, after ABORT of every id and after the close; repeated on 36 connections, the
 * worker parked thousands of threads and failed with OutOfMemoryError.
 *
 * <p>Now a stream removes only its own registry entry, an aborted call sends nothing more under
 * its id, and a call keeps its call and stream slots until its handler returns (its id is free
 * once it was aborted or answered, as the protocol says). So a CALL that reuses the id of an
 * aborted call whose handler still runs is an ordinary new call, and the old handler cannot
 * reach it. Asserted: with handlers held at a gate, the reuse is answered as a new call, and
 * nothing of the aborted calls reaches the peer once their handlers ran. With the state calls,
 * on 3 connections that send everything at once, each connection either closes on a duplicate id
 * (an ABORT that came before its call's stream existed frees nothing), or keeps every admitted
 * pipe reachable (ABORT by id ends all of their handlers while the connection stays open); after
 * each connection no handler is left in the worker, and its thread count grows by less than
 * maxOpenStreams + 32.
 */
@Timeout(180)
@ExtendWith(NoLeaks.class)
class CallIdReuseAfterAbortAttackTest {
  private static final int IDS = 200;
  private static final int CONNECTIONS = 3;
  /** The sentinel call's id, past the attack's. */
  private static final long SENTINEL = 1_000_000;

  @Test
  void reusingTheIdOfAnAbortedCallWhoseHandlerStillRunsIsANewCallTheOldHandlerCannotReach() throws Exception {
    try (SpawnedTarget t = new SpawnedTarget("id-reuse-after-abort", "128m")) {
      int calls = 100;
      try (RawPeer p = t.openRaw()) {
        int gated = t.index(SecurityWorker.GATED_PIPE);
        for (int id = 1; id <= calls; id++) {
          p.sendCall(id, gated, Codecs.INT.toBytes(id));
          p.sendAbort(id);
        }
        Await.until(Duration.ofSeconds(20), calls + " aborted pipes' handlers at the gate", () -> t.busyHandlers() == calls);
        p.sendCall(50, t.index(SecurityWorker.BLOB), Codecs.INT.toBytes(10));
        p.setReadTimeout(10_000);
        RawPeer.Frame answer = p.readNonHeartbeat();
        assertThat((int) answer.type()).as("the answer to the reused id").isEqualTo((int) FrameType.OK);
        assertThat(answer.body().readUnsignedVarLong()).isEqualTo(50);
        assertThat(t.busyHandlers()).as("aborted handlers still at the gate (keeping their slots)").isEqualTo(calls);
        t.monitor.call(SecurityWorker.OPEN_GATE);
        t.awaitNoBusyHandlers();
        p.sendCall(SENTINEL, t.index(SecurityWorker.BLOB), Codecs.INT.toBytes(1));
        RawPeer.Frame f;
        while ((f = p.readNonHeartbeat()) != null && f.type() == FrameType.CREDIT) {
          // credit for nothing is harmless
        }
        assertThat(f).as("the next frame after the aborted handlers ran").isNotNull();
        assertThat((int) f.type()).as("nothing of the aborted calls, only the sentinel's answer").isEqualTo((int) FrameType.OK);
        assertThat(f.body().readUnsignedVarLong()).isEqualTo(SENTINEL);
      }
      t.assertServesANewConnection();
    }
  }

  /**
   * A state call aborted while its handler waits, its id reused at once by another call: when the
   * old handler returns its state, the state is not sent under the reused id (found by the second
   * attack review: the state went out as a second OK for the id).
   */
  @Test
  void anAbortedStateCallSendsNoStateUnderItsReusedId() throws Exception {
    try (SpawnedTarget t = new SpawnedTarget("state-abort-reuse", "128m")) {
      try (RawPeer p = t.openRaw()) {
        p.sendCall(7, t.index(SecurityWorker.GATED_STATE), Codecs.INT.toBytes(42));
        p.sendAbort(7);
        Await.until(Duration.ofSeconds(20), "the aborted state call's handler at the gate", () -> t.busyHandlers() == 1);
        p.sendCall(7, t.index(SecurityWorker.BLOB), Codecs.INT.toBytes(10));
        p.setReadTimeout(10_000);
        RawPeer.Frame answer = p.readNonHeartbeat();
        assertThat((int) answer.type()).as("the answer to the reused id").isEqualTo((int) FrameType.OK);
        assertThat(answer.body().readUnsignedVarLong()).isEqualTo(7);
        t.monitor.call(SecurityWorker.OPEN_GATE);
        t.awaitNoBusyHandlers();
        p.sendCall(SENTINEL, t.index(SecurityWorker.BLOB), Codecs.INT.toBytes(1));
        RawPeer.Frame f;
        while ((f = p.readNonHeartbeat()) != null && f.type() == FrameType.CREDIT) {
          // credit for nothing is harmless
        }
        assertThat(f).as("the next frame after the aborted state call's handler returned").isNotNull();
        assertThat((int) f.type()).as("no state of the aborted call, only the sentinel's answer").isEqualTo((int) FrameType.OK);
        assertThat(f.body().readUnsignedVarLong()).isEqualTo(SENTINEL);
      }
      t.assertServesANewConnection();
    }
  }

  @Test
  void abortedStateCallsWhoseIdsPipesReuseLeaveNoHandlerParked() throws Exception {
    try (SpawnedTarget t = new SpawnedTarget("id-reuse-state-abort", "256m")) {
      int maxStreams = t.worker.settings().maxOpenStreams();
      int threads0 = t.threads();
      int closedByDuplicate = 0;
      int reusesWorked = 0;
      int maxThreads;
      try (SpawnedTarget.Sampler s = t.sample()) {
        for (int c = 0; c < CONNECTIONS; c++) {
          if (attack(t)) {
            closedByDuplicate++;
          } else {
            reusesWorked++;
          }
          t.awaitNoBusyHandlers();
        }
        s.close();
        maxThreads = s.maxThreads();
      }
      System.out.printf("id reuse after ABORT, %d connections x %d ids:"
              + " %d closed with a duplicate call id, %d with every reuse a new call; worker threads %d before, max %d"
              + " during (limit %d streams), handlers left %d%n",
          CONNECTIONS, IDS, closedByDuplicate, reusesWorked, threads0, maxThreads, maxStreams, t.busyHandlers());
      assertThat(maxThreads - threads0).as("threads added").isLessThan(maxStreams + 32);
      t.assertServesANewConnection();
    }
  }

  /**
   * One connection of the attack: for each id, the state call without a query, its ABORT and the
   * pipe under the same id, all at once, then a sentinel call. Returns true if the worker closed the connection for a duplicate id, false if
   * every reuse was a new call (then each pipe is aborted by its id, and all must return).
   */
  private static boolean attack(SpawnedTarget t) throws Exception {
    int maxStreams = t.worker.settings().maxOpenStreams();
    RawPeer p = t.openRaw();
    AtomicBoolean sentinel = new AtomicBoolean();
    AtomicIntegerArray errors = new AtomicIntegerArray(IDS + 1);
    try (PeerReader r = new PeerReader(p, f -> {
      if (f.type() == FrameType.OK && RawPeer.id(f) == SENTINEL) {
        sentinel.set(true);
      } else if (f.type() == FrameType.ERROR) {
        RawPeer.Error e = RawPeer.error(f);
        if (e.id() >= 1 && e.id() <= IDS && e.code() == ErrorCode.LIMIT_EXCEEDED) {
          errors.incrementAndGet((int) e.id()); // a pipe refused; a state call's decode error is not counted
        }
      }
    })) {
      int early = t.index(SecurityWorker.EARLY_UPDATES);
      int flood = t.index(SecurityWorker.FLOOD);
      byte[] item = Codecs.INT.toBytes(64 * 1024); // 16 items fill the stream's window
      BinaryWriter all = new BinaryWriter();
      for (int id = 1; id <= IDS && !r.ended(); id++) {
        RawPeer.appendFrame(all, FrameType.CALL, new BinaryWriter().writeUnsignedVarLong(id).writeUnsignedVarLong(early)); // no query
        RawPeer.appendFrame(all, FrameType.ABORT, new BinaryWriter().writeUnsignedVarLong(id));
        BinaryWriter call = new BinaryWriter().writeUnsignedVarLong(id).writeUnsignedVarLong(flood);
        call.writeRaw(item, 0, item.length);
        RawPeer.appendFrame(all, FrameType.CALL, call);
      }
      BinaryWriter last = new BinaryWriter().writeUnsignedVarLong(SENTINEL).writeUnsignedVarLong(t.index(SecurityWorker.PID));
      last.writeRaw(SpawnedTarget.UNIT, 0, SpawnedTarget.UNIT.length);
      RawPeer.appendFrame(all, FrameType.CALL, last);
      sendUnlessClosed(p, all);

      Await.until(Duration.ofSeconds(30), "the sentinel call's answer, or the connection's close",
          () -> sentinel.get() || r.ended());
      if (r.ended()) {
        RawPeer.Close close = r.closeFrame();
        assertThat(close).as("the CLOSE frame").isNotNull();
        assertThat(close.code()).as("close code (%s)", close.reason()).isEqualTo(ErrorCode.PROTOCOL_ERROR);
        assertThat(close.reason()).matches("duplicate call id \\d+: a call with this id is in progress");
        return true;
      }
      // Every reuse was a new call. Pipes refused (their slots were still held by state calls whose
      // handlers had not returned, or by earlier pipes) got LIMIT_EXCEEDED; the others wait for
      // credit, each reachable by its id. A state call may be refused too, under the same id, so
      // an id with one refusal may still have an admitted pipe: at least this many pipes wait.
      int refused = 0;
      for (int id = 1; id <= IDS; id++) {
        refused += errors.get(id) > 0 ? 1 : 0;
      }
      int admittedAtLeast = IDS - refused;
      assertThat(admittedAtLeast).as("pipes admitted (at least)").isBetween(1, maxStreams);
      Await.until(Duration.ofSeconds(30), admittedAtLeast + " pipes waiting for credit",
          () -> t.busyHandlers() >= admittedAtLeast);
      assertThat(t.busyHandlers()).as("pipes waiting for credit").isLessThanOrEqualTo(maxStreams);
      for (int id = 1; id <= IDS; id++) {
        p.sendAbort(id);
      }
      Await.until(Duration.ofSeconds(20), "every pipe's handler to return on its ABORT", () -> t.busyHandlers() == 0);
      assertThat(r.ended()).as("the connection ended").isFalse();
      return false;
    }
  }

  /** Sends {@code frames}; false if the worker closed the connection meanwhile (its CLOSE says why). */
  private static boolean sendUnlessClosed(RawPeer p, BinaryWriter frames) {
    try {
      p.sendRaw(frames.toByteArray());
      return true;
    } catch (IOException closed) {
      return false;
    }
  }
}
