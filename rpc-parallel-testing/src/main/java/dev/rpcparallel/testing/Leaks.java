package dev.rpcparallel.testing;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * What rpc-parallel can leave behind, and a check that none of it outlived a test:
 * <ul>
 *   <li>processes: children of this JVM, and every worker of a tree this JVM started, found by
 *       the {@code -Ddev.rpcparallel.origin=<pid>} mark on their command line, so grandchildren
 *       re-parented after their own master died are found too;
 *   <li>threads whose name starts with {@code rpc-parallel};
 *   <li>socket file descriptors of this JVM, more than when the snapshot was taken (Linux
 *       {@code /proc/self/fd}; not counted elsewhere).
 * </ul>
 * Things end asynchronously, so {@link #check} waits up to a grace period; processes still alive
 * then are killed, and named in the failure.
 *
 * <p>The first snapshot in a JVM first opens a file channel: the JDK then opens one socket for
 * the life of the JVM (the pre-close descriptor of {@code sun.nio.ch}), which is no test's leak.
 */
public final class Leaks {
  /** How long {@link #check} waits for stragglers. */
  public static final Duration GRACE = Duration.ofSeconds(5);
  private static final String ORIGIN_MARK = "-Ddev.rpcparallel.origin=" + ProcessHandle.current().pid();

  private final int sockets;

  private Leaks(int sockets) {
    this.sockets = sockets;
  }

  /** The state to compare with later. */
  public static Leaks snapshot() {
    Warmup.done();
    return new Leaks(socketCount());
  }

  /** Opens the JDK's JVM-lifetime socket once, before any snapshot. */
  private static final class Warmup {
    static {
      try {
        Path f = Files.createTempFile("rpc-parallel-leaks", ".tmp");
        try (java.nio.channels.FileChannel ignored = java.nio.channels.FileChannel.open(f)) {
          // opened for its side effect only
        } finally {
          Files.delete(f);
        }
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }

    static void done() {}
  }

  /**
   * Waits up to {@link #GRACE} for processes, library threads and extra sockets to go away.
   *
   * @throws AssertionError naming what is left (processes left are killed first)
   */
  public void check() {
    List<String> problems = problems();
    if (!problems.isEmpty()) {
      throw new AssertionError("rpc-parallel left things running:\n  " + String.join("\n  ", problems));
    }
  }

  /** What is left after the grace period, as readable lines (processes left are killed). */
  public List<String> problems() {
    List<String> problems = new ArrayList<>();
    List<ProcessHandle> procs = awaitEmpty(Leaks::processes);
    if (!procs.isEmpty()) {
      problems.add("processes left running: " + procs.stream()
          .map(p -> p.pid() + " " + shorten(p.info().commandLine().orElse("?")))
          .collect(Collectors.joining("; ")));
      procs.forEach(ProcessHandle::destroyForcibly);
    }
    List<Thread> threads = awaitEmpty(Leaks::libraryThreads);
    if (!threads.isEmpty()) {
      problems.add("rpc-parallel threads alive: " + threads.stream().map(Thread::getName).collect(Collectors.joining(", ")));
    }
    List<Integer> extra = awaitEmpty(() -> {
      int now = socketCount();
      return now > sockets ? List.of(now) : List.of();
    });
    if (!extra.isEmpty()) {
      problems.add("socket fds: " + sockets + " before, " + extra.get(0) + " after");
    }
    return problems;
  }

  /** Children of this JVM, and workers of trees it started (wherever they were re-parented). */
  public static List<ProcessHandle> processes() {
    Set<Long> seen = new HashSet<>();
    List<ProcessHandle> out = new ArrayList<>();
    ProcessHandle.current().descendants().filter(ProcessHandle::isAlive).forEach(p -> {
      if (seen.add(p.pid())) {
        out.add(p);
      }
    });
    ProcessHandle.allProcesses()
        .filter(p -> p.isAlive() && p.info().commandLine().map(c -> c.contains(ORIGIN_MARK)).orElse(false))
        .forEach(p -> {
          if (seen.add(p.pid())) {
            out.add(p);
          }
        });
    return out;
  }

  /** Live threads whose name starts with {@code rpc-parallel}. */
  public static List<Thread> libraryThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.isAlive() && t.getName().startsWith("rpc-parallel"))
        .collect(Collectors.toList());
  }

  /** Socket file descriptors of this JVM (0 where {@code /proc} is absent). */
  public static int socketCount() {
    int n = 0;
    Path fds = Path.of("/proc/self/fd");
    if (!Files.isDirectory(fds)) {
      return 0;
    }
    try (DirectoryStream<Path> dir = Files.newDirectoryStream(fds)) {
      for (Path fd : dir) {
        try {
          if (Files.readSymbolicLink(fd).toString().startsWith("socket:[")) {
            n++;
          }
        } catch (IOException e) {
          // closed meanwhile
        }
      }
    } catch (IOException e) {
      return 0;
    }
    return n;
  }

  private static <T> List<T> awaitEmpty(Supplier<List<T>> what) {
    long deadline = System.nanoTime() + GRACE.toNanos();
    List<T> now;
    while (!(now = what.get()).isEmpty() && System.nanoTime() < deadline) {
      try {
        Thread.sleep(20); // polling the OS: there is no event to await for another process's exit
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    return now;
  }

  private static String shorten(String commandLine) {
    return commandLine.length() <= 200
        ? commandLine
        : commandLine.substring(0, 60) + " ... " + commandLine.substring(commandLine.length() - 120);
  }
}
