package dev.rpcparallel;

import dev.rpcparallel.codec.BinaryReader;
import dev.rpcparallel.codec.BinaryWriter;
import dev.rpcparallel.codec.Codec;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Where a spawned worker's stdout or stderr goes once the worker is ready. Before it is ready,
 * its stderr is always captured by the master (and shown in spawn errors). Relative paths are
 * resolved against the worker's working directory. Immutable.
 */
public final class Redirect {
  /** The kind of destination. */
  public enum Kind {
    DISCARD,
    APPEND,
    TRUNCATE,
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

  public Kind kind() {
    return kind;
  }

  /** The file, for {@code APPEND} and {@code TRUNCATE}. */
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

  /** Wire codec (the worker applies its redirects itself). */
  public static final Codec<Redirect> CODEC =
      Codec.of("Redirect{kind:i32,path:nullable<string>}", Redirect::write, Redirect::read);

  private static void write(Redirect r, BinaryWriter out) {
    out.writeVarInt(r.kind.ordinal());
    out.writeBoolean(r.path != null);
    if (r.path != null) {
      out.writeString(r.path);
    }
  }

  private static Redirect read(BinaryReader in) {
    int k = in.readVarInt();
    if (k < 0 || k >= Kind.values().length) {
      throw in.error("Redirect", "unknown kind " + k);
    }
    String p = in.readBoolean() ? in.readString() : null;
    return new Redirect(Kind.values()[k], p);
  }
}
