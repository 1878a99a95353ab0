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
 * current JVM, started with {@link ProcessBuilder}. The server announces its port with one line
 * {@code PORT <n>} on stdout (see {@link #announceAndAwaitParent(int)}) and exits when its stdin
 * closes, so it cannot outlive the client JVM. A shutdown hook kills servers still running when
 * the client JVM exits.
 */
public final class ServerProcess implements AutoCloseable {

  private static final String PORT_PREFIX = "PORT ";
  private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime()
        .addShutdownHook(new Thread(() -> LIVE.forEach(Process::destroyForcibly), "kill-servers"));
  }

  private final Process process;
  private final int port;

  private ServerProcess(Process process, int port) {
    this.process = process;
    this.port = port;
  }

  /**
   * Starts {@code mainClass} in a new JVM and waits (up to 60 s) for it to print its port.
   *
   * @throws IOException if the JVM cannot be started, exits early or does not announce a port
   */
  public static ServerProcess launch(Class<?> mainClass, String... args) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(mainClass.getName());
    cmd.addAll(List.of(args));
    Process p =
        new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    LIVE.add(p);
    CompletableFuture<Integer> portFuture = new CompletableFuture<>();
    Thread reader = new Thread(() -> readStdout(p, portFuture), mainClass.getSimpleName() + "-out");
    reader.setDaemon(true);
    reader.start();
    try {
      return new ServerProcess(p, portFuture.get(60, TimeUnit.SECONDS));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      stop(p);
      throw new IOException("interrupted while waiting for " + mainClass.getName(), e);
    } catch (java.util.concurrent.ExecutionException | TimeoutException e) {
      stop(p);
      throw new IOException("server " + mainClass.getName() + " did not announce a port", e);
    }
  }

  /** Reads the port line, then drains (and discards) the rest of stdout so the pipe never fills. */
  private static void readStdout(Process p, CompletableFuture<Integer> port) {
    try (BufferedReader r =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        if (!port.isDone() && line.startsWith(PORT_PREFIX)) {
          port.complete(Integer.parseInt(line.substring(PORT_PREFIX.length()).trim()));
        }
      }
    } catch (IOException | RuntimeException e) {
      port.completeExceptionally(e);
    }
    port.completeExceptionally(new IOException("server stdout closed before PORT line"));
  }

  /** The loopback port the server listens on. */
  public int port() {
    return port;
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
    System.out.println(PORT_PREFIX + port);
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
