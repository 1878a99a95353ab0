package dev.rpcparallel.internal.pool;

import dev.rpcparallel.Connection;
import dev.rpcparallel.RpcParallel;
import dev.rpcparallel.RpcParallelException;
import dev.rpcparallel.SpawnOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The workers of a pool: spawned with {@code ShutdownOn.CONNECTION_CLOSED} (closing the pool's
 * connection ends a worker), watched (a connection that closes unexpectedly is a dead worker:
 * its jobs are told, and it is replaced if the plan says so), and ended by {@link #close()}.
 * Thread-safe.
 */
public final class Pool implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Pool.class);
  private static final AtomicInteger POOLS = new AtomicInteger();

  /** What a job hears about the pool's workers. */
  interface Listener {
    /** {@code slot} may have room: a worker joined, or finished work. */
    void room(Slot slot);

    /** {@code slot}'s worker died; {@code why} says how (with its exit status). */
    void slotLost(Slot slot, String why);

    /** The pool can run nothing more (closed, or no worker left and none could be started): {@code why}. */
    void poolEnded(RpcParallelException why);
  }

  private final RpcParallel app;
  private final Plan plan;
  private final PoolApi api;
  private final String name = "pool" + POOLS.incrementAndGet();
  private final PoolWorker.Init template;
  private final List<Slot> slots = new CopyOnWriteArrayList<>();
  private final Set<Listener> listeners = ConcurrentHashMap.newKeySet();
  private final AtomicInteger replacements = new AtomicInteger();
  private final Set<CompletableFuture<Slot>> starting = ConcurrentHashMap.newKeySet();
  private final ExecutorService callbacks = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "rpc-parallel-" + name + "-callbacks");
    t.setDaemon(true);
    return t;
  });
  private volatile boolean closing; // set under the lock, with starting

  private Pool(RpcParallel app, Plan plan, PoolApi api, PoolWorker.Init template) {
    this.app = app;
    this.plan = plan;
    this.api = api;
    this.template = template;
  }

  /**
   * Spawns the pool's workers and initialises {@code function} in each (with {@code param},
   * already encoded), as {@code api} runs it. Returns once every worker is ready; if any cannot
   * start, the others are ended and this throws.
   */
  public static Pool start(RpcParallel app, Plan plan, PoolApi api, Object function, byte[] param) {
    checkInstantiable(function.getClass());
    String shapes = api.function(function).shapes();
    Pool pool = new Pool(app, plan, api, new PoolWorker.Init(function.getClass().getName(), api.getClass().getName(), param, 0, shapes));
    List<CompletableFuture<Slot>> all = new ArrayList<>();
    for (int g = 0; g < plan.groups().size(); g++) {
      all.addAll(pool.spawnGroup(g, plan.groups().get(g).count()));
    }
    RuntimeException failure = null;
    for (CompletableFuture<Slot> f : all) {
      try {
        pool.slots.add(f.join());
      } catch (java.util.concurrent.CompletionException e) {
        if (failure == null) {
          failure = e.getCause() instanceof RuntimeException r ? r : e;
        }
      }
    }
    if (failure != null) {
      pool.close();
      throw failure;
    }
    return pool;
  }

  /** Workers make their own instance of the function by name: it must be a class they can make. */
  static void checkInstantiable(Class<?> c) {
    String problem = null;
    if (c.isAnonymousClass() || c.isLocalClass() || c.isSynthetic() || c.isHidden()) {
      problem = "is anonymous, local or a lambda";
    } else if (!java.lang.reflect.Modifier.isPublic(c.getModifiers())) {
      problem = "is not public";
    } else if (c.isMemberClass() && !java.lang.reflect.Modifier.isStatic(c.getModifiers())) {
      problem = "is an inner (non-static) class";
    } else {
      try {
        if (!java.lang.reflect.Modifier.isPublic(c.getConstructor().getModifiers())) {
          problem = "has no public no-argument constructor";
        }
      } catch (NoSuchMethodException e) {
        problem = "has no public no-argument constructor";
      }
    }
    if (problem != null) {
      throw new IllegalArgumentException("the pool's function " + c.getName() + " " + problem
          + "; each worker makes its own instance by name, so it must be a public top-level or static nested class"
          + " with a public no-argument constructor");
    }
  }

  /** Spawns a group, at most {@code spawnConcurrency} at a time (each start waits for one before it). */
  private List<CompletableFuture<Slot>> spawnGroup(int group, int count) {
    List<CompletableFuture<Slot>> out = new ArrayList<>();
    int concurrency = plan.spawnConcurrency();
    for (int i = 0; i < count; i++) {
      int index = i;
      String workerName = name + "-" + group + "-" + i;
      CompletableFuture<?> after = i >= concurrency ? out.get(i - concurrency) : CompletableFuture.completedFuture(null);
      out.add(after.handle((x, e) -> null).thenCompose(x -> spawn(group, index, workerName)));
    }
    return out;
  }

  private CompletableFuture<Slot> spawn(int group, int index, String workerName) {
    SpawnOptions options = plan.groups().get(group).options().toBuilder()
        .name(workerName)
        .stdout(plan.stdout().apply(index))
        .stderr(plan.stderr().apply(index))
        .onFailure(e -> log.warn("pool worker {} failed: {}", workerName, e.getMessage()))
        .build();
    PoolWorker.Init init = new PoolWorker.Init(template.functionClass(), template.apiClass(), template.param(), index, template.shapes());
    return app.spawnAndConnectAsync(new PoolWorker(), init, null, options).thenApply(c -> {
      Slot slot = new Slot(c, group, index, workerName);
      c.closeFuture().thenAccept(reason -> died(slot, reason));
      return slot;
    });
  }

  /** A worker's connection closed: unless the pool is closing, the worker is dead to its jobs. */
  private void died(Slot slot, String reason) {
    if (closing || slot.dead) {
      return;
    }
    slot.dead = true;
    slots.remove(slot);
    String status;
    try {
      status = "exit status " + app.onExit(slot.connection.worker()).get(2, TimeUnit.SECONDS);
    } catch (Exception e) {
      status = "still running; ended now";
      slot.connection.close();
    }
    String why = "worker " + slot.name + " was lost (" + reason + ", " + status + ")";
    for (Listener l : listeners) {
      l.slotLost(slot, why);
    }
    if (plan.replaceDeadWorkers() && !closing) {
      String name = slot.name + "-r" + replacements.incrementAndGet();
      CompletableFuture<Slot> replacement = spawn(slot.group, slot.index, name);
      starting.add(replacement);
      replacement.whenComplete((fresh, e) -> replaced(slot, replacement, fresh, e));
    }
  }

  private void replaced(Slot dead, CompletableFuture<Slot> replacement, Slot fresh, Throwable e) {
    boolean added = false;
    synchronized (this) {
      starting.remove(replacement);
      if (e == null && !closing) {
        slots.add(fresh);
        added = true;
      }
    }
    if (added) {
      roomOn(fresh);
    } else if (e == null) {
      fresh.connection.close(); // the pool closed meanwhile
    } else if (!closing) {
      log.warn("pool {} could not replace worker {}: {}", name, dead.name, e.toString());
      if (slots.isEmpty() && starting.isEmpty()) {
        RpcParallelException why = failure("every worker of the pool was lost, and a replacement for " + dead.name
            + " could not start: " + (e.getCause() != null ? e.getCause().getMessage() : e.getMessage()));
        for (Listener l : listeners) {
          l.poolEnded(why);
        }
      }
    }
  }

  /** Offers {@code slot}'s room to every job. */
  void roomOn(Slot slot) {
    for (Listener l : listeners) {
      l.room(slot);
    }
  }

  /** The live workers now. */
  List<Slot> slots() {
    return List.copyOf(slots);
  }

  int size() {
    return slots.size();
  }

  /** The number of live workers: 0 once the pool is closing. */
  public int workers() {
    return closing ? 0 : slots.size();
  }

  /** The API this pool serves. */
  PoolApi api() {
    return api;
  }

  Plan plan() {
    return plan;
  }

  /** Adds a job; a job added once the pool is closing ends at once ("the pool is closed"). */
  void addListener(Listener l) {
    synchronized (this) {
      if (!closing) { // close() sets closing under this lock, then tells every listener added before
        listeners.add(l);
        return;
      }
    }
    l.poolEnded(new RpcParallelException(RpcParallelException.Kind.CANCELLED, "the pool is closed"));
  }

  void removeListener(Listener l) {
    listeners.remove(l);
  }

  /**
   * Ends every worker: closes their connections (they exit by themselves) and waits up to 10 s
   * for them to exit. Idempotent.
   */
  @Override
  public void close() {
    List<CompletableFuture<Slot>> pending;
    synchronized (this) {
      closing = true;
      pending = List.copyOf(starting);
    }
    RpcParallelException closed = new RpcParallelException(RpcParallelException.Kind.CANCELLED, "the pool was closed");
    for (Listener l : listeners) {
      l.poolEnded(closed);
    }
    try {
      // Replacements being started end as soon as they are ready (see replaced()).
      CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      // failed to start, or RpcParallel.close() ends whatever is left
    }
    List<CompletableFuture<Integer>> exits = new ArrayList<>();
    List<Slot> all = new ArrayList<>(slots);
    for (CompletableFuture<Slot> p : pending) {
      if (p.isDone() && !p.isCompletedExceptionally()) {
        all.add(p.join());
      }
    }
    for (Slot s : all) {
      s.connection.close();
      try {
        exits.add(app.onExit(s.connection.worker()));
      } catch (RuntimeException e) {
        // not spawned here: nothing to wait for
      }
    }
    try {
      CompletableFuture.allOf(exits.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      // RpcParallel.close() ends whatever is left
    }
    callbacks.shutdown();
  }

  /** {@link #close()} on a thread of its own (for a job that ends on a connection's thread). */
  void closeAsync() {
    Thread t = new Thread(this::close, "rpc-parallel-" + name + "-close");
    t.setDaemon(true);
    t.start();
  }

  /** Threads that complete the futures handed to callers (never under a job's lock). */
  ExecutorService callbacks() {
    return callbacks;
  }

  /** Whether {@link #close()} was called. */
  boolean closing() {
    return closing;
  }

  static RpcParallelException failure(String message) {
    return new RpcParallelException(RpcParallelException.Kind.WORKER_FAILED, message);
  }
}
