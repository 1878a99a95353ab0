package dev.rpcparallel.internal.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rpcparallel.internal.concurrent.ManualScheduler;
import dev.rpcparallel.internal.lifecycle.ExitPolicy.Mode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every row of the exit table in docs/LIFECYCLE.md §3, on a manual clock. */
class ExitPolicyTest {
  private static final Duration CONNECTION_TIMEOUT = Duration.ofSeconds(10);

  private final ManualScheduler clock = new ManualScheduler();
  private final List<String> exits = new ArrayList<>();
  private final List<Integer> halts = new ArrayList<>();

  private ExitPolicy policy(Mode mode) {
    return new ExitPolicy(mode, CONNECTION_TIMEOUT, clock, new ExitPolicy.Listener() {
      @Override
      public void exit(int status, String why) {
        exits.add(status + " " + why);
      }

      @Override
      public void halt(int status) {
        halts.add(status);
      }
    });
  }

  // ---- master connection closes ----

  @Test
  void heartbeatWorkerExits254WhenTheMasterConnectionCloses() {
    policy(Mode.HEARTBEAT_TIMEOUT).masterConnectionClosed("EOF");
    assertThat(exits).containsExactly("254 connection to the master lost: EOF");
  }

  @Test
  void connectionClosedWorkerExits254WhenTheMasterConnectionClosesBeforeItsInitialConnection() {
    ExitPolicy p = policy(Mode.CONNECTION_CLOSED);
    p.serving();
    p.masterConnectionClosed("no heartbeat received for 30s");
    assertThat(exits).containsExactly("254 connection to the master lost: no heartbeat received for 30s");
  }

  @Test
  void connectionClosedWorkerIgnoresTheMasterConnectionOnceItsInitialConnectionOpened() {
    ExitPolicy p = policy(Mode.CONNECTION_CLOSED);
    p.serving();
    assertThat(p.connectionOpened()).isTrue();
    p.masterConnectionClosed("closed by client");
    assertThat(exits).isEmpty();
  }

  @Test
  void calledShutdownWorkerIgnoresTheMasterConnection() {
    policy(Mode.CALLED_SHUTDOWN_FUNCTION).masterConnectionClosed("EOF");
    assertThat(exits).isEmpty();
  }

  // ---- stdin EOF ----

  @Test
  void heartbeatWorkerExits254OnStdinEof() {
    policy(Mode.HEARTBEAT_TIMEOUT).stdinClosed();
    assertThat(exits).containsExactly("254 stdin from the master closed (master gone)");
  }

  @Test
  void connectionClosedWorkerExits254OnStdinEofOnlyBeforeItsInitialConnection() {
    ExitPolicy before = policy(Mode.CONNECTION_CLOSED);
    before.stdinClosed();
    assertThat(exits).containsExactly("254 stdin from the master closed (master gone)");

    exits.clear();
    ExitPolicy after = policy(Mode.CONNECTION_CLOSED);
    after.serving();
    after.connectionOpened();
    after.stdinClosed();
    assertThat(exits).isEmpty();
  }

  @Test
  void calledShutdownWorkerIgnoresStdinEof() {
    policy(Mode.CALLED_SHUTDOWN_FUNCTION).stdinClosed();
    assertThat(exits).isEmpty();
  }

  // ---- the initial connection ----

  @Test
  void connectionClosedWorkerExits0WhenItsInitialConnectionCloses() {
    ExitPolicy p = policy(Mode.CONNECTION_CLOSED);
    p.serving();
    assertThat(p.connectionOpened()).isTrue();
    assertThat(p.connectionOpened()).as("only the first connection is the initial one").isFalse();
    p.initialConnectionClosed("closed by client");
    assertThat(exits).containsExactly("0 initial connection closed: closed by client");
  }

  @Test
  void onlyConnectionClosedWorkersHaveAnInitialConnection() {
    assertThat(policy(Mode.HEARTBEAT_TIMEOUT).connectionOpened()).isFalse();
    assertThat(policy(Mode.CALLED_SHUTDOWN_FUNCTION).connectionOpened()).isFalse();
  }

  @Test
  void connectionClosedWorkerExits254WhenItsFirstConnectionIsRefused() {
    ExitPolicy p = policy(Mode.CONNECTION_CLOSED);
    p.serving();
    p.connectionRefused();
    assertThat(exits).containsExactly("254 initial connection refused by initConnectionState");
  }

