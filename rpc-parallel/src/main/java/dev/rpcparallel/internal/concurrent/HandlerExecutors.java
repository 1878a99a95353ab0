package dev.rpcparallel.internal.concurrent;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/** The default handler executor: virtual threads on JDKs that have them, else an {@link ElasticExecutor}. */
public final class HandlerExecutors {
  private HandlerExecutors() {}

  /**
   * Most handler threads on JDKs without virtual threads. Per-connection limits bound what one
   * connection can hold; this bounds them all, well below common {@code pid_max} values.
   */
  public static final int MAX_PLATFORM_THREADS = 4096;

  public static ExecutorService create() {
    try {
      return (ExecutorService) Executors.class.getMethod("newVirtualThreadPerTaskExecutor").invoke(null);
    } catch (ReflectiveOperationException | RuntimeException e) {
      return new ElasticExecutor(2 * Runtime.getRuntime().availableProcessors(), MAX_PLATFORM_THREADS,
          daemonThreads("rpc-parallel-handler"));
    }
  }

  /** Daemon platform threads named {@code prefix-1}, {@code prefix-2}, ... */
  public static ThreadFactory daemonThreads(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
