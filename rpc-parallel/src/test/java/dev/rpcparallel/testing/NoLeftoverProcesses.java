package dev.rpcparallel.testing;

import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test that leaves a descendant process of the test JVM alive: waits up to 5 s for
 * stragglers (workers exit asynchronously), then kills what is left and fails, naming them.
 */
public final class NoLeftoverProcesses implements AfterEachCallback {
  @Override
  public void afterEach(ExtensionContext context) {
    long deadline = System.nanoTime() + 5_000_000_000L;
    List<ProcessHandle> alive;
    while (!(alive = descendants()).isEmpty() && System.nanoTime() < deadline) {
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    if (!alive.isEmpty()) {
      String names = alive.stream()
          .map(p -> p.pid() + " " + p.info().commandLine().orElse("?"))
          .collect(Collectors.joining("; "));
      alive.forEach(ProcessHandle::destroyForcibly);
      throw new AssertionError("processes left running after the test: " + names);
    }
  }

  private static List<ProcessHandle> descendants() {
    return ProcessHandle.current().descendants().filter(ProcessHandle::isAlive).collect(Collectors.toList());
  }
}
