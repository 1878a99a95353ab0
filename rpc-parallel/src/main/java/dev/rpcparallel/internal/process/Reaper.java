package dev.rpcparallel.internal.process;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** Ends processes: TERM, then KILL after a grace period, always waiting so none is left a zombie. */
public final class Reaper {
  /** Grace between TERM and KILL, and how long to wait for the kill. */
  public static final Duration KILL_GRACE = Duration.ofSeconds(5);

  private Reaper() {}

  /** TERM, then KILL after {@link #KILL_GRACE}; returns once the process is reaped (or the waits ran out). */
  public static void kill(Process p) {
    if (!p.isAlive()) {
      return;
    }
    p.destroy();
    try {
      if (!p.waitFor(KILL_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly().waitFor(KILL_GRACE.toMillis(), TimeUnit.MILLISECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.destroyForcibly();
    }
  }

  /** Waits until {@code deadlineNanos} ({@link System#nanoTime()}) for {@code p} to exit, then kills it. */
  public static void awaitOrKill(Process p, long deadlineNanos) {
    if (!awaitUntil(p, deadlineNanos)) {
      kill(p);
    }
  }

  /** Waits up to {@code max} for {@code p} to exit; returns whether it did. */
  public static boolean await(Process p, Duration max) {
    return awaitUntil(p, System.nanoTime() + max.toNanos());
  }

  private static boolean awaitUntil(Process p, long deadlineNanos) {
    try {
      return p.waitFor(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return !p.isAlive();
    }
  }
}
