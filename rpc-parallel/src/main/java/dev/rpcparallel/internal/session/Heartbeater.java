package dev.rpcparallel.internal.session;

/**
 * Heartbeat bookkeeping as a plain state machine, counted in ticks rather than read from a clock
 * (async_rpc_kernel's {@code Number_of_heartbeats} style): on every tick (each heartbeat
 * interval) the connection sends a heartbeat, unless nothing has arrived during the last {@code
 * limit} ticks, in which case it is dead. A side whose own thread stalled counts no extra ticks,
 * so it never blames the peer for its own pause. Not thread-safe: the link's thread drives it.
 */
final class Heartbeater {
  /** What the connection should do on a tick. */
  enum Action {
    SEND_HEARTBEAT,
    TIMED_OUT
  }

  private final int limit;
  private boolean received;
  private int silentTicks;

  Heartbeater(int limit) {
    this.limit = limit;
  }

  void onReceived() {
    received = true;
  }

  /** Ticks since something last arrived (for the JFR heartbeat event). */
  int silentTicks() {
    return silentTicks;
  }

  Action onTick() {
    if (received) {
      received = false;
      silentTicks = 0;
    } else {
      silentTicks++;
    }
    return silentTicks >= limit ? Action.TIMED_OUT : Action.SEND_HEARTBEAT;
  }
}
