package dev.rpcparallel;

import dev.rpcparallel.codec.BinaryReader;
import dev.rpcparallel.codec.BinaryWriter;
import dev.rpcparallel.codec.Codec;
import dev.rpcparallel.codec.Codecs;
import java.time.Instant;
import java.util.Objects;

/**
 * One message of a worker's log, as streamed by {@link Connection#subscribeLog()}.
 *
 * @param time when it was logged
 * @param level {@code "TRACE"}, {@code "DEBUG"}, {@code "INFO"}, {@code "WARN"} or {@code "ERROR"}
 * @param worker the worker's name or id
 * @param logger the SLF4J logger name, or {@code "worker"} for {@link WorkerContext#log()}
 * @param message the text (with a throwable's stack trace appended, if one was logged)
 */
public record LogEntry(Instant time, String level, String worker, String logger, String message) {
  /**
   * Checks that every component is present.
   *
   * @throws NullPointerException naming the first null component
   */
  public LogEntry {
    Objects.requireNonNull(time, "time");
    Objects.requireNonNull(level, "level");
    Objects.requireNonNull(worker, "worker");
    Objects.requireNonNull(logger, "logger");
    Objects.requireNonNull(message, "message");
  }

  /** Wire codec. */
  public static final Codec<LogEntry> CODEC = Codec.of(
      "LogEntry{time:instant,level:string,worker:string,logger:string,message:string}", LogEntry::write, LogEntry::read);

  private static void write(LogEntry e, BinaryWriter out) {
    Codecs.INSTANT.encode(e.time, out);
    out.writeString(e.level).writeString(e.worker).writeString(e.logger).writeString(e.message);
  }

  private static LogEntry read(BinaryReader in) {
    Instant t = Codecs.INSTANT.decode(in);
    return new LogEntry(t, in.readString(), in.readString(), in.readString(), in.readString());
  }
}
