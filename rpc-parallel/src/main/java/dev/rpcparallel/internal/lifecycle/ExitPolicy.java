package dev.rpcparallel.internal.lifecycle;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * When a spawned worker exits, as one state machine: every signal the worker runtime observes is
 * an event here, and the first event that decides wins (later ones are ignored). The table it
 * implements is docs/LIFECYCLE.md §3. Timers run on one injected scheduler (a fake clock in
 * tests). Thread-safe.
 */
public final class ExitPolicy {
  /** Exit status of an orderly shutdown. */
  public static final int EXIT_OK = 0;
  private static final String SHUTDOWN_REQUESTED = "shutdown requested";
  private static final String INITIAL_CLOSED = "initial connection closed: ";
  /** Exit status of a failure (as the original). */
  public static final int EXIT_FAILURE = 254;
  /** How long after the decision the JVM is halted if it has not exited by itself. */
  public static final Duration WATCHDOG = Duration.ofSeconds(3);
  /** Added to the connection timeout for the initial connection of {@code CONNECTION_CLOSED} workers. */
  public static final Duration INITIAL_CONNECTION_GRACE = Duration.ofSeconds(5);

  /** The worker's shutdown mode (the public {@code ShutdownOn}). */
  public enum Mode {
    HEARTBEAT_TIMEOUT,
    CONNECTION_CLOSED,
    CALLED_SHUTDOWN_FUNCTION
  }

  /** Receives the decision. */
  public interface Listener {
    /** The worker must exit with {@code status}; called once, on the thread of the deciding event. */
    void exit(int status, String why);

    /** The worker did not exit within {@link #WATCHDOG} of the decision: end the JVM now. */
    void halt(int status);
  }

  private final Mode mode;
  private final Duration connectionTimeout;
  private final ScheduledExecutorService scheduler;
  private final Listener listener;
  private boolean initialOpened;
  private Integer decided;
  private ScheduledFuture<?> initialTimer;

  public ExitPolicy(Mode mode, Duration connectionTimeout, ScheduledExecutorService scheduler, Listener listener) {
    this.mode = Objects.requireNonNull(mode);
    this.connectionTimeout = connectionTimeout;
    this.scheduler = scheduler;
    this.listener = listener;
  }

  /** The status decided, or null while none is. */
  public synchronized Integer decided() {
    return decided;
  }

  /** The worker's connection to its master closed (its CLOSE, TCP EOF, heartbeat loss...). */
  public void masterConnectionClosed(String reason) {
    if (mode == Mode.HEARTBEAT_TIMEOUT || mode == Mode.CONNECTION_CLOSED && !initialOpened()) {
      decide(EXIT_FAILURE, "connection to the master lost: " + reason);
    }
  }

  /** EOF (or an error) on stdin: a local worker's master is gone. */
  public void stdinClosed() {
    if (mode == Mode.HEARTBEAT_TIMEOUT || mode == Mode.CONNECTION_CLOSED && !initialOpened()) {
      decide(EXIT_FAILURE, "stdin from the master closed (master gone)");
    }
  }

  /** The worker listens and is registered: a {@code CONNECTION_CLOSED} worker starts waiting for its initial connection. */
  public synchronized void serving() {
    if (mode == Mode.CONNECTION_CLOSED && !initialOpened && decided == null) {
      initialTimer = scheduler.schedule(
          () -> {
            if (!initialOpened()) {
              decide(EXIT_FAILURE, "no initial connection within the connection timeout (plus "
                  + INITIAL_CONNECTION_GRACE.toSeconds() + " s)");
            }
          },
          connectionTimeout.plus(INITIAL_CONNECTION_GRACE).toNanos(),
          TimeUnit.NANOSECONDS);
    }
  }

  /**
   * A non-control connection finished its handshake. Returns true if it is the initial one of a
   * {@code CONNECTION_CLOSED} worker, whose closing then decides (see {@link #initialConnectionClosed}).
   */
  public synchronized boolean connectionOpened() {
    if (mode != Mode.CONNECTION_CLOSED || initialOpened) {
      return false;
    }
    initialOpened = true;
    if (initialTimer != null) {
      initialTimer.cancel(false);
    }
    return true;
  }

  /** The initial connection closed, for any reason. */
  public void initialConnectionClosed(String reason) {
    decide(EXIT_OK, INITIAL_CLOSED + reason);
  }

  /**
   * Whether an exit is an orderly one, which the worker does not announce on its stderr: a
   * shutdown request, or the initial connection closed by the master's {@code Connection.close()}.
   * Any other status-0 exit (the initial connection lost to EOF, a heartbeat timeout, a protocol
   * error...) is announced, so its reason is not lost.
   */
  public static boolean isOrderly(int status, String why) {
    return status == EXIT_OK && (why.equals(SHUTDOWN_REQUESTED) || why.equals(INITIAL_CLOSED + "closed by client"));
  }

  /** {@code initConnectionState} threw for a connection. */
  public void connectionRefused() {
    if (mode == Mode.CONNECTION_CLOSED && !initialOpened()) {
      decide(EXIT_FAILURE, "initial connection refused by initConnectionState");
    }
  }

  /** The built-in shutdown function was called. */
  public void shutdownRequested() {
    decide(EXIT_OK, SHUTDOWN_REQUESTED);
  }

  /**
   * The worker's start-up failed and its main thread ends the JVM with {@code status} itself:
   * events after this (such as the master connection closing as the worker shuts down) decide
   * nothing and print nothing.
   */
  public synchronized void startupFailed(int status) {
    if (decided == null) {
      decided = status;
    }
  }

  /** An uncaught exception in a worker thread (after it was reported to the master). */
  public void uncaught(Throwable error) {
    decide(EXIT_FAILURE, "uncaught exception: " + error);
  }

  private synchronized boolean initialOpened() {
    return initialOpened;
  }

  private void decide(int status, String why) {
    synchronized (this) {
      if (decided != null) {
        return;
      }
      decided = status;
      if (initialTimer != null) {
        initialTimer.cancel(false);
      }
    }
    scheduler.schedule(() -> listener.halt(status), WATCHDOG.toNanos(), TimeUnit.NANOSECONDS);
    listener.exit(status, why);
  }
}
