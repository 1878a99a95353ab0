package dev.rpcparallel.internal.remote;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs one short-lived command (an {@code ssh} to a host) to its end, with stdin from bytes or a
 * file, stdout and stderr captured (stderr is what ssh says when it fails), within a time bound
 * after which the process is killed. Thread-safe (no state).
 */
public final class SshRun {
  private static final int MAX_CAPTURE = 1 << 20;

  /** How a command ended. */
  public record Result(int status, String stdout, String stderr) {
    /** ssh's own failure (it exits 255 when it cannot connect or authenticate). */
    public boolean sshFailed() {
      return status == 255;
    }
  }

  private SshRun() {}

  /**
   * Runs {@code command} with {@code stdin} as its input.
   *
   * @throws RemoteFailureException if it cannot be started or does not end within {@code limit}
   */
  public static Result run(List<String> command, byte[] stdin, Duration limit, String what) {
    return run(command, out -> out.write(stdin), limit, what);
  }

  /** Runs {@code command} with the file's bytes as its input; see {@link #run(List, byte[], Duration, String)}. */
  public static Result run(List<String> command, Path stdin, Duration limit, String what) {
    return run(command, out -> Files.copy(stdin, out), limit, what);
  }

  /** What a command reads: written to its stdin on a thread of its own. */
  public interface Feed {
    void to(OutputStream out) throws IOException;
  }

  /** Runs {@code command} with what {@code feed} writes as its input; see {@link #run(List, byte[], Duration, String)}. */
  public static Result run(List<String> command, Feed feed, Duration limit, String what) {
    Process p;
    try {
      p = new ProcessBuilder(command).start();
    } catch (IOException e) {
      throw new RemoteFailureException(what + ": cannot run " + command.get(0) + ": " + e.getMessage(), e);
    }
    CompletableFuture<byte[]> out = drain(p.getInputStream());
    CompletableFuture<byte[]> err = drain(p.getErrorStream());
    CompletableFuture<Void> in = CompletableFuture.runAsync(() -> {
      try (OutputStream o = p.getOutputStream()) {
        feed.to(o);
      } catch (IOException e) {
        // the command ended early; its status and stderr tell why
      }
    }, r -> daemon(r, "rpc-parallel-ssh-stdin").start());
    try {
      if (!p.waitFor(limit.toNanos(), TimeUnit.NANOSECONDS)) {
        p.destroyForcibly();
        p.waitFor(5, TimeUnit.SECONDS);
        throw new RemoteFailureException(what + ": no answer within " + limit.toMillis() + " ms"
            + stderrSuffix(err.getNow(new byte[0])));
      }
      in.get(5, TimeUnit.SECONDS);
      return new Result(p.exitValue(), text(out.get(5, TimeUnit.SECONDS)), text(err.get(5, TimeUnit.SECONDS)));
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new RemoteFailureException(what + ": interrupted", e);
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      p.destroyForcibly();
      throw new RemoteFailureException(what + ": " + e, e);
    }
  }

  private static String stderrSuffix(byte[] err) {
    String s = CodeShipper.sanitize(text(err).strip());
    return s.isEmpty() ? "" : "; ssh said: " + s;
  }

  private static String text(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }

  private static CompletableFuture<byte[]> drain(InputStream in) {
    CompletableFuture<byte[]> done = new CompletableFuture<>();
    daemon(() -> {
      ByteArrayOutputStream buf = new ByteArrayOutputStream();
      byte[] chunk = new byte[8192];
      try (in) {
        int n;
        while ((n = in.read(chunk)) >= 0) {
          if (buf.size() < MAX_CAPTURE) {
            buf.write(chunk, 0, Math.min(n, MAX_CAPTURE - buf.size()));
          }
        }
      } catch (IOException e) {
        // the process is gone: keep what we have
      }
      done.complete(buf.toByteArray());
    }, "rpc-parallel-ssh-output").start();
    return done;
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }
}
