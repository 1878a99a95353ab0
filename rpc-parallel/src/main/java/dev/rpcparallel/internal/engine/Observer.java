package dev.rpcparallel.internal.engine;

import dev.rpcparallel.Connection;
import dev.rpcparallel.EventListener;
import dev.rpcparallel.EventListener.CallKind;
import dev.rpcparallel.StreamReader;
import dev.rpcparallel.Worker;
import dev.rpcparallel.internal.concurrent.RateLimitedLog;
import dev.rpcparallel.internal.jfr.CallEvent;
import dev.rpcparallel.internal.jfr.Jfr;
import dev.rpcparallel.internal.jfr.SpawnEvent;
import dev.rpcparallel.internal.jfr.SpawnPhaseEvent;
import dev.rpcparallel.internal.jfr.StreamEvent;
import dev.rpcparallel.internal.process.ChildProcess;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.function.BiConsumer;
import org.slf4j.LoggerFactory;

/**
 * Reports the engine's events to the application's {@link EventListener} and to JFR, and keeps a
 * listener's exceptions from reaching the library. The call path asks {@link #tracesCalls()} (a
 * final field and, while JFR has never started, one flag) before doing anything else, so that
 * without a listener and a recording a call allocates nothing more. Thread-safe.
 */
final class Observer {
  private final EventListener listener;
  /** A listener other than {@link EventListener#NONE}. */
  final boolean listening;
  private final RateLimitedLog failures;

  Observer(EventListener listener, Executor executor) {
    this.listener = listener != null ? listener : EventListener.NONE;
    this.listening = this.listener != EventListener.NONE;
    this.failures = new RateLimitedLog(LoggerFactory.getLogger(EventListener.class), executor, 10);
  }

  /** An observer that reports nothing to a listener (control connections); JFR still applies. */
  static Observer silent(Executor executor) {
    return new Observer(EventListener.NONE, executor);
  }

  /** Whether an rpc or one-way call must be traced. */
  boolean tracesCalls() {
    return listening || Jfr.calls();
  }

  /** Whether a pipe, reverse pipe or state call must be traced. */
  boolean tracesStreams() {
    return listening || Jfr.streams();
  }

  private void threw(String method, Throwable t) {
    failures.warn("EventListener " + listener.getClass().getName() + "." + method + " threw (ignored): " + t);
  }

  // ---- connections ----

  void connectionOpened(Connection<?> c) {
    if (listening) {
      try {
        listener.connectionOpened(c);
      } catch (Throwable t) {
        threw("connectionOpened", t);
      }
    }
  }

  void connectionClosed(Connection<?> c, String reason) {
    if (listening) {
      try {
        listener.connectionClosed(c, reason);
      } catch (Throwable t) {
        threw("connectionClosed", t);
      }
    }
  }

  // ---- calls ----

  /** Starts tracing a call: reports {@code callStarted} and begins its JFR event if enabled. */
  CallTrace call(Connection<?> c, String function, CallKind kind) {
    return new CallTrace(this, c, function, kind);
  }

  /**
   * One traced call. Finishes once ({@link #finish}); as a {@link BiConsumer} of a future's
   * outcome it finishes the call with the future's failure (mapped to the public types).
   */
  static final class CallTrace implements BiConsumer<Object, Throwable> {
    private static final AtomicIntegerFieldUpdater<CallTrace> FINISHED =
        AtomicIntegerFieldUpdater.newUpdater(CallTrace.class, "finished");
    private final Observer observer;
    private final Connection<?> connection;
    private final String function;
    private final CallKind kind;
    private final long start;
    private final CallEvent callEvent;
    private final StreamEvent streamEvent;
    private long items;
    private volatile int finished;

    CallTrace(Observer observer, Connection<?> connection, String function, CallKind kind) {
      this.observer = observer;
      this.connection = connection;
      this.function = function;
      this.kind = kind;
      boolean stream = kind == CallKind.PIPE || kind == CallKind.REVERSE_PIPE || kind == CallKind.STATE_RPC;
      this.callEvent = !stream && Jfr.calls() ? new CallEvent() : null;
      this.streamEvent = stream && Jfr.streams() ? new StreamEvent() : null;
      if (observer.listening) {
        try {
          observer.listener.callStarted(connection, function, kind);
        } catch (Throwable t) {
          observer.threw("callStarted", t);
        }
      }
      this.start = System.nanoTime();
      if (callEvent != null) {
        callEvent.begin();
      }
      if (streamEvent != null) {
        streamEvent.begin();
      }
    }

    /** {@code future}, completing once this call has finished with its outcome. */
    <T> CompletableFuture<T> watch(CompletableFuture<T> future) {
      return future.whenComplete(this);
    }

    @Override
    public void accept(Object value, Throwable failure) {
      finish(failure == null ? null : Errors.toApi(failure));
    }

