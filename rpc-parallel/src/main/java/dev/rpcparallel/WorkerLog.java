package dev.rpcparallel;

/**
 * A worker's log: messages go to SLF4J in the worker and to every current subscriber of the
 * worker's log stream ({@link Connection#subscribeLog()}). Nothing is buffered for later
 * subscribers. Thread-safe.
 */
public interface WorkerLog {
  void info(String message);

  void warn(String message);

  void error(String message);
}
