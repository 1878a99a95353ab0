package dev.rpcparallel.internal.protocol;

import java.time.Duration;

/** Short human-readable durations for messages: {@code 500ms}, {@code 30s}, {@code 2m}. */
public final class Durations {
  private Durations() {}

  public static String format(Duration d) {
    long ms = d.toMillis();
    if (ms % 60_000 == 0 && ms >= 60_000) {
      return (ms / 60_000) + "m";
    }
    if (ms % 1000 == 0) {
      return (ms / 1000) + "s";
    }
    return ms + "ms";
  }
}
