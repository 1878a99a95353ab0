package dev.rpcparallel.internal.core;

/**
 * Heartbeat bookkeeping as a plain state machine, driven by the I/O thread: anything received
 * counts as liveness; on every tick (each heartbeat interval) the connection either sends a
 * heartbeat or, if nothing arrived for the timeout, is declared dead. Not thread-safe: one I/O
 * thread calls it.
 */
public final class Heartbeater {
  /** What the connection should do on a tick. */
  public enum Action {
    SEND_HEARTBEAT,
    TIMED_OUT
  }

  private final long timeoutNanos;
  private long lastReceivedNanos;

  public Heartbeater(long timeoutNanos, long nowNanos) {
    this.timeoutNanos = timeoutNanos;
    this.lastReceivedNanos = nowNanos;
  }

  public void onReceived(long nowNanos) {
    lastReceivedNanos = nowNanos;
  }

  public Action onTick(long nowNanos) {
    return nowNanos - lastReceivedNanos >= timeoutNanos ? Action.TIMED_OUT : Action.SEND_HEARTBEAT;
  }
}
