package dev.rpcparallel.internal.process;

import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A child process we started: its exit status, its stdin (for the bootstrap), and the last lines
 * it printed (for errors). Output redirected to files or discarded is applied to the process's
 * file descriptors from its start; forwarded output is pumped to ours with {@code [WORKER name
 * STDOUT]}/{@code [WORKER name STDERR]} prefixes. Thread-safe.
 */
public final class ChildProcess {
  private static final int KEPT_LINES = 100;
  private static final int MAX_TAIL_BYTES = 64 * 1024;
  private static final Path SETSID = findSetsid();

  private volatile String name;
  private final Process process;
  private final CompletableFuture<Integer> exit;
  private final Deque<String> kept = new ArrayDeque<>();
  private final List<OutputPump> pumps = new ArrayList<>();
  private final List<FileTail> files = new ArrayList<>();

  private ChildProcess(String name, Process process) {
    this.name = name;
    this.process = process;
    this.exit = process.onExit().thenApply(Process::exitValue);
  }

  /**
   * Starts the process. Redirect files are created (mode 0600 where the file system allows) if
   * missing.
   *
   * @throws IOException if it cannot be started or a redirect file cannot be opened
   */
  public static ChildProcess start(LaunchSpec spec) throws IOException {
    List<String> command = spec.command();
    if (spec.newSession() && SETSID != null) {
      command = new ArrayList<>(command);
      command.add(0, SETSID.toString());
    }
    ProcessBuilder pb = new ProcessBuilder(command).directory(spec.directory().toFile());
    pb.environment().putAll(spec.env());
    List<FileTail> tails = new ArrayList<>();
    pb.redirectOutput(redirect(spec.stdout(), spec.directory(), "STDOUT", tails));
    pb.redirectError(redirect(spec.stderr(), spec.directory(), "STDERR", tails));
    ChildProcess child = new ChildProcess(spec.name(), pb.start());
    child.files.addAll(tails);
    if (spec.stdout().kind() == Output.Kind.FORWARD) {
      child.pumps.add(new OutputPump(child.process.getInputStream(), child::name, "STDOUT", System.out, child::keep));
    }
    if (spec.stderr().kind() == Output.Kind.FORWARD) {
      child.pumps.add(new OutputPump(child.process.getErrorStream(), child::name, "STDERR", System.err, child::keep));
    }
    return child;
  }

  /** For a foreground worker: starts it with its stdout and stderr left to the caller. */
  public static ChildProcess startForeground(LaunchSpec spec) throws IOException {
    ProcessBuilder pb = new ProcessBuilder(spec.command()).directory(spec.directory().toFile());
    pb.environment().putAll(spec.env());
    return new ChildProcess(spec.name(), pb.start());
  }

  private static ProcessBuilder.Redirect redirect(Output out, Path dir, String stream, List<FileTail> tails)
      throws IOException {
    return switch (out.kind()) {
      case FORWARD -> ProcessBuilder.Redirect.PIPE;
      case DISCARD -> ProcessBuilder.Redirect.DISCARD;
      case APPEND, TRUNCATE -> {
        Path file = dir.resolve(out.file());
        createPrivately(file);
        long from = out.kind() == Output.Kind.APPEND ? Files.size(file) : 0;
        tails.add(new FileTail(file, from, stream));
        yield out.kind() == Output.Kind.APPEND
            ? ProcessBuilder.Redirect.appendTo(file.toFile())
            : ProcessBuilder.Redirect.to(file.toFile());
      }
    };
  }

  /** Creates {@code file} readable by its owner only, unless it exists. */
  private static void createPrivately(Path file) throws IOException {
    if (Files.exists(file)) {
      return;
    }
    try {
      Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } catch (UnsupportedOperationException e) {
      Files.createFile(file);
    } catch (java.nio.file.FileAlreadyExistsException e) {
      // created meanwhile: use it
    }
  }

  private void keep(String prefixedLine) {
    synchronized (kept) {
      if (kept.size() == KEPT_LINES) {
        kept.removeFirst();
      }
      kept.addLast(prefixedLine);
    }
  }