    /** Ends the call (only the first time): commits its JFR event and reports {@code callFinished}. */
    void finish(Throwable failure) {
      if (!FINISHED.compareAndSet(this, 0, 1)) {
        return;
      }
      long elapsed = System.nanoTime() - start;
      if (callEvent != null) {
        callEvent.end();
        if (callEvent.shouldCommit()) {
          callEvent.worker = connection.worker().nameOrId();
          callEvent.function = function;
          callEvent.kind = kind.name();
          callEvent.failure = failure == null ? null : failure.toString();
          callEvent.commit();
        }
      }
      if (streamEvent != null) {
        streamEvent.end();
        if (streamEvent.shouldCommit()) {
          streamEvent.worker = connection.worker().nameOrId();
          streamEvent.function = function;
          streamEvent.kind = kind.name();
          streamEvent.items = items;
          streamEvent.failure = failure == null ? null : failure.toString();
          streamEvent.commit();
        }
      }
      if (observer.listening) {
        try {
          observer.listener.callFinished(connection, function, kind, elapsed, failure);
        } catch (Throwable t) {
          observer.threw("callFinished", t);
        }
      }
    }

    /** {@code in}, finishing this call when its reader sees the end or a failure, or closes it. */
    <T> StreamReader<T> reader(StreamReader<T> in) {
      return new StreamReader<>() {
        @Override
        public boolean hasNext() {
          boolean more;
          try {
            more = in.hasNext();
          } catch (RuntimeException e) {
            finish(e);
            throw e;
          }
          if (!more) {
            finish(null);
          }
          return more;
        }

        @Override
        public T next() {
          if (!hasNext()) {
            return in.next(); // throws NoSuchElementException
          }
          T v = in.next();
          items++;
          return v;
        }

        @Override
        public void close() {
          in.close();
          finish(null);
        }
      };
    }
  }

  // ---- spawns ----

  /** Starts tracing a spawn; nothing is reported until {@link SpawnTrace#started}. */
  SpawnTrace spawn() {
    return new SpawnTrace();
  }

  /**
   * The events of one spawn, in order, on the spawning thread; the JFR phase events each cover
   * the time since the previous phase ended.
   */
  final class SpawnTrace {
    private String name;
    private long start;
    private SpawnEvent spawnEvent;
    private SpawnPhaseEvent phaseEvent;
    private String phase;

    /** The spawn has a name: reports {@code spawnStarted}. */
    void started(String name) {
      this.name = name;
      this.start = System.nanoTime();
      if (Jfr.started()) {
        spawnEvent = new SpawnEvent();
        spawnEvent.begin();
      }
      nextPhase("launch");
      if (listening) {
        try {
          listener.spawnStarted(name);
        } catch (Throwable t) {
          threw("spawnStarted", t);
        }
      }
    }

    /** Ends the phase under way with a JFR event, and begins {@code next} (null: none). */
    private void nextPhase(String next) {
      if (phaseEvent != null) {
        phaseEvent.end();
        if (phaseEvent.shouldCommit()) {
          phaseEvent.worker = name;
          phaseEvent.phase = phase;
          phaseEvent.commit();
        }
        phaseEvent = null;
      }
      phase = next;
      if (next != null && Jfr.started()) {
        phaseEvent = new SpawnPhaseEvent();
        phaseEvent.begin();
      }
    }

    void processStarted(ChildProcess process) {
      nextPhase("connect");
      if (spawnEvent != null) {
        spawnEvent.pid = process.process().pid();
      }
      if (listening) {
        try {
          listener.processStarted(name, process.process().pid());
        } catch (Throwable t) {
          threw("processStarted", t);
        }
      }
    }

    void connected() {
      nextPhase("await init");
      if (listening) {
        try {
          listener.workerConnected(name);
        } catch (Throwable t) {
          threw("workerConnected", t);
        }
      }
    }

    void initStarted() {
      nextPhase("init");
      if (listening) {
        try {
          listener.initStarted(name);
        } catch (Throwable t) {
          threw("initStarted", t);
        }
      }
    }

    /** The spawn succeeded: reports {@code spawnReady}, then the worker's exit when it comes. */
    void ready(Worker<?> worker, ChildProcess process) {
      nextPhase(null);
      commitSpawn(null);
      if (listening) {
        try {
          listener.spawnReady(worker, Duration.ofNanos(System.nanoTime() - start));
        } catch (Throwable t) {
          threw("spawnReady", t);
        }
      }
      process.exit().thenAccept(status -> {
        Jfr.workerExit(name, status);
        if (listening) {
          try {
            listener.workerExited(worker, status);
          } catch (Throwable t) {
            threw("workerExited", t);
          }
        }
      });
    }

    /** The spawn failed with {@code e} (reported only if it had {@linkplain #started started}). */
    void failed(RuntimeException e) {
      if (name == null) {
        return;
      }
      nextPhase(null);
      commitSpawn(e);
      if (listening) {
        try {
          listener.spawnFailed(name, e, Duration.ofNanos(System.nanoTime() - start));
        } catch (Throwable t) {
          threw("spawnFailed", t);
        }
      }
    }

    private void commitSpawn(RuntimeException failure) {
      if (spawnEvent != null) {
        spawnEvent.end();
        if (spawnEvent.shouldCommit()) {
          spawnEvent.worker = name;
          spawnEvent.failure = failure == null ? null : failure.getMessage();
          spawnEvent.commit();
        }
      }
    }
  }
}
