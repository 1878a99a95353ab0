package dev.rpcparallel.mapreduce.internal;

import dev.rpcparallel.Implementations;
import dev.rpcparallel.OneWay;
import dev.rpcparallel.Rpc;
import dev.rpcparallel.SimpleWorkerSpec;
import dev.rpcparallel.WorkerContext;
import dev.rpcparallel.codec.Codec;
import dev.rpcparallel.codec.Codecs;
import dev.rpcparallel.mapreduce.MapFunction;
import dev.rpcparallel.mapreduce.ReduceFunction;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Semaphore;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The worker of a pool: it instantiates the user's {@link MapFunction} or {@link ReduceFunction}
 * by name, initialises it once, and maps batches of encoded inputs. Inputs, outputs and
 * accumulators travel as the function's own encodings, so one worker type serves every
 * function; the function's codec shapes, sent at init, are checked against the worker's copy of
 * the class. Built on the public API only.
 */
public final class PoolWorker extends SimpleWorkerSpec<PoolWorker.Init, PoolWorker.State> {

  /** The init argument: which function, its parameter, this worker's index, the expected shapes. */
  public record Init(String functionClass, byte[] param, int workerIndex, String shapes) {
    static final Codec<Init> CODEC = Codecs.derive(Init.class);
  }

  /**
   * A contiguous run of {@code count} inputs, {@code firstIndex} onwards, encoded one after the
   * other with the function's input codec in {@code items} (no per-input framing or objects).
   */
  public record Batch(long task, long firstIndex, int count, byte[] items) {
    static final Codec<Batch> CODEC = Codecs.derive(Batch.class);
  }

  /** Maps a batch; answers the outputs encoded one after the other, in order. */
  public static final Rpc<PoolWorker, Batch, byte[]> MAP = Rpc.of("pool.map", Batch.CODEC, Codecs.BYTES);
  public static final Rpc<PoolWorker, Batch, byte[]> MAP_REDUCE = Rpc.of("pool.map_reduce", Batch.CODEC, Codecs.BYTES);
  public static final Rpc<PoolWorker, List<byte[]>, byte[]> COMBINE = Rpc.of("pool.combine", Codecs.list(Codecs.BYTES), Codecs.BYTES);
  public static final OneWay<PoolWorker, Long> CANCEL = OneWay.of("pool.cancel", Codecs.LONG);

  /** The worker's state: the function and what is running. */
  public static final class State {
    final Runner runner;
    /**
     * One batch runs at a time, the next waits here (a worker is one unit of parallelism, as a
     * process of Python's Pool or of the original is: N workers use N cores).
     */
    final Semaphore turn = new Semaphore(1, true);
    final Map<Long, Thread> running = new ConcurrentHashMap<>();
    /** Tasks cancelled before they started (the last few hundred; older ones have long run). */
    final Set<Long> cancelledEarly = Collections.newSetFromMap(new LinkedHashMap<>() {
      @Override
      protected boolean removeEldestEntry(Map.Entry<Long, Boolean> eldest) {
        return size() > 512;
      }
    });

    State(Runner runner) {
      this.runner = runner;
    }
  }

  public PoolWorker() {
    super(Init.CODEC);
  }

  /** The shapes a function's codecs must have on both ends. */
  public static String shapes(Object function) {
    if (function instanceof MapFunction<?, ?, ?> f) {
      return "map(" + f.paramCodec().shape() + ";" + f.inputCodec().shape() + ")->" + f.outputCodec().shape();
    }
    if (function instanceof ReduceFunction<?, ?, ?> f) {
      return "reduce(" + f.paramCodec().shape() + ";" + f.inputCodec().shape() + ")->" + f.accumulatorCodec().shape();
    }
    throw new IllegalArgumentException(function.getClass().getName() + " is neither a MapFunction nor a ReduceFunction");
  }

  @Override
  public State initWorkerState(Init init, WorkerContext context) throws Exception {
    Object function = Class.forName(init.functionClass()).getConstructor().newInstance();
    String mine = shapes(function);
    if (!mine.equals(init.shapes())) {
      throw new IllegalStateException("function " + init.functionClass() + " differs between master and worker: master has "
          + init.shapes() + ", worker has " + mine);
    }
    Runner runner = function instanceof MapFunction<?, ?, ?> m ? Runner.of(m) : Runner.of((ReduceFunction<?, ?, ?>) function);
    runner.init(init.param(), init.workerIndex());
    return new State(runner);
  }

  @Override
  public void implement(Implementations<State, Void> table) {
    table
        .rpc(MAP, (s, c, b) -> run(s, b, () -> s.runner.mapAll(b)))
        .rpc(MAP_REDUCE, (s, c, b) -> run(s, b, () -> s.runner.reduceAll(b)))
        .rpc(COMBINE, (s, c, pair) -> inTurn(s, () -> s.runner.combine(pair.get(0), pair.get(1))))
        .oneWay(CANCEL, (s, c, task) -> {
          synchronized (s) {
            Thread t = s.running.get(task);
            if (t != null) {
              t.interrupt();
            } else {
              s.cancelledEarly.add(task);
            }
          }
        });
  }

  /**
   * Work that may be cancelled (the thread running or waiting to run task {@code b.task()} is
   * interrupted on CANCEL), run one at a time.
   */
  private static <T> T run(State s, Batch b, Body<T> body) throws Exception {
    synchronized (s) {
      if (s.cancelledEarly.remove(b.task())) {
        throw new InterruptedException("task " + b.task() + " was cancelled before it started");
      }
      s.running.put(b.task(), Thread.currentThread());
    }
    try {
      return inTurn(s, body); // a CANCEL interrupts the wait for the turn too
    } finally {
      synchronized (s) {
        s.running.remove(b.task());
        Thread.interrupted(); // a CANCEL that came too late must not hit the next task of this thread
      }
    }
  }

  private static <T> T inTurn(State s, Body<T> body) throws Exception {
    s.turn.acquire();
    try {
      return body.run();
    } finally {
      s.turn.release();
    }
  }

  private interface Body<T> {
    T run() throws Exception;
  }
}
