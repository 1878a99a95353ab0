package dev.rpcparallel;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

/**
 * A worker started by {@link RpcParallel#spawnInForeground}: a plain child process whose stdout
 * and stderr the caller reads from {@link #process()}. The caller must wait for the process to
 * end (for example {@code process().waitFor()}) and close its streams, or use try-with-resources:
 * {@link #close()} does both, ending the process if it is still alive.
 *
 * @param worker the worker's handle
 * @param process the worker's process
 * @param <W> the worker type
 */
public record ForegroundWorker<W extends WorkerSpec<?, ?, ?, ?>>(Worker<W> worker, Process process) implements AutoCloseable {

  /**
   * Ends the worker's process if it is alive (TERM, then KILL after 5 s), waits for it (so no
   * zombie is left) and closes its streams. Idempotent.
   */
  @Override
  public void close() {
    try {
      if (process.isAlive()) {
        process.destroy();
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
          process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    } finally {
      try {
        process.getOutputStream().close();
        process.getInputStream().close();
        process.getErrorStream().close();
      } catch (IOException e) {
        // nothing more to release
      }
    }
  }
}
