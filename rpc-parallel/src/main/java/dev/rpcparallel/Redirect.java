package dev.rpcparallel;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Where a spawned worker's stdout or stderr goes. A redirect applies to the worker process's file
 * descriptor from the moment its JVM starts, so the JVM's own messages, native code and anything
 * printed in {@code initWorkerState} obey it. Relative paths are resolved against the worker's
 * working directory; files are created with mode 0600 if missing. If a spawn fails, its error
 * holds the last lines the worker printed: forwarded ones, or the new part of redirect files (a
 * discarded stream shows nothing). Immutable.
 */
public final class Redirect {
  /** The kind of destination. */
  public enum Kind {
    /** The output is thrown away ({@link Redirect#discard()}). */
    DISCARD,
    /** The output is appended to a file ({@link Redirect#appendTo(Path)}). */
    APPEND,
    /** The output replaces a file's content ({@link Redirect#truncate(Path)}). */
    TRUNCATE,
    /**
     * Each line is sent to the master and printed there with a prefix ({@link Redirect#forward()}).
     */
    FORWARD
  }

  private static final Redirect DISCARD = new Redirect(Kind.DISCARD, null);
  private static final Redirect FORWARD = new Redirect(Kind.FORWARD, null);

  private final Kind kind;
  private final String path;

  private Redirect(Kind kind, String path) {
    this.kind = kind;
    this.path = path;
  }

  /** Throw the output away. */
  public static Redirect discard() {
    return DISCARD;
  }

  /** Append to a file (created if missing). */
  public static Redirect appendTo(Path file) {
    return new Redirect(Kind.APPEND, file.toString());
  }

  /** Write to a file, truncating it first. */
  public static Redirect truncate(Path file) {
    return new Redirect(Kind.TRUNCATE, file.toString());
  }

  /**
   * Send each line to the master, which prints it on its own stdout or stderr prefixed with
   * {@code [WORKER name STDOUT]} or {@code [WORKER name STDERR]}.
   */
  public static Redirect forward() {
    return FORWARD;
  }

  /**
   * The kind of destination; {@link #path()} holds the file of {@code APPEND} and {@code TRUNCATE}.
   */
  public Kind kind() {
    return kind;
  }

  /** The file, for {@code APPEND} and {@code TRUNCATE}; null for the other kinds. */
  public Path path() {
    return path == null ? null : Path.of(path);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Redirect r && r.kind == kind && Objects.equals(r.path, path);
  }

  @Override
  public int hashCode() {
    return Objects.hash(kind, path);
  }

  @Override
  public String toString() {
    return path == null ? kind.name().toLowerCase() : kind.name().toLowerCase() + " " + path;
  }
}
