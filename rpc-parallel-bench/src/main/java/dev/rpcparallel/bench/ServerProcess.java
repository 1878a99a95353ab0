package dev.rpcparallel.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A benchmark server running in a separate JVM: the same {@code java} binary and class path as the
 * current JVM, started with {@link ProcessBuilder}. The server announces where to reach it with one
 * line {@code <KEY> <value>} on stdout, by default {@code PORT <n>} (see {@link
 * #announceAndAwaitParent(int)} and {@link #announceAndAwaitParent(String, String)}), and exits when
 * its stdin closes, so it cannot outlive the client JVM. A shutdown hook kills servers still running
 * when the client JVM exits.
 *
 * <p>Extra JVM options for every server JVM (for example to profile it with JFR) can be given with
 * the system property {@value #SERVER_OPTS_PROPERTY} of the client JVM, split on whitespace.
 */
public final class ServerProcess implements AutoCloseable {

  /** The key of the default announcement line, {@code PORT <n>}. */
  public static final String PORT = "PORT";

  /** System property holding extra JVM options for server JVMs (whitespace-separated). */
  public static final String SERVER_OPTS_PROPERTY = "bench.serverOpts";

  private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime()
        .addShutdownHook(new Thread(() -> LIVE.forEach(Process::destroyForcibly), "kill-servers"));
  }

  private final Process process;
  private final String key;
  private final String announced;

  private ServerProcess(Process process, String key, String announced) {
    this.process = process;
    this.key = key;
    this.announced = announced;
  }

  /**
   * Starts {@code mainClass} in a new JVM and waits (up to 60 s) for it to print its port.
   *
   * @throws IOException if the JVM cannot be started, exits early or does not announce a port
   */
  public static ServerProcess launch(Class<?> mainClass, String... args) throws IOException {
    return launchAnnouncing(PORT, mainClass, args);
  }

  /**
   * Starts {@code mainClass} in a new JVM and waits (up to 60 s) for the first stdout line of the
   * form {@code <key> <value>}; the value is then available from {@link #announced()}.
   *
   * @throws IOException if the JVM cannot be started, exits early or does not announce {@code key}
   */
  public static ServerProcess launchAnnouncing(String key, Class<?> mainClass, String... args)
      throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(extraJvmOptions());
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(mainClass.getName());
    cmd.addAll(List.of(args));
    Process p =
        new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    LIVE.add(p);
    CompletableFuture<String> valueFuture = new CompletableFuture<>();
    Thread reader =
        new Thread(() -> readStdout(p, key + " ", valueFuture), mainClass.getSimpleName() + "-out");
    reader.setDaemon(true);
    reader.start();
    try {
      return new ServerProcess(p, key, valueFuture.get(60, TimeUnit.SECONDS));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      stop(p);
      throw new IOException("interrupted while waiting for " + mainClass.getName(), e);
    } catch (java.util.concurrent.ExecutionException | TimeoutException e) {
      stop(p);
      throw new IOException("server " + mainClass.getName() + " did not announce " + key, e);
    }
  }

  /** The options of {@value #SERVER_OPTS_PROPERTY}, or none. */
  static List<String> extraJvmOptions() {
    String opts = System.getProperty(SERVER_OPTS_PROPERTY, "").trim();
    return opts.isEmpty() ? List.of() : List.of(opts.split("\\s+"));
  }

  /**
   * Reads up to the announcement line, then drains (and discards) the rest of stdout so the pipe
   * never fills.
   */
  private static void readStdout(Process p, String prefix, CompletableFuture<String> value) {
    try (BufferedReader r =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        if (!value.isDone() && line.startsWith(prefix)) {
          value.complete(line.substring(prefix.length()).trim());
        }
      }
    } catch (IOException | RuntimeException e) {
      value.completeExceptionally(e);
    }
    value.completeExceptionally(new IOException("server stdout closed before the " + prefix.trim() + " line"));
  }

  /** The value of the announcement line (the text after {@code <key> }). */
  public String announced() {
    return announced;
  }

  /**
   * The loopback port the server listens on.
   *
   * @throws IllegalStateException if the server announced something other than {@code PORT}
   */
  public int port() {
    if (!key.equals(PORT)) {
      throw new IllegalStateException("server announced " + key + ", not " + PORT);
    }
    return Integer.parseInt(announced);
  }

  /** Asks the server to exit (closes its stdin), then kills it if needed, and reaps it. */
  @Override
  public void close() {
    stop(process);
  }

  private static void stop(Process p) {
    try {
      try {
        p.getOutputStream().close();
      } catch (IOException ignored) {
        // the server may already be gone
      }
      if (!p.waitFor(5, TimeUnit.SECONDS)) {
        p.destroy();
        if (!p.waitFor(5, TimeUnit.SECONDS)) {
          p.destroyForcibly();
          p.waitFor(10, TimeUnit.SECONDS);
        }
      }
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
    } finally {
      if (!p.isAlive()) {
        LIVE.remove(p);
      }
    }
  }

  /**
   * Server side: prints {@code PORT <port>} on stdout, then blocks until stdin reaches end of file
   * (the client closed it or died) and exits the JVM.
   */
  public static void announceAndAwaitParent(int port) {
    announceAndAwaitParent(PORT, Integer.toString(port));
  }

  /**
   * Server side: prints {@code <key> <value>} on stdout ({@code value} must not contain a line
   * break), then blocks until stdin reaches end of file (the client closed it or died) and exits
   * the JVM.
   */
  public static void announceAndAwaitParent(String key, String value) {
    System.out.println(key + " " + value);
    System.out.flush();
    try {
      while (System.in.read() >= 0) {
        // ignore input; only EOF matters
      }
    } catch (IOException ignored) {
      // treat as EOF
    }
    System.exit(0);
  }
}
