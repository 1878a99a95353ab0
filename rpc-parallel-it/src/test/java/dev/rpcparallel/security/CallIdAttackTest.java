package dev.rpcparallel.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rpcparallel.codec.Codecs;
import dev.rpcparallel.fixtures.Await;
import dev.rpcparallel.fixtures.RawPeer;
import dev.rpcparallel.fixtures.SecurityWorker;
import dev.rpcparallel.internal.protocol.ErrorCode;
import dev.rpcparallel.internal.protocol.FrameType;
import dev.rpcparallel.testing.NoLeaks;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * <b>Attack: reusing the id of a call in progress</b>, to confuse the worker's bookkeeping of
 * calls and streams: a second stream registered under the same id would orphan the first one's
 * handler, parked for ever on a stream nobody can reach. A CALL whose id is that of a call still
 * in progress closes the connection ({@code PROTOCOL_ERROR}, "duplicate call id N: a call with
 * this id is in progress"), and closing aborts every stream of the connection: the handlers
 * parked on them (100 reverse pipes waiting for updates, a pipe waiting for credit) all return,
 * so no worker thread is left inside a handler. Reusing the id of a call that has ended is
 * allowed.
 */
@Timeout(120)
@ExtendWith(NoLeaks.class)
class CallIdAttackTest {

  @Test
  void duplicateIdOfBlockedReversePipesClosesTheConnectionAndFreesEveryHandler() throws Exception {
    try (SpawnedTarget t = new SpawnedTarget("duplicate-ids", "128m")) {
      int threads0 = t.threads();
      int parked;
      try (RawPeer p = t.openRaw()) {
        int sink = t.index(SecurityWorker.SINK);
        for (int id = 1; id <= 100; id++) {
          p.sendCall(id, sink, SpawnedTarget.UNIT);
        }
        Await.until(Duration.ofSeconds(20), "100 handlers parked on their updates", () -> t.busyHandlers() == 100);
        parked = t.threads();
        p.sendCall(50, sink, SpawnedTarget.UNIT);
        assertThat(p.readClose()).isEqualTo(
            new RawPeer.Close(ErrorCode.PROTOCOL_ERROR, "duplicate call id 50: a call with this id is in progress"));
      }
      t.awaitNoBusyHandlers();
      System.out.printf("duplicate call id: worker threads %d before, %d with 100 parked handlers, %d after the close"
          + " (idle pool threads linger up to 60 s), handlers inside the worker after: %d%n",
          threads0, parked, t.threads(), t.busyHandlers());
      t.assertServesANewConnection();
    }
  }

  @Test
  void duplicateIdOfAPipeWaitingForCreditClosesTheConnectionAndFreesItsHandler() throws Exception {
    try (SpawnedTarget t = new SpawnedTarget("duplicate-pipe-id", "128m")) {
      try (RawPeer p = t.openRaw()) {
        p.sendCall(7, t.index(SecurityWorker.FLOOD), Codecs.INT.toBytes(64 * 1024));
        // The peer reads nothing: the pipe uses up its window and waits for credit.
        Await.until(Duration.ofSeconds(20), "the pipe's handler", () -> t.busyHandlers() == 1);
        p.sendCall(7, t.index(SecurityWorker.BLOB), Codecs.INT.toBytes(10));
        assertThat(p.readClose()).isEqualTo(
            new RawPeer.Close(ErrorCode.PROTOCOL_ERROR, "duplicate call id 7: a call with this id is in progress"));
      }
      t.awaitNoBusyHandlers();
      t.assertServesANewConnection();
    }
  }

  @Test
  void reusingTheIdOfAFinishedCallIsAllowed() throws Exception {
    try (SpawnedTarget t = new SpawnedTarget("reused-id", "128m"); RawPeer p = t.openRaw()) {
      for (int round = 0; round < 3; round++) {
        p.sendCall(1, t.index(SecurityWorker.BLOB), Codecs.INT.toBytes(10 + round));
        RawPeer.Frame f = p.readNonHeartbeat();
        assertThat(f.type()).isEqualTo(FrameType.OK);
        assertThat(RawPeer.id(f)).isEqualTo(1);
        assertThat(Codecs.BYTES.decode(f.body())).hasSize(10 + round);
      }
    }
  }
}
