package dev.rpcparallel;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Copies a worker's stdout or stderr to the master's, each line prefixed with {@code [WORKER
 * name STDOUT]} or {@code [WORKER name STDERR]}, and keeps the last lines for spawn errors. The
 * thread ends when the worker closes the stream (it exits).
 */
final class OutputPump {
  private static final int KEPT_LINES = 100;

  private final String prefix;
  private final Deque<String> kept = new ArrayDeque<>();
  private final Thread thread;

  OutputPump(InputStream in, String workerName, String streamName, PrintStream target) {
    this.prefix = "[WORKER " + workerName + " " + streamName + "] ";
    this.thread = new Thread(() -> pump(in, target), "rpc-parallel-" + streamName.toLowerCase() + "-" + workerName);
    thread.setDaemon(true);
    thread.start();
  }

  private void pump(InputStream in, PrintStream target) {
    try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        synchronized (kept) {
          if (kept.size() == KEPT_LINES) {
            kept.removeFirst();
          }
          kept.addLast(line);
        }
        target.println(prefix + line);
      }
    } catch (IOException e) {
      // stream closed: the worker is gone
    }
  }

  /** Waits briefly for the pump to drain (after the worker exited). */
  void awaitEnd(long millis) {
    try {
      thread.join(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The last lines read, each with its prefix. */
  List<String> lines() {
    synchronized (kept) {
      List<String> out = new ArrayList<>();
      for (String l : kept) {
        out.add(prefix + l);
      }
      return out;
    }
  }
}
