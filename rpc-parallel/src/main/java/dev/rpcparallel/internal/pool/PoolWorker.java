package dev.rpcparallel.internal.pool;

import dev.rpcparallel.Implementations;
import dev.rpcparallel.OneWay;
import dev.rpcparallel.Rpc;
import dev.rpcparallel.SimpleWorkerSpec;
import dev.rpcparallel.WorkerContext;
import dev.rpcparallel.codec.Codec;
import dev.rpcparallel.codec.Codecs;
import java.lang.reflect.Constructor;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The worker of a pool: it instantiates the user's function by name, has the API's {@link
 * PoolApi} (also made by name) turn it into a {@link PoolFunction}, initialises it once, and maps
 * batches of encoded inputs. Inputs, outputs and accumulators travel as the function's own
 * encodings, so one worker type serves every function; the function's codec shapes, sent at
 * init, are checked against the worker's copy of the class. Built on the public API only (not on
 * {@code dev.rpcparallel.mapreduce}, which it serves). Worker JVMs make it by name: it stays
 * public, with a public no-argument constructor.
 */
public final class PoolWorker extends SimpleWorkerSpec<PoolWorker.Init, PoolWorker.State> {

  /**
   * The init argument: which function, which {@link PoolApi} adapts it, its parameter, this
   * worker's index, the expected shapes.
   */
  public record Init(String functionClass, String apiClass, byte[] param, int workerIndex, String shapes) {
    static final Codec<Init> CODEC = Codecs.derive(Init.class);
  }

  /**
   * A contiguous run of {@code count} inputs, {@code firstIndex} onwards, encoded one after the
   * other with the function's input codec in {@code items} (no per-input framing or objects).
   */
  public record Batch(long task, long firstIndex, int count, byte[] items) {
    static final Codec<Batch> CODEC = Codecs.derive(Batch.class);
  }

  /** Two accumulators to combine, left then right, as task {@code task}. */
  public record Combine(long task, byte[] left, byte[] right) {
    static final Codec<Combine> CODEC = Codecs.derive(Combine.class);
  }

  /** Maps a batch; answers the outputs encoded one after the other, in order. */
  public static final Rpc<PoolWorker, Batch, byte[]> MAP = Rpc.of("pool.map", Batch.CODEC, Codecs.BYTES);
  public static final Rpc<PoolWorker, Batch, byte[]> MAP_REDUCE = Rpc.of("pool.map_reduce", Batch.CODEC, Codecs.BYTES);
  public static final Rpc<PoolWorker, Combine, byte[]> COMBINE = Rpc.of("pool.combine", Combine.CODEC, Codecs.BYTES);
  /**
   * Sent just before a task's call on the same connection: queues the task, so the worker runs
   * its tasks in the order the master sent them (one-ways are handled in order, and a call starts
   * only after the one-ways sent before it; the calls' own handler threads race for the turn).
   */
  public static final OneWay<PoolWorker, Long> ENQUEUE = OneWay.of("pool.enqueue", Codecs.LONG);
  public static final OneWay<PoolWorker, Long> CANCEL = OneWay.of("pool.cancel", Codecs.LONG);

  /** The worker's state: the function and what is running. */
  public static final class State {
    final Runner runner;
    /**
     * Tasks in the order the master sent them; only the first runs, the others wait (a worker is
     * one unit of parallelism, as a process of Python's Pool or of the original is: N workers use
     * N cores). Guarded by this state's monitor, which waiting tasks wait on.
     */
    final ArrayDeque<Long> queue = new ArrayDeque<>();
    final Map<Long, Thread> running = new ConcurrentHashMap<>();
    /** Tasks cancelled before they started (the last few hundred; older ones have long run). */
    final Set<Long> cancelledEarly = recent();
    /** Tasks that have finished (the last few hundred), so a late ENQUEUE cannot queue them again. */
    final Set<Long> finished = recent();

