package dev.rpcparallel.testing;

import dev.rpcparallel.Worker;
import dev.rpcparallel.WorkerSpec;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A child JVM on the test classpath running {@link ServeMain}: it serves a worker and prints its
 * handle; it exits when its stdin closes. Used by tests that need the worker's memory measured
 * apart from the test's own.
 *
 * @param <W> the worker type it serves
 */
public final class ChildJvm<W extends WorkerSpec<Integer, ?, ?, ?>> implements AutoCloseable {
  private final Process process;
  private final Worker<W> worker;

  public ChildJvm(List<String> jvmOptions, Class<W> spec, int initArg) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(jvmOptions);
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(ServeMain.class.getName());
    cmd.add(spec.getName());
    cmd.add(Integer.toString(initArg));
    process = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    String line;
    while ((line = out.readLine()) != null && !line.startsWith("WORKER ")) {
      System.out.println("[child] " + line);
    }
    if (line == null) {
      close();
      throw new IOException("child JVM exited before printing its worker handle; exit " + process.exitValue());
    }
    worker = Worker.codec(spec).fromBytes(Base64.getDecoder().decode(line.substring("WORKER ".length())));
  }

  public Worker<W> worker() {
    return worker;
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  @Override
  public void close() {
    try {
      process.getOutputStream().close();
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (IOException | InterruptedException e) {
      process.destroyForcibly();
    }
  }
}
