package dev.rpcparallel.managed;

import java.time.Duration;
import java.util.Objects;

/**
 * What a {@link ManagedWorker} does when its worker exits without being killed.
 *
 * <ul>
 *   <li>{@link #none()} (the default, as the original's {@code Managed}): nothing; the managed
 *       worker is given up and calls fail with the exit status.
 *   <li>{@link #restart(int, Duration)}: a new worker is spawned (same spec, init argument and
 *       options), after a backoff that doubles with each restart within the window (from {@link
 *       #backoff initial} up to its maximum); after {@code maxRestarts} restarts within {@code
 *       window}, the next exit gives the worker up. A spawn that fails counts as an exit.
 * </ul>
 *
 * <p>Immutable.
 */
public final class Supervision {
  private static final Supervision NONE = new Supervision(0, Duration.ZERO, Duration.ZERO, Duration.ZERO);

  private final int maxRestarts;
  private final Duration window;
  private final Duration initialBackoff;
  private final Duration maxBackoff;

  private Supervision(int maxRestarts, Duration window, Duration initialBackoff, Duration maxBackoff) {
    this.maxRestarts = maxRestarts;
    this.window = window;
    this.initialBackoff = initialBackoff;
    this.maxBackoff = maxBackoff;
  }

  /** No restarts: a worker that exits is given up. */
  public static Supervision none() {
    return NONE;
  }

  /**
   * Restarts a worker that exits, up to {@code maxRestarts} times within any {@code window};
   * backoff 100 ms doubling up to 10 s (see {@link #backoff}).
   *
   * @throws IllegalArgumentException if {@code maxRestarts} is not positive or {@code window} is
   *     not positive
   */
  public static Supervision restart(int maxRestarts, Duration window) {
    if (maxRestarts < 1) {
      throw new IllegalArgumentException("maxRestarts must be positive, got " + maxRestarts);
    }
    if (window.isNegative() || window.isZero()) {
      throw new IllegalArgumentException("window must be positive, got " + window);
    }
    return new Supervision(maxRestarts, window, Duration.ofMillis(100), Duration.ofSeconds(10));
  }

  /**
   * The same policy with another backoff: the first restart waits {@code initial}, each further
   * restart within the window twice as long as the one before, never more than {@code max}.
   *
   * @throws IllegalArgumentException if this is {@link #none()}, a duration is negative, or
   *     {@code max < initial}
   */
  public Supervision backoff(Duration initial, Duration max) {
    if (maxRestarts == 0) {
      throw new IllegalArgumentException("Supervision.none() has no backoff; use Supervision.restart(...)");
    }
    if (initial.isNegative() || max.compareTo(initial) < 0) {
      throw new IllegalArgumentException("backoff needs 0 <= initial <= max, got " + initial + " and " + max);
    }
    return new Supervision(maxRestarts, window, Objects.requireNonNull(initial), Objects.requireNonNull(max));
  }

  /** Restarts allowed within {@link #window()}; 0 for {@link #none()}. */
  public int maxRestarts() {
    return maxRestarts;
  }

  /** The window that restarts are counted in. */
  public Duration window() {
    return window;
  }

  /** The wait before a restart that is the {@code n}th within the window (from 1). */
  Duration backoffBefore(int n) {
    Duration d = initialBackoff;
    for (int i = 1; i < n && d.compareTo(maxBackoff) < 0; i++) {
      d = d.multipliedBy(2);
    }
    return d.compareTo(maxBackoff) > 0 ? maxBackoff : d;
  }

  @Override
  public String toString() {
    return maxRestarts == 0 ? "Supervision.none()"
        : "Supervision.restart(" + maxRestarts + ", " + window + ").backoff(" + initialBackoff + ", " + maxBackoff + ")";
  }
}