  @Test
  void refusedConnectionsDoNotEndOtherWorkers() {
    policy(Mode.HEARTBEAT_TIMEOUT).connectionRefused();
    ExitPolicy cc = policy(Mode.CONNECTION_CLOSED);
    cc.serving();
    cc.connectionOpened();
    cc.connectionRefused(); // a later connection: the initial one decides
    assertThat(exits).isEmpty();
  }

  @Test
  void connectionClosedWorkerExits254WithoutAnInitialConnectionWithinTheTimeoutPlusFiveSeconds() {
    ExitPolicy p = policy(Mode.CONNECTION_CLOSED);
    p.serving();
    clock.advance(CONNECTION_TIMEOUT.plus(ExitPolicy.INITIAL_CONNECTION_GRACE).minusMillis(1));
    assertThat(exits).isEmpty();
    clock.advance(Duration.ofMillis(1));
    assertThat(exits).containsExactly("254 no initial connection within the connection timeout (plus 5 s)");
  }

  @Test
  void theInitialConnectionTimerStopsWhenTheConnectionOpens() {
    ExitPolicy p = policy(Mode.CONNECTION_CLOSED);
    p.serving();
    p.connectionOpened();
    clock.advance(Duration.ofMinutes(5));
    assertThat(exits).isEmpty();
    assertThat(clock.pending()).isZero();
  }

  @Test
  void otherModesStartNoInitialConnectionTimer() {
    policy(Mode.HEARTBEAT_TIMEOUT).serving();
    policy(Mode.CALLED_SHUTDOWN_FUNCTION).serving();
    assertThat(clock.pending()).isZero();
  }

  // ---- shutdown and failures, every mode ----

  @Test
  void shutdownExits0InEveryMode() {
    for (Mode m : Mode.values()) {
      policy(m).shutdownRequested();
    }
    assertThat(exits).containsExactly("0 shutdown requested", "0 shutdown requested", "0 shutdown requested");
  }

  @Test
  void uncaughtExceptionExits254InEveryMode() {
    for (Mode m : Mode.values()) {
      policy(m).uncaught(new IllegalStateException("boom"));
    }
    assertThat(exits).hasSize(3).allMatch(e -> e.equals("254 uncaught exception: java.lang.IllegalStateException: boom"));
  }

  // ---- decisions ----

  @Test
  void theFirstDecisionWinsAndLaterEventsSayNothing() {
    ExitPolicy p = policy(Mode.HEARTBEAT_TIMEOUT);
    p.shutdownRequested();
    p.masterConnectionClosed("EOF");
    p.stdinClosed();
    p.uncaught(new RuntimeException());
    assertThat(exits).containsExactly("0 shutdown requested");
    assertThat(p.decided()).isEqualTo(0);
  }

  @Test
  void aDecisionHaltsTheJvmAfterTheWatchdogWithTheDecidedStatus() {
    ExitPolicy p = policy(Mode.HEARTBEAT_TIMEOUT);
    p.masterConnectionClosed("EOF");
    clock.advance(ExitPolicy.WATCHDOG.minusMillis(1));
    assertThat(halts).isEmpty();
    clock.advance(Duration.ofMillis(1));
    assertThat(halts).containsExactly(254);
  }

  @Test
  void noDecisionNoWatchdog() {
    ExitPolicy p = policy(Mode.CALLED_SHUTDOWN_FUNCTION);
    p.masterConnectionClosed("EOF");
    clock.advance(Duration.ofMinutes(1));
    assertThat(halts).isEmpty();
    assertThat(p.decided()).isNull();
  }

  /** Orderly exits print nothing; every other exit, status 0 included, says why on stderr. */
  @Test
  void onlyAShutdownOrTheMastersCloseIsAnOrderlyExit() {
    assertThat(ExitPolicy.isOrderly(0, "shutdown requested")).isTrue();
    assertThat(ExitPolicy.isOrderly(0, "initial connection closed: closed by client")).isTrue();
    assertThat(ExitPolicy.isOrderly(0, "initial connection closed: EOF")).isFalse();
    assertThat(ExitPolicy.isOrderly(0, "initial connection closed: no heartbeat received for 30s")).isFalse();
    assertThat(ExitPolicy.isOrderly(254, "shutdown requested")).isFalse();
    assertThat(ExitPolicy.isOrderly(254, "connection to the master lost: EOF")).isFalse();
  }
}
