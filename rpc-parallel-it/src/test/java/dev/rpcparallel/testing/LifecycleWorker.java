package dev.rpcparallel.testing;

import dev.rpcparallel.Implementations;
import dev.rpcparallel.Rpc;
import dev.rpcparallel.SimpleWorkerSpec;
import dev.rpcparallel.WorkerContext;
import dev.rpcparallel.codec.Codecs;
import java.util.Optional;

/**
 * A worker for the spawn and lifecycle tests: it reports facts about its own process (pid,
 * parent pid, environment), prints on its stdout, and fails on request, synchronously or in the
 * background after returning. Init argument: any int; -1 makes initWorkerState throw "boom", -2
 * makes it print "initWorkerState hangs" on stderr and hang forever, -3 makes it take 5 s.
 */
public final class LifecycleWorker extends SimpleWorkerSpec<Integer, WorkerContext> {
  public static final Rpc<LifecycleWorker, Integer, Long> SUM = Rpc.of("sum", Codecs.INT, Codecs.LONG);
  /** The worker's process id. */
  public static final Rpc<LifecycleWorker, Void, Long> PID = Rpc.of("pid", Codecs.VOID, Codecs.LONG);
  /** The process id of the worker's parent process. */
  public static final Rpc<LifecycleWorker, Void, Long> PARENT_PID = Rpc.of("parent_pid", Codecs.VOID, Codecs.LONG);
  /** {@code System.getenv(key)}, empty if unset. */
  public static final Rpc<LifecycleWorker, String, Optional<String>> GETENV =
      Rpc.of("getenv", Codecs.STRING, Codecs.optional(Codecs.STRING));
  /** Prints the line on the worker's System.out (flushed). */
  public static final Rpc<LifecycleWorker, String, Void> PRINT = Rpc.of("print", Codecs.STRING, Codecs.VOID);
  /** Throws IllegalStateException(message) in the handler. */
  public static final Rpc<LifecycleWorker, String, Void> FAIL = Rpc.of("fail", Codecs.STRING, Codecs.VOID);
  /**
   * Returns at once after starting a thread that throws IllegalStateException(message) 50 ms
   * later: an uncaught background exception, which takes the worker down.
   */
  public static final Rpc<LifecycleWorker, String, Void> FAIL_LATER = Rpc.of("fail_later", Codecs.STRING, Codecs.VOID);
  /** Logs the message at WARN through SLF4J, on the logger {@link #SLF4J_LOGGER}. */
  public static final Rpc<LifecycleWorker, String, Void> LOG_SLF4J = Rpc.of("log_slf4j", Codecs.STRING, Codecs.VOID);
  public static final String SLF4J_LOGGER = "dev.rpcparallel.testing.lifecycle";
  /** Sleeps that many milliseconds, returns the argument. */
  public static final Rpc<LifecycleWorker, Integer, Integer> SLEEP = Rpc.of("sleep", Codecs.INT, Codecs.INT);

  /** How long initWorkerState takes with init argument -3. */
  public static final long SLOW_INIT_MILLIS = 5_000;

  public LifecycleWorker() {
    super(Codecs.INT);
  }

  @Override
  public WorkerContext initWorkerState(Integer arg, WorkerContext context) throws InterruptedException {
    if (arg != null && arg == -1) {
      throw new IllegalStateException("boom: init refused -1");
    }
    if (arg != null && arg == -2) {
      System.err.println("initWorkerState hangs");
      System.err.flush();
    }
    if (arg != null && arg == -3) {
      Thread.sleep(SLOW_INIT_MILLIS);
    }
    while (arg != null && arg == -2) {
      try {
        Thread.sleep(60_000);
      } catch (InterruptedException e) {
        // hang on regardless
      }
    }
    return context;
  }

  @Override
  public void implement(Implementations<WorkerContext, Void> table) {
    table
        .rpc(SUM, (s, c, n) -> {
          long total = 0;
          for (int i = 0; i < n; i++) {
            total += i;
          }
          return total;
        })
        .rpc(PID, (s, c, q) -> ProcessHandle.current().pid())
        .rpc(PARENT_PID, (s, c, q) -> ProcessHandle.current().parent().map(ProcessHandle::pid).orElse(-1L))
        .rpc(GETENV, (s, c, key) -> Optional.ofNullable(System.getenv(key)))
        .rpc(PRINT, (s, c, line) -> {
          System.out.println(line);
          System.out.flush();
          return null;
        })
        .rpc(FAIL, (s, c, msg) -> {
          throw new IllegalStateException(msg);
        })
        .rpc(FAIL_LATER, (s, c, msg) -> {
          Thread t = new Thread(() -> {
            try {
              Thread.sleep(50);
            } catch (InterruptedException e) {
              return;
            }
            throwLater(msg);
          }, "lifecycle-fail-later");
          t.start();
          return null;
        })
        .rpc(LOG_SLF4J, (s, c, msg) -> {
          org.slf4j.LoggerFactory.getLogger(SLF4J_LOGGER).warn(msg);
          return null;
        })
        .rpc(SLEEP, (s, c, ms) -> {
          Thread.sleep(ms);
          return ms;
        });
  }

  /** A named frame, so that tests can find it in the remote stack. */
  static void throwLater(String msg) {
    throw new IllegalStateException(msg);
  }
}
