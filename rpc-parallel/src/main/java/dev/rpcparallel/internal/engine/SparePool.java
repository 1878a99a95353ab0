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
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Spare worker JVMs: started ahead with one spawn's launch (java, options, class path, env,
 * directory, output), warmed up ({@link WarmUp}), given a first bootstrap (the application and
 * its master: the spare builds its application and connects to the master as spare {@code id}),
 * and waiting on stdin for the second. A spawn whose launch is the same takes one ({@link #take})
 * and writes the second bootstrap (the worker it becomes); a new spare is
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
  /** How a spare learns its application and master (its first bootstrap), from its id. */
  private final java.util.function.Function<UUID, byte[]> firstBootstrap;
  private final Deque<Spare> ready = new ArrayDeque<>();
  /** Ids of spares started and not yet exited (waiting or taken); those may connect to the master. */
  private final Set<UUID> live = ConcurrentHashMap.newKeySet();
  /** Ids of live spares whose master connection is open. */
  private final Set<UUID> connected = ConcurrentHashMap.newKeySet();
  /**
   * How long after a spare is taken its replacement starts. A JVM's start takes about a core-second:
   * started at once, it would compete for the CPU with the worker the spare is becoming (on two
   * cores, the spawn took a third longer), when that worker's first calls matter most.
   */
  static final long REFILL_DELAY_MILLIS = 250;
  private final ScheduledThreadPoolExecutor starter = starter();
  private int started;
  private boolean closed;

  /**
   * @param size how many spares to keep
   * @param key the launch command of a spawn that may take a spare, name argument removed
   * @param launch how to start a spare: env, directory, output
   * @param command the command of each spare, made when it starts (with the {@link WorkerRuntime#SPARE_PROPERTY})
   */
  SparePool(int size, List<String> key, LaunchSpec launch, java.util.function.Supplier<List<String>> command,
      java.util.function.Function<UUID, byte[]> firstBootstrap) {
    if (launch.stdout().kind() != Output.Kind.FORWARD && launch.stdout().kind() != Output.Kind.DISCARD
        || launch.stderr().kind() != Output.Kind.FORWARD && launch.stderr().kind() != Output.Kind.DISCARD) {
      throw new IllegalArgumentException("spare workers' stdout and stderr must be forwarded or discarded, not redirected to files");
    }
    this.size = size;
    this.key = List.copyOf(key);
    this.launch = launch;
    this.command = command;
    this.firstBootstrap = firstBootstrap;
  }

  /** A spare JVM and the id it connects to the master with (not the id of the worker it becomes). */
  record Spare(ChildProcess process, UUID id) {}

  private static ScheduledThreadPoolExecutor starter() {
    ScheduledThreadPoolExecutor e = new ScheduledThreadPoolExecutor(1, HandlerExecutors.daemonThreads("rpc-parallel-spares"));
    e.setExecuteExistingDelayedTasksAfterShutdownPolicy(false); // closing: no replacement is started
    return e;
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
    UUID id = UUID.randomUUID();
    ChildProcess p;
    try {
      p = ChildProcess.start(new LaunchSpec(name, command.get(), launch.env(), launch.directory(),
          launch.stdout(), launch.stderr(), launch.newSession()));
    } catch (IOException | RuntimeException e) {
      log.warn("cannot start a spare worker JVM: {}", e.toString());
      return;
    }
    live.add(id);
    p.exit().whenComplete((status, error) -> {
      live.remove(id);
      connected.remove(id);
    });
    // Before any spawn can take it (and write the second bootstrap): a few hundred bytes fit in the pipe.
    p.writeStdin(firstBootstrap.apply(id));
    synchronized (this) {
      ready.addLast(new Spare(p, id)); // even when closing: close() ends whatever is here after the starter stopped
    }
  }

  /** A spare's master connection opened; false if {@code id} is no live spare of this pool. */
  boolean markConnected(UUID id) {
    if (!live.contains(id)) {
      return false;
    }
    connected.add(id);
    return true;
  }

  /** How many waiting spares are ready (alive and connected to the master): what a spawn can take now. */
  synchronized int readyCount() {
    return (int) ready.stream().filter(s -> s.process().isAlive() && connected.contains(s.id())).count();
  }

  /** Spare {@code id}'s master connection closed. */
  void markDisconnected(UUID id) {
    connected.remove(id);
  }

  /** Whether spare {@code id}'s master connection is open (see {@link #markConnected}). */
  boolean isConnected(UUID id) {
    return connected.contains(id);
  }

  /**
   * A ready spare (alive, warmed up, connected to the master) for a spawn whose launch (without class-data cache options) is {@code spawn}, renamed {@code name}, or empty if
   * the launch differs or no spare is ready (the spawn then starts a JVM itself). Each spare
   * taken, or found dead, is replaced in the background.
   */
  Optional<Spare> take(LaunchSpec spawn, String name) {
    if (!matches(spawn)) {
      return Optional.empty();
    }
    List<ChildProcess> dead = new ArrayList<>();
    Spare found = null;
    synchronized (this) {
      // The oldest ready spare: warmed up and connected to the master. One still starting is left
      // where it is: its start and warm-up (a core-second or more) would make the spawn slower
      // than a JVM of its own.
      for (java.util.Iterator<Spare> it = ready.iterator(); !closed && found == null && it.hasNext(); ) {
        Spare s = it.next();
        if (!s.process().isAlive()) {
          it.remove();
          dead.add(s.process());
        } else if (connected.contains(s.id())) {
          it.remove();
          found = s;
        }
      }
    }
    for (ChildProcess p : dead) {
      log.warn("spare worker JVM {} exited while it waited (status {}); its last lines: {}",
          p.name(), p.process().exitValue(), p.lastLines());
    }
    try {
      for (int i = 0; i < dead.size() + (found != null ? 1 : 0); i++) {
        starter.schedule(this::startOne, REFILL_DELAY_MILLIS, TimeUnit.MILLISECONDS);
      }
    } catch (RejectedExecutionException e) {
      // closing meanwhile: no replacement; the spare taken is the spawn's child now, ended with the others
    }
    if (found != null) {
      found.process().rename(name);
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
    List<ChildProcess> waiting = new ArrayList<>();
    synchronized (this) {
      closed = true;
      ready.forEach(s -> waiting.add(s.process()));
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
    List<ChildProcess> all = new ArrayList<>();
    synchronized (this) {
      ready.forEach(s -> all.add(s.process())); // including any started while closing
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
    for (Spare s : ready) {
      s.process().process().destroyForcibly();
    }
  }
}
