package dev.rpcparallel.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test that leaks: a descendant process of the test JVM still alive, a platform thread
 * whose name starts with {@code rpc-parallel} still alive, or more socket file descriptors in
 * {@code /proc/self/fd} than before the test. Each check waits up to 5 s for stragglers (workers
 * and threads end asynchronously); leftover processes are then killed and named in the failure.
 */
public final class NoLeaks implements BeforeEachCallback, AfterEachCallback {
  private static final long GRACE_NANOS = 5_000_000_000L;
  private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(NoLeaks.class);

  @Override
  public void beforeEach(ExtensionContext context) {
    context.getStore(NS).put("sockets", ProcFs.socketInodes().size());
  }

  @Override
  public void afterEach(ExtensionContext context) {
    List<String> problems = new ArrayList<>();
    List<ProcessHandle> procs = awaitEmpty(NoLeaks::descendants);
    if (!procs.isEmpty()) {
      problems.add("processes left running after the test: " + procs.stream()
          .map(p -> p.pid() + " " + shorten(p.info().commandLine().orElse("?")))
          .collect(Collectors.joining("; ")));
      procs.forEach(ProcessHandle::destroyForcibly);
    }
    List<Thread> threads = awaitEmpty(NoLeaks::libraryThreads);
    if (!threads.isEmpty()) {
      problems.add("rpc-parallel threads alive 5 s after the test: "
          + threads.stream().map(Thread::getName).collect(Collectors.joining(", ")));
    }
    int before = context.getStore(NS).get("sockets", Integer.class);
    List<Long> extra = awaitEmpty(() -> {
      int now = ProcFs.socketInodes().size();
      return now > before ? List.of((long) now) : List.of();
    });
    if (!extra.isEmpty()) {
      problems.add("socket fds: " + before + " before the test, " + extra.get(0) + " 5 s after it");
    }
    if (!problems.isEmpty()) {
      throw new AssertionError("leaks after " + context.getDisplayName() + ":\n  " + String.join("\n  ", problems));
    }
  }

  /** Polls until {@code what} returns an empty list or the grace period ends; returns the last value. */
  private static <T> List<T> awaitEmpty(Supplier<List<T>> what) {
    long deadline = System.nanoTime() + GRACE_NANOS;
    List<T> now;
    while (!(now = what.get()).isEmpty() && System.nanoTime() < deadline) {
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    return now;
  }

  /** A command line without the middle of its (long) class path. */
  private static String shorten(String commandLine) {
    return commandLine.length() <= 200
        ? commandLine
        : commandLine.substring(0, 60) + " ... " + commandLine.substring(commandLine.length() - 120);
  }

  private static List<ProcessHandle> descendants() {
    return ProcessHandle.current().descendants().filter(ProcessHandle::isAlive).collect(Collectors.toList());
  }

  private static List<Thread> libraryThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.isAlive() && t.getName().startsWith("rpc-parallel"))
        .collect(Collectors.toList());
  }
}
