package dev.rpcparallel.examples;

import dev.rpcparallel.Connection;
import dev.rpcparallel.ForegroundWorker;
import dev.rpcparallel.Implementations;
import dev.rpcparallel.Rpc;
import dev.rpcparallel.RpcParallel;
import dev.rpcparallel.StatelessWorkerSpec;
import dev.rpcparallel.SpawnOptions;
import dev.rpcparallel.codec.Codecs;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * A worker spawned in the foreground (the original's {@code spawn_in_foreground.ml}): a plain
 * child process whose stdout and stderr the master reads itself instead of having them forwarded.
 * The worker prints {@code HELLO} and {@code HELLO2} on its stdout when asked; the master then
 * shuts it down, waits for it to exit (reaping it) and prints what it wrote, line by line.
 *
 * <p>Prints:
 *
 * <pre>
 * [WORKER STDOUT]: HELLO
 * [WORKER STDOUT]: HELLO2
 * worker exited with status 0
 * </pre>
 */
public final class SpawnInForeground {
  private SpawnInForeground() {}

  /** Prints its argument on the worker's stdout. */
  public static final class Printer extends StatelessWorkerSpec {
    public static final Rpc<Printer, String, Void> PRINT = Rpc.of("print", Codecs.STRING, Codecs.VOID);

    @Override
    public void implement(Implementations<Void, Void> table) {
      table.rpc(PRINT, (state, conn, line) -> {
        System.out.println(line);
        System.out.flush();
        return null;
      });
    }
  }

  public static void run(Consumer<String> out) throws InterruptedException {
    // Closing the ForegroundWorker closes the process's streams (and would end it, had it not exited).
    try (RpcParallel app = RpcParallel.create();
        ForegroundWorker<Printer> fg =
            app.spawnInForeground(new Printer(), null, SpawnOptions.builder().name("foreground").build())) {
      Process process = fg.process();
      // Read both streams while the worker runs, so it can never block on a full pipe.
      CompletableFuture<String> stdout = readAll(process.getInputStream());
      CompletableFuture<String> stderr = readAll(process.getErrorStream());
      try (Connection<Printer> c = app.connect(fg.worker())) {
        c.call(Printer.PRINT, "HELLO");
        c.call(Printer.PRINT, "HELLO2");
      }
      app.shutdown(fg.worker()).join();
      int status = process.waitFor(); // reaps the child
      stdout.join().lines().forEach(l -> out.accept("[WORKER STDOUT]: " + l));
      stderr.join().lines().forEach(l -> out.accept("[WORKER STDERR]: " + l));
      out.accept("worker exited with status " + status);
    }
  }

  private static CompletableFuture<String> readAll(InputStream in) {
    CompletableFuture<String> f = new CompletableFuture<>();
    Thread t = new Thread(() -> {
      try (in) {
        f.complete(new String(in.readAllBytes(), StandardCharsets.UTF_8));
      } catch (IOException e) {
        f.completeExceptionally(e);
      }
    }, "read-worker-output");
    t.setDaemon(true);
    t.start();
    return f;
  }

  public static void main(String[] args) throws InterruptedException {
    run(System.out::println);
  }
}
