package dev.rpcparallel.internal.engine;

import dev.rpcparallel.SpawnOptions;
import dev.rpcparallel.internal.concurrent.HandlerExecutors;
import dev.rpcparallel.internal.process.ChildProcess;
import dev.rpcparallel.internal.process.LaunchSpec;
import dev.rpcparallel.internal.process.Output;
import dev.rpcparallel.internal.process.Reaper;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Spare worker JVMs: started ahead with one spawn's launch (java, options, class path, env,
 * directory, output), warmed up ({@link WarmUp}) and waiting on stdin for a bootstrap. A spawn
 * whose launch is the same takes one ({@link #take}) and writes its bootstrap; a new spare is
 * started in the background for each one taken. Spares obey the orphan rule of every local
 * worker: EOF on stdin (the master closed it, or died) ends them. Thread-safe.
 */
final class SparePool {
  private static final Logger log = LoggerFactory.getLogger(SparePool.class);

  private final int size;
  /** The command a matching spawn would run, without its last word (the worker's name for ps). */
  private final List<String> key;
  /** How spares start: env, directory, output (its command is unused: see {@link #command}). */
  private final LaunchSpec launch;
  /** The command of the next spare (it may change: e.g. a class-data archive appeared). */
  private final java.util.function.Supplier<List<String>> command;
  private final Deque<ChildProcess> ready = new ArrayDeque<>();
  private final ExecutorService starter =
      Executors.newSingleThreadExecutor(HandlerExecutors.daemonThreads("rpc-parallel-spares"));
  private int started;
  private boolean closed;

  /**
   * @param size how many spares to keep
   * @param key the launch command of a spawn that may take a spare, name argument removed
   * @param launch how to start a spare: env, directory, output
   * @param command the command of each spare, made when it starts (with the {@link WorkerRuntime#SPARE_PROPERTY})
   */
  SparePool(int size, List<String> key, LaunchSpec launch, java.util.function.Supplier<List<String>> command) {
    if (launch.stdout().kind() != Output.Kind.FORWARD && launch.stdout().kind() != Output.Kind.DISCARD
        || launch.stderr().kind() != Output.Kind.FORWARD && launch.stderr().kind() != Output.Kind.DISCARD) {
      throw new IllegalArgumentException("spare workers' stdout and stderr must be forwarded or discarded, not redirected to files");
    }
    this.size = size;
    this.key = List.copyOf(key);
    this.launch = launch;
    this.command = command;
  }

  /** Starts the spares, in the background. */
  void start() {
    for (int i = 0; i < size; i++) {
      starter.execute(this::startOne);
    }
  }

  private void startOne() {
    String name;
    synchronized (this) {
      if (closed) {
        return;
      }
      name = "spare-" + (++started);
    }
    ChildProcess p;
    try {
      p = ChildProcess.start(new LaunchSpec(name, command.get(), launch.env(), launch.directory(),
          launch.stdout(), launch.stderr(), launch.newSession()));
    } catch (IOException | RuntimeException e) {
      log.warn("cannot start a spare worker JVM: {}", e.toString());
      return;
    }
    synchronized (this) {
      ready.addLast(p); // even when closing: close() ends whatever is here after the starter stopped
    }
  }

  /**
   * A live spare for a spawn whose launch (without class-data cache options) is {@code spawn}, renamed {@code name}, or empty if
   * the launch differs or no spare is ready (the spawn then starts a JVM itself). Each spare
   * taken, or found dead, is replaced in the background.
   */
  Optional<ChildProcess> take(LaunchSpec spawn, String name) {
    if (!matches(spawn)) {
      return Optional.empty();
    }
    List<ChildProcess> dead = new ArrayList<>();
    ChildProcess found = null;
    synchronized (this) {
      while (!closed && found == null && !ready.isEmpty()) {
        ChildProcess p = ready.pollFirst();
        if (p.isAlive()) {
          found = p;
        } else {
          dead.add(p);
        }
      }
    }
    for (ChildProcess p : dead) {
      log.warn("spare worker JVM {} exited while it waited (status {}); its last lines: {}",
          p.name(), p.process().exitValue(), p.lastLines());
    }
    for (int i = 0; i < dead.size() + (found != null ? 1 : 0); i++) {
      starter.execute(this::startOne);
    }
    if (found != null) {
      found.rename(name);
    }
    return Optional.ofNullable(found);
  }

  private boolean matches(LaunchSpec spawn) {
    List<String> c = spawn.command();
    return !c.isEmpty() && c.subList(0, c.size() - 1).equals(key) && spawn.env().equals(launch.env())
        && spawn.directory().equals(launch.directory()) && spawn.stdout().equals(launch.stdout())
        && spawn.stderr().equals(launch.stderr()) && spawn.newSession() == launch.newSession();
  }

  /**
   * Begins to end the spares: no spare is started after this, and those waiting get EOF on
   * stdin, on which they exit with status 0 (once their warm-up is over).
   */
  void beginClose() {
    List<ChildProcess> waiting;
    synchronized (this) {
      closed = true;
      waiting = new ArrayList<>(ready);
    }
    starter.shutdown();
    for (ChildProcess p : waiting) {
      p.closeStdin();
    }
  }

  /** Waits until {@code deadlineNanos} for every spare to exit, then kills those left. */
  void awaitClosed(long deadlineNanos) {
    try {
      starter.awaitTermination(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    List<ChildProcess> all;
    synchronized (this) {
      all = new ArrayList<>(ready); // including any started while closing
      ready.clear();
    }
    for (ChildProcess p : all) {
      p.closeStdin();
    }
    for (ChildProcess p : all) {
      Reaper.awaitOrKill(p.process(), deadlineNanos);
    }
  }

  /** For the JVM's shutdown hook: kills every spare at once. */
  synchronized void killNow() {
    closed = true;
    for (ChildProcess p : ready) {
      p.process().destroyForcibly();
    }
  }
}