    private static Set<Long> recent() {
      return Collections.newSetFromMap(new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, Boolean> eldest) {
          return size() > 512;
        }
      });
    }

    State(Runner runner) {
      this.runner = runner;
    }
  }

  public PoolWorker() {
    super(Init.CODEC);
  }

  @Override
  public State initWorkerState(Init init, WorkerContext context) throws Exception {
    Object instance = Class.forName(init.functionClass()).getConstructor().newInstance();
    PoolFunction<?, ?> function = api(init.apiClass()).function(instance);
    String mine = function.shapes();
    if (!mine.equals(init.shapes())) {
      throw new IllegalStateException("function " + init.functionClass() + " differs between master and worker: master has "
          + init.shapes() + ", worker has " + mine);
    }
    Runner runner = function instanceof PoolFunction.Mapper<?, ?, ?> m ? Runner.of(m) : Runner.of((PoolFunction.Reducer<?, ?, ?>) function);
    runner.init(init.param(), init.workerIndex());
    return new State(runner);
  }

  /** The API's adapter, made by name; only a {@link PoolApi} is made (its class need not be public). */
  private static PoolApi api(String className) throws ReflectiveOperationException {
    Class<?> c = Class.forName(className, false, PoolWorker.class.getClassLoader());
    if (!PoolApi.class.isAssignableFrom(c)) {
      throw new IllegalArgumentException(className + " is not a " + PoolApi.class.getName());
    }
    Constructor<?> constructor = c.getDeclaredConstructor();
    constructor.setAccessible(true); // same module: the API keeps it package-private
    return (PoolApi) constructor.newInstance();
  }

  @Override
  public void implement(Implementations<State, Void> table) {
    table
        .rpc(MAP, (s, c, b) -> run(s, b.task(), () -> s.runner.mapAll(b)))
        .rpc(MAP_REDUCE, (s, c, b) -> run(s, b.task(), () -> s.runner.reduceAll(b)))
        .rpc(COMBINE, (s, c, pair) -> run(s, pair.task(), () -> s.runner.combine(pair.left(), pair.right())))
        .oneWay(ENQUEUE, (s, c, task) -> {
          synchronized (s) {
            if (!s.queue.contains(task) && !s.running.containsKey(task) && !s.finished.contains(task)
                && !s.cancelledEarly.contains(task)) {
              s.queue.addLast(task);
            }
          }
        })
        .oneWay(CANCEL, (s, c, task) -> {
          synchronized (s) {
            Thread t = s.running.get(task);
            if (t != null) {
              t.interrupt(); // running, or waiting for its turn
            } else if (!s.finished.contains(task)) {
              s.cancelledEarly.add(task);
              if (s.queue.remove(task)) {
                s.notifyAll(); // it may have been first: the next one's turn
              }
            }
          }
        });
  }

  /**
   * Work that may be cancelled (the thread running or waiting to run task {@code b.task()} is
   * interrupted on CANCEL), run one at a time.
   */
  private static <T> T run(State s, long task, Body<T> body) throws Exception {
    synchronized (s) {
      if (s.cancelledEarly.remove(task)) {
        throw new InterruptedException("task " + task + " was cancelled before it started");
      }
      if (!s.queue.contains(task)) {
        s.queue.addLast(task); // not announced by ENQUEUE (a master that does not): last in line
      }
      s.running.put(task, Thread.currentThread());
    }
    try {
      synchronized (s) {
        while (!Long.valueOf(task).equals(s.queue.peekFirst())) { // a CANCEL interrupts the wait too
          s.wait();
        }
      }
      return body.run();
    } finally {
      synchronized (s) {
        s.running.remove(task);
        s.queue.remove(task);
        s.finished.add(task);
        s.notifyAll();
        Thread.interrupted(); // a CANCEL that came too late must not hit the next task of this thread
      }
    }
  }

  private interface Body<T> {
    T run() throws Exception;
  }
}
