package dev.rpcparallel;

/**
 * A worker's log: messages go to SLF4J in the worker and to every current subscriber of the
 * worker's log stream ({@link Connection#subscribeLog()}). Nothing is buffered for later
 * subscribers. Thread-safe.
 */
public interface WorkerLog {
  /**
   * Logs {@code message} at level {@code INFO}: through SLF4J (logger {@code
   * dev.rpcparallel.worker}, prefixed with {@code [worker name]}), and to subscribers as a {@link
   * LogEntry} whose logger is {@code "worker"}.
   */
  void info(String message);

  /** Logs {@code message} at level {@code WARN}, as {@link #info} does. */
  void warn(String message);

  /** Logs {@code message} at level {@code ERROR}, as {@link #info} does. */
  void error(String message);
}