  public String name() {
    return name;
  }

  /**
   * Gives the child the name of the worker it became (a spare JVM, started before anyone named
   * it): lines it prints from now on, and its kept lines' tails, carry the new name.
   */
  public void rename(String newName) {
    this.name = newName;
  }

  public Process process() {
    return process;
  }

  public long pid() {
    return process.pid();
  }

  /** Completes with the exit status. */
  public CompletableFuture<Integer> exit() {
    return exit;
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /**
   * Writes {@code bytes} to the child's stdin on a thread of its own, so a child that never reads
   * (a wrapper that does not pass stdin through) cannot block the caller. The write fails, quietly,
   * once the child is gone.
   */
  /**
   * Writes {@code bytes} to the child's stdin on the calling thread: for a few bytes (up to the
   * pipe's buffer, 64 KiB on Linux), which never wait for the child to read. A child that died
   * meanwhile is left to its exit status.
   */
  public void writeStdin(byte[] bytes) {
    try {
      OutputStream out = process.getOutputStream();
      out.write(bytes);
      out.flush();
    } catch (IOException e) {
      // the child died at once; its exit status and output tell why
    }
  }

  public void writeStdinInBackground(byte[] bytes) {
    Thread t = new Thread(() -> {
      try {
        OutputStream out = process.getOutputStream();
        out.write(bytes);
        out.flush();
      } catch (IOException e) {
        // the child died at once; its exit status and output tell why
      }
    }, "rpc-parallel-bootstrap-" + name);
    t.setDaemon(true);
    t.start();
  }

  /** Closes the child's stdin: a local worker takes EOF as "the master is gone". */
  public void closeStdin() {
    try {
      process.getOutputStream().close();
    } catch (IOException e) {
      // already closed
    }
  }

  /** TERM, then KILL; returns once reaped. */
  public void kill() {
    Reaper.kill(process);
  }

  /** Waits up to {@code max} for the child to exit by itself. */
  public boolean awaitExit(Duration max) {
    return Reaper.await(process, max);
  }

  /**
   * The last lines the child printed (after it exited: waits briefly for the pumps to drain),
   * each prefixed {@code [WORKER name STDOUT]} or {@code [WORKER name STDERR]}: forwarded lines
   * in arrival order, then the new tail of each redirect file.
   */
  public List<String> lastLines() {
    for (OutputPump p : pumps) {
      p.awaitEnd(2_000);
    }
    List<String> out;
    synchronized (kept) {
      out = new ArrayList<>(kept);
    }
    for (FileTail f : files) {
      out.addAll(f.lines(name));
    }
    return out;
  }

  /** Closes the streams of a foreground child whose caller will never read them (a failed spawn). */
  public void closeStreams() {
    try {
      process.getOutputStream().close();
      process.getInputStream().close();
      process.getErrorStream().close();
    } catch (IOException e) {
      // best effort
    }
  }

  /** What a redirect file gained since the child started. */
  private record FileTail(Path file, long from, String stream) {
    List<String> lines(String worker) {
      List<String> out = new ArrayList<>();
      try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
        long start = Math.max(from, f.length() - MAX_TAIL_BYTES);
        byte[] bytes = new byte[(int) Math.max(0, f.length() - start)];
        f.seek(start);
        f.readFully(bytes);
        String[] lines = new String(bytes, StandardCharsets.UTF_8).split("\n");
        for (int i = Math.max(0, lines.length - KEPT_LINES); i < lines.length; i++) {
          if (!lines[i].isEmpty()) {
            out.add("[WORKER " + worker + " " + stream + "] " + lines[i]);
          }
        }
      } catch (IOException e) {
        out.add("[WORKER " + worker + " " + stream + "] (cannot read " + file + ": " + e.getMessage() + ")");
      }
      return out;
    }
  }

  private static Path findSetsid() {
    for (String p : new String[] {"/usr/bin/setsid", "/bin/setsid"}) {
      Path path = Path.of(p);
      if (Files.isExecutable(path)) {
        return path;
      }
    }
    return null;
  }
}
