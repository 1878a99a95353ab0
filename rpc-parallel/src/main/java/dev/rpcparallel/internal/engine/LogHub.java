package dev.rpcparallel.internal.engine;

import dev.rpcparallel.LogEntry;
import dev.rpcparallel.WorkerLog;
import dev.rpcparallel.internal.protocol.Texts;
import dev.rpcparallel.internal.session.OutboundStream;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A worker's log: what {@link WorkerLog} receives goes to SLF4J and to every current subscriber;
 * in a spawned worker, {@link LogCapture} also feeds it everything logged through SLF4J. A
 * subscriber that is behind (no stream credit) misses messages rather than slowing the worker.
 * Thread-safe.
 */
final class LogHub implements WorkerLog {
  private static final Logger log = LoggerFactory.getLogger("dev.rpcparallel.worker");
  /** Set while this thread publishes, so logging done by the publishing path is not re-published. */
  private static final ThreadLocal<Boolean> PUBLISHING = new ThreadLocal<>();

  private final String worker;
  private final boolean capturesSlf4j;
  private final Set<OutboundStream<LogEntry>> subscribers = ConcurrentHashMap.newKeySet();

  /**
   * @param capturesSlf4j true if SLF4J output already reaches {@link #publish} (spawned workers),
   *     so messages of {@link WorkerLog} are not published twice
   */
  LogHub(String worker, boolean capturesSlf4j) {
    this.worker = worker;
    this.capturesSlf4j = capturesSlf4j;
  }

  /** Adds a subscriber until its stream closes. */
  void subscribe(OutboundStream<LogEntry> out) {
    subscribers.add(out);
    out.onClose(() -> subscribers.remove(out));
  }

  @Override
  public void info(String message) {
    log.info("[{}] {}", worker, message);
    publishOwn("INFO", message);
  }

  @Override
  public void warn(String message) {
    log.warn("[{}] {}", worker, message);
    publishOwn("WARN", message);
  }

  @Override
  public void error(String message) {
    log.error("[{}] {}", worker, message);
    publishOwn("ERROR", message);
  }

  private void publishOwn(String level, String message) {
    if (!capturesSlf4j) {
      publish(level, "worker", message);
    }
  }

  /** Whether anyone subscribes now. */
  boolean hasSubscribers() {
    return !subscribers.isEmpty();
  }

  /** Sends one message to the current subscribers. */
  void publish(String level, String logger, String message) {
    if (subscribers.isEmpty() || PUBLISHING.get() != null) {
      return;
    }
    PUBLISHING.set(Boolean.TRUE);
    try {
      String text = "dev.rpcparallel.worker".equals(logger) ? stripPrefix(message) : message;
      String name = "dev.rpcparallel.worker".equals(logger) ? "worker" : logger;
      LogEntry e = new LogEntry(Instant.now(), level, Texts.safe(worker), Texts.safe(name), Texts.safe(text));
      for (OutboundStream<LogEntry> s : subscribers) {
        try {
          s.offer(e);
        } catch (RuntimeException ignored) {
          // a message that cannot be encoded or sent is dropped; logging must never fail
        }
      }
    } finally {
      PUBLISHING.remove();
    }
  }

  private String stripPrefix(String message) {
    String prefix = "[" + worker + "] ";
    return message.startsWith(prefix) ? message.substring(prefix.length()) : message;
  }
}
