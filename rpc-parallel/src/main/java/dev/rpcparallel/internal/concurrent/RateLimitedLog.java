package dev.rpcparallel.internal.concurrent;

import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;

/**
 * Logs at most {@code perMinute} messages a minute, on an executor (never on the caller's thread,
 * which may be an I/O thread), and counts the rest: the next message logged says how many were
 * suppressed. For events a remote peer can cause at will, such as protocol violations. Thread-safe.
 */
public final class RateLimitedLog {
  private static final long MINUTE = 60_000_000_000L;

  private final Logger logger;
  private final Executor executor;
  private final int perMinute;
  private long windowStart = Long.MIN_VALUE;
  private int inWindow;
  private long suppressed;

  public RateLimitedLog(Logger logger, Executor executor, int perMinute) {
    this.logger = logger;
    this.executor = executor;
    this.perMinute = perMinute;
  }

  /** Logs {@code message} at WARN unless the minute's allowance is spent. */
  public void warn(String message) {
    String line;
    synchronized (this) {
      long now = System.nanoTime();
      if (windowStart == Long.MIN_VALUE || now - windowStart >= MINUTE) {
        windowStart = now;
        inWindow = 0;
      }
      if (inWindow >= perMinute) {
        suppressed++;
        return;
      }
      inWindow++;
      line = suppressed == 0 ? message : message + " (" + suppressed + " similar messages suppressed before this one)";
      suppressed = 0;
    }
    try {
      executor.execute(() -> logger.warn(line));
    } catch (RejectedExecutionException e) {
      // shutting down: nothing left to tell
    }
  }

  /** Messages not logged since the last one that was. */
  public synchronized long suppressed() {
    return suppressed;
  }
}
