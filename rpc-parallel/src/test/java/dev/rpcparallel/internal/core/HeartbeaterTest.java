package dev.rpcparallel.internal.core;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The heartbeat state machine, driven by a fake clock (nanoseconds as plain numbers). */
class HeartbeaterTest {
  private static final long MS = 1_000_000;

  @Test
  void sendsWhileThePeerIsHeardAndTimesOutAfterSilence() {
    Heartbeater hb = new Heartbeater(500 * MS, 0);
    assertThat(hb.onTick(100 * MS)).isEqualTo(Heartbeater.Action.SEND_HEARTBEAT);
    hb.onReceived(150 * MS);
    assertThat(hb.onTick(600 * MS)).isEqualTo(Heartbeater.Action.SEND_HEARTBEAT);
    assertThat(hb.onTick(649 * MS)).isEqualTo(Heartbeater.Action.SEND_HEARTBEAT);
    assertThat(hb.onTick(650 * MS)).isEqualTo(Heartbeater.Action.TIMED_OUT);
  }

  @Test
  void anythingReceivedResetsTheClock() {
    Heartbeater hb = new Heartbeater(500 * MS, 0);
    for (long t = 100; t < 5000; t += 100) {
      hb.onReceived(t * MS);
      assertThat(hb.onTick(t * MS + 50 * MS)).isEqualTo(Heartbeater.Action.SEND_HEARTBEAT);
    }
  }
}
