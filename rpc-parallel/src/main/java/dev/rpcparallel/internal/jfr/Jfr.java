package dev.rpcparallel.internal.jfr;

import jdk.jfr.EventType;
import jdk.jfr.FlightRecorder;

/**
 * Whether the library's JFR events are worth making. While JFR has never been started in this
 * JVM, every check is one read of a flag that JFR sets when it starts ({@link
 * FlightRecorder#isInitialized()}); the event types are looked up (registered) only after that,
 * so a JVM that never records pays no JFR start-up. Without the {@code jdk.jfr} module (a
 * trimmed runtime), nothing is recorded. Thread-safe.
 */
public final class Jfr {
  private static final boolean PRESENT = present();

  private Jfr() {}

  private static boolean present() {
    try {
      Class.forName("jdk.jfr.FlightRecorder", false, Jfr.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException | LinkageError e) {
      return false;
    }
  }

  /** Whether JFR has started in this JVM (a recording may be running). */
  public static boolean started() {
    return PRESENT && FlightRecorder.isInitialized();
  }

  /** Whether a running recording enables {@link CallEvent}. */
  public static boolean calls() {
    return started() && Types.CALL.isEnabled();
  }

  /** Whether a running recording enables {@link StreamEvent}. */
  public static boolean streams() {
    return started() && Types.STREAM.isEnabled();
  }

  /** Records a heartbeat tick, if enabled. */
  public static void heartbeat(String side, String peer, int silentTicks) {
    if (started()) {
      HeartbeatEvent e = new HeartbeatEvent();
      if (e.isEnabled()) {
        e.side = side;
        e.peer = peer;
        e.silentTicks = silentTicks;
        e.commit();
      }
    }
  }

  /** Records a heartbeat timeout, if enabled. */
  public static void heartbeatTimeout(String side, String peer, long timeoutNanos) {
    if (started()) {
      HeartbeatTimeoutEvent e = new HeartbeatTimeoutEvent();
      if (e.isEnabled()) {
        e.side = side;
        e.peer = peer;
        e.timeout = timeoutNanos;
        e.commit();
      }
    }
  }

  /** Records a worker's exit, if enabled. */
  public static void workerExit(String worker, int exitStatus) {
    if (started()) {
      WorkerExitEvent e = new WorkerExitEvent();
      if (e.isEnabled()) {
        e.worker = worker;
        e.exitStatus = exitStatus;
        e.commit();
      }
    }
  }

  /** The event types, looked up once JFR has started. */
  private static final class Types {
    static final EventType CALL = EventType.getEventType(CallEvent.class);
    static final EventType STREAM = EventType.getEventType(StreamEvent.class);
  }
}
