package dev.rpcparallel.events;

import dev.rpcparallel.Connection;
import dev.rpcparallel.EventListener;
import dev.rpcparallel.Worker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/** Writes every event as a line ("spawnStarted ev", "callFinished sum RPC ok", ...), in the order heard. */
final class RecordingListener extends EventListener {
  private final List<String> events = new ArrayList<>();
  /** Spawn and call durations reported, for sanity checks. */
  volatile Duration lastSpawn;
  volatile long lastCallNanos = -1;

  private synchronized void add(String e) {
    events.add(e);
    notifyAll();
  }

  synchronized List<String> events() {
    return List.copyOf(events);
  }

  /** Waits up to 10 s for an event matching {@code p}; the events so far. */
  synchronized List<String> awaitEvent(Predicate<String> p) throws InterruptedException {
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (events.stream().noneMatch(p) && System.nanoTime() < deadline) {
      wait(100);
    }
    return List.copyOf(events);
  }

  private static String name(Worker<?> w) {
    return w.name().orElse(w.id().toString());
  }

  @Override
  public void spawnStarted(String name) {
    add("spawnStarted " + name);
  }

  @Override
  public void processStarted(String name, long pid) {
    add("processStarted " + name + (pid > 0 ? "" : " NO PID"));
  }

  @Override
  public void workerConnected(String name) {
    add("workerConnected " + name);
  }

  @Override
  public void initStarted(String name) {
    add("initStarted " + name);
  }

  @Override
  public void spawnReady(Worker<?> worker, Duration elapsed) {
    lastSpawn = elapsed;
    add("spawnReady " + name(worker));
  }

  @Override
  public void spawnFailed(String name, RuntimeException error, Duration elapsed) {
    lastSpawn = elapsed;
    add("spawnFailed " + name + " " + error.getClass().getSimpleName());
  }

  @Override
  public void workerExited(Worker<?> worker, int exitStatus) {
    add("workerExited " + name(worker) + " " + exitStatus);
  }

  @Override
  public void connectionOpened(Connection<?> connection) {
    add("connectionOpened " + name(connection.worker()));
  }

  @Override
  public void connectionClosed(Connection<?> connection, String reason) {
    add("connectionClosed " + name(connection.worker()) + " " + reason);
  }

  @Override
  public void callStarted(Connection<?> connection, String function, CallKind kind) {
    add("callStarted " + function + " " + kind);
  }

  @Override
  public void callFinished(Connection<?> connection, String function, CallKind kind, long elapsedNanos, Throwable failure) {
    lastCallNanos = elapsedNanos;
    add("callFinished " + function + " " + kind + " " + (failure == null ? "ok" : failure.getClass().getSimpleName()));
  }
}
