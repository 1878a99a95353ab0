package dev.rpcparallel.internal.process;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Copies a child's stdout or stderr to ours line by line, each line prefixed with {@code [WORKER
 * name STDOUT]} or {@code [WORKER name STDERR]}, and hands each prefixed line to a keeper (for
 * errors). A line longer than {@link #MAX_LINE} characters is passed on in pieces of that size,
 * so a child that never ends its line cannot make the master buffer without bound. Its thread
 * ends when the child closes the stream.
 */
final class OutputPump {
  /** The longest piece of a line forwarded at once. */
  static final int MAX_LINE = 16 * 1024;

  private final Thread thread;

  OutputPump(InputStream in, Supplier<String> workerName, String streamName, PrintStream target, Consumer<String> keeper) {
    Supplier<String> prefix = () -> "[WORKER " + workerName.get() + " " + streamName + "] ";
    this.thread = new Thread(() -> pump(in, prefix, target, keeper),
        "rpc-parallel-" + streamName.toLowerCase(java.util.Locale.ROOT) + "-" + workerName.get());
    thread.setDaemon(true);
    thread.start();
  }

  private static void pump(InputStream in, Supplier<String> prefix, PrintStream target, Consumer<String> keeper) {
    try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      StringBuilder line = new StringBuilder();
      int c;
      while ((c = r.read()) != -1) {
        if (c == '\n' || line.length() == MAX_LINE) {
          emit(line, prefix, target, keeper);
          if (c == '\n') {
            continue;
          }
        }
        if (c != '\r' || !lineEndsHere(r)) {
          line.append((char) c);
        }
      }
      if (line.length() > 0) {
        emit(line, prefix, target, keeper);
      }
    } catch (IOException e) {
      // stream closed: the child is gone
    }
  }

  /** A CR followed by LF ends the line (the LF does it); a lone CR is kept. */
  private static boolean lineEndsHere(BufferedReader r) throws IOException {
    r.mark(1);
    int next = r.read();
    r.reset();
    return next == '\n';
  }

  private static void emit(StringBuilder line, Supplier<String> prefix, PrintStream target, Consumer<String> keeper) {
    String prefixed = prefix.get() + line;
    line.setLength(0);
    keeper.accept(prefixed);
    target.println(prefixed);
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
