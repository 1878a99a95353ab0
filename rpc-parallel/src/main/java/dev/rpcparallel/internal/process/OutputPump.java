package dev.rpcparallel.internal.process;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * Copies a child's stdout or stderr to ours line by line, each line prefixed with {@code [WORKER
 * name STDOUT]} or {@code [WORKER name STDERR]}, and hands each prefixed line to a keeper (for
 * errors). Its thread ends when the child closes the stream.
 */
final class OutputPump {
  private final Thread thread;

  OutputPump(InputStream in, String workerName, String streamName, PrintStream target, Consumer<String> keeper) {
    String prefix = "[WORKER " + workerName + " " + streamName + "] ";
    this.thread = new Thread(() -> pump(in, prefix, target, keeper),
        "rpc-parallel-" + streamName.toLowerCase(java.util.Locale.ROOT) + "-" + workerName);
    thread.setDaemon(true);
    thread.start();
  }

  private static void pump(InputStream in, String prefix, PrintStream target, Consumer<String> keeper) {
    try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        String prefixed = prefix + line;
        keeper.accept(prefixed);
        target.println(prefixed);
      }
    } catch (IOException e) {
      // stream closed: the child is gone
    }
  }

  /** Waits briefly for the pump to drain (after the child exited). */
  void awaitEnd(long millis) {
    try {
      thread.join(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
