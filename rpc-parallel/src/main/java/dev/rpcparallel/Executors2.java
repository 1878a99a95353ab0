package dev.rpcparallel;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/** The default handler executor: virtual threads on JDKs that have them, else an {@link ElasticExecutor}. */
final class Executors2 {
  private Executors2() {}

  static ExecutorService defaultHandlerExecutor() {
    try {
      Object ex = Executors.class.getMethod("newVirtualThreadPerTaskExecutor").invoke(null);
      return (ExecutorService) ex;
    } catch (ReflectiveOperationException | RuntimeException e) {
      AtomicInteger n = new AtomicInteger();
      ThreadFactory tf = r -> {
        Thread t = new Thread(r, "rpc-parallel-handler-" + n.incrementAndGet());
        t.setDaemon(true);
        return t;
      };
      return new ElasticExecutor(2 * Runtime.getRuntime().availableProcessors(), tf);
    }
  }
}
