package dev.rpcparallel.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rpcparallel.Redirect;
import dev.rpcparallel.codec.BinaryWriter;
import dev.rpcparallel.fixtures.Await;
import dev.rpcparallel.fixtures.RawPeer;
import dev.rpcparallel.fixtures.SecurityWorker;
import dev.rpcparallel.internal.protocol.ErrorCode;
import dev.rpcparallel.internal.protocol.FrameType;
import dev.rpcparallel.testing.NoLeaks;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * <b>Attack: flooding the worker's log with failures nobody hears of.</b> A raw peer sends 2,000
 * pairs of (CALL of a pipe with a query that does not decode, ABORT of it) on one connection,
 * ~16 bytes each. The ABORT usually arrives before the handler runs; the handler then fails on
 * the query with its stream already closed, so no caller hears of the failure, and the worker
 * logs it instead ("pipe '...' threw after its stream closed: ..."). Before the fix each was a
 * WARN line: 20,000 pairs wrote 20,000 lines to the worker's stderr.
 *
 * <p>Now such failures are logged at most 10 times a minute (the next line logged after that says
 * how many similar messages were suppressed, which within this test's minute never comes).
 * Asserted, on the worker's stderr redirected to a file and read after it exited: at most 10 such
 * lines, although many more calls failed unheard (the calls neither refused with {@code
 * LIMIT_EXCEEDED} nor answered with an error: at least 500 of the 2,000).
 */
@Timeout(120)
@ExtendWith(NoLeaks.class)
class HandlerFailureLogFloodAttackTest {
  private static final int PAIRS = 2000;
  private static final long SENTINEL = 1_000_000;
  private static final String LINE = "threw after its stream closed";

  @TempDir
  Path dir;

  @Test
  void failuresAfterTheCallerAbortedAreLoggedAtMostTenTimesAMinute() throws Exception {
    Path stderr = dir.resolve("worker.stderr");
    int refused;
    int failed;
    List<String> other = new CopyOnWriteArrayList<>();
    try (SpawnedTarget t = new SpawnedTarget("handler-failure-log", "128m", Redirect.truncate(stderr))) {
      AtomicInteger limited = new AtomicInteger();
      AtomicInteger errors = new AtomicInteger();
      AtomicInteger answers = new AtomicInteger();
      AtomicBoolean sentinel = new AtomicBoolean();
      RawPeer p = t.openRaw();
      try (PeerReader r = new PeerReader(p, f -> {
        answers.incrementAndGet();
        if (f.type() == FrameType.OK && RawPeer.id(f) == SENTINEL) {
          sentinel.set(true);
        } else if (f.type() == FrameType.ERROR) {
          RawPeer.Error e = RawPeer.error(f);
          if (e.code() == ErrorCode.LIMIT_EXCEEDED) {
            limited.incrementAndGet();
          } else if (e.code() == ErrorCode.DECODE_FAILED) {
            errors.incrementAndGet(); // the handler failed before the ABORT: the caller heard of it
          } else {
            other.add(e.toString());
          }
        } else {
          other.add(FrameType.name(f.type()));
        }
      })) {
        int flood = t.index(SecurityWorker.FLOOD);
        BinaryWriter all = new BinaryWriter();
        for (int id = 1; id <= PAIRS; id++) {
          RawPeer.appendFrame(all, FrameType.CALL, new BinaryWriter().writeUnsignedVarLong(id).writeUnsignedVarLong(flood)); // no query
          RawPeer.appendFrame(all, FrameType.ABORT, new BinaryWriter().writeUnsignedVarLong(id));
        }
        BinaryWriter last = new BinaryWriter().writeUnsignedVarLong(SENTINEL).writeUnsignedVarLong(t.index(SecurityWorker.PID));
        last.writeRaw(SpawnedTarget.UNIT, 0, SpawnedTarget.UNIT.length);
        RawPeer.appendFrame(all, FrameType.CALL, last);
        p.sendRaw(all.toByteArray());
        Await.until(Duration.ofSeconds(30), "the sentinel call's answer", sentinel::get);
        int seen;
        do { // until the answers stop coming: every handler has run
          seen = answers.get();
          Thread.sleep(1000);
        } while (answers.get() != seen);
        assertThat(r.ended()).as("the connection ended").isFalse();
      }
      refused = limited.get();
      failed = PAIRS - refused - errors.get();
      t.assertServesANewConnection();
    }
    List<String> lines = Files.readAllLines(stderr);
    long warnings = lines.stream().filter(l -> l.contains(LINE)).count();
    System.out.printf("%d (CALL with a query that does not decode, ABORT) pairs: %d refused LIMIT_EXCEEDED, %d answered"
            + " with the decoding error, %d failed unheard -> %d such lines in the worker's stderr (%d lines, %d bytes);"
            + " first: %s%n",
        PAIRS, refused, PAIRS - refused - failed, failed, warnings, lines.size(), Files.size(stderr),
        lines.stream().filter(l -> l.contains(LINE)).findFirst().orElse("-"));
    assertThat(other).as("other answers").isEmpty();
    assertThat(failed).as("calls that failed unheard").isGreaterThanOrEqualTo(500);
    assertThat(warnings).as("'%s' lines in the worker's stderr", LINE).isLessThanOrEqualTo(10);
  }
}
