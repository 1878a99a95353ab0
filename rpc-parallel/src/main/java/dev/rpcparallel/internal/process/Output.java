package dev.rpcparallel.internal.process;

import java.nio.file.Path;

/**
 * Where a child's stdout or stderr goes, from the moment it starts: forwarded line by line to
 * ours with a prefix, discarded, or a file (appended to or truncated).
 *
 * @param kind the destination
 * @param file the file for {@code APPEND} and {@code TRUNCATE}, else null
 */
public record Output(Kind kind, Path file) {
  /** The destinations. */
  public enum Kind {
    FORWARD,
    DISCARD,
    APPEND,
    TRUNCATE
  }

  public static Output forward() {
    return new Output(Kind.FORWARD, null);
  }
}
