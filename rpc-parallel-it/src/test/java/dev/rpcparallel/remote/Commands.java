package dev.rpcparallel.remote;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs the fixture's system commands ({@code ip}, {@code ssh-keygen}, {@code sshd}) without a
 * shell: stdin from {@code /dev/null}, stdout and stderr captured together, bounded in time.
 */
final class Commands {
  private static final long TIMEOUT_SECONDS = 30;

  private Commands() {}

  /** What a command printed and how it exited. */
  record Result(List<String> command, int exitCode, String output) {
    boolean ok() {
      return exitCode == 0;
    }

    String describe() {
      return "`" + String.join(" ", command) + "` exited " + exitCode + (output.isBlank() ? " (no output)" : ":\n" + output.strip());
    }
  }

  /** Thrown for a command that exits non-zero, naming the command and its output. */
  static final class CommandFailedException extends RuntimeException {
    private final Result result;

    CommandFailedException(Result result) {
      super(result.describe());
      this.result = result;
    }

    Result result() {
      return result;
    }
  }

  /** Runs a command; a non-zero exit throws {@link CommandFailedException}. */
  static String run(String... command) {
    Result r = attempt(command);
    if (!r.ok()) {
      throw new CommandFailedException(r);
    }
    return r.output();
  }

  /** Runs a command whatever its exit code (for clean-up of things that may not exist). */
  static Result attempt(String... command) {
    List<String> cmd = List.of(command);
    Process p;
    try {
      p = new ProcessBuilder(cmd)
          .redirectErrorStream(true)
          .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
          .start();
    } catch (IOException e) {
      return new Result(cmd, -1, "could not start: " + e);
    }
    CompletableFuture<String> output = CompletableFuture.supplyAsync(() -> readAll(p.getInputStream()));
    try {
      if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        return new Result(cmd, -1, "timed out after " + TIMEOUT_SECONDS + " s; output so far:\n"
            + output.getNow("(unavailable)"));
      }
      return new Result(cmd, p.exitValue(), output.get(5, TimeUnit.SECONDS));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.destroyForcibly();
      return new Result(cmd, -1, "interrupted");
    } catch (ExecutionException | TimeoutException e) {
      return new Result(cmd, p.exitValue(), "(output unreadable: " + e + ")");
    }
  }

  /** The absolute path of an executable found on {@code PATH} or in the sbin directories. */
  static Optional<Path> executable(String name) {
    String path = Optional.ofNullable(System.getenv("PATH")).orElse("") + ":/usr/sbin:/sbin:/usr/bin:/bin";
    for (String dir : path.split(":")) {
      if (!dir.isEmpty()) {
        Path candidate = Path.of(dir, name);
        if (Files.isExecutable(candidate)) {
          return Optional.of(candidate);
        }
      }
    }
    return Optional.empty();
  }

  private static String readAll(InputStream in) {
    try (in) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
