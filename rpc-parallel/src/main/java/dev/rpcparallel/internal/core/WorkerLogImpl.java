package dev.rpcparallel.internal.core;

import dev.rpcparallel.LogEntry;
import dev.rpcparallel.StreamWriter;
import dev.rpcparallel.WorkerLog;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A worker's log: SLF4J plus fan-out to the current subscribers. A subscriber that is behind
 * (no stream credit) misses messages rather than slowing the worker down. Thread-safe.
 */
public final class WorkerLogImpl implements WorkerLog {
  private static final Logger log = LoggerFactory.getLogger("dev.rpcparallel.worker");

  private final String worker;
  private final Set<StreamWriter<LogEntry>> subscribers = ConcurrentHashMap.newKeySet();

  public WorkerLogImpl(String worker) {
    this.worker = worker;
  }

  /** Adds a subscriber until its stream closes. */
  public void subscribe(StreamWriter<LogEntry> out) {
    subscribers.add(out);
    out.onClose(() -> subscribers.remove(out));
  }

  @Override
  public void info(String message) {
    log.info("[{}] {}", worker, message);
    publish("INFO", message);
  }

  @Override
  public void warn(String message) {
    log.warn("[{}] {}", worker, message);
    publish("WARN", message);
  }

  @Override
  public void error(String message) {
    log.error("[{}] {}", worker, message);
    publish("ERROR", message);
  }

  private void publish(String level, String message) {
    if (subscribers.isEmpty()) {
      return;
    }
    LogEntry e = new LogEntry(Instant.now(), level, worker, message);
    for (StreamWriter<LogEntry> s : subscribers) {
      if (s instanceof OutboundStream<LogEntry> o) {
        o.offer(e);
      } else {
        s.write(e);
      }
    }
  }
}
