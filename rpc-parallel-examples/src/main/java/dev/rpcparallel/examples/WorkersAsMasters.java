package dev.rpcparallel.examples;

import dev.rpcparallel.Connection;
import dev.rpcparallel.Implementations;
import dev.rpcparallel.Rpc;
import dev.rpcparallel.RpcParallel;
import dev.rpcparallel.SimpleWorkerSpec;
import dev.rpcparallel.StatelessWorkerSpec;
import dev.rpcparallel.SpawnOptions;
import dev.rpcparallel.WorkerContext;
import dev.rpcparallel.codec.Codecs;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Workers that are masters of their own workers (the original's {@code workers_as_masters.ml}).
 * The master spawns P {@link Primary} workers; inside a function call, each primary spawns S
 * {@link Secondary} workers through {@code context.app()}, pings them, closes the connections
 * (the secondaries exit), waits for them to exit and answers with their replies.
 *
 * <p>Arguments: {@code [-primary 2] [-secondary 2]}. Prints P·S lines:
 *
 * <pre>
 * Primary worker #0: Secondary worker #0: pong
 * Primary worker #0: Secondary worker #1: pong
 * Primary worker #1: Secondary worker #0: pong
 * Primary worker #1: Secondary worker #1: pong
 * </pre>
 */
public final class WorkersAsMasters {
  private WorkersAsMasters() {}

  /** Answers {@code pong}. */
  public static final class Secondary extends StatelessWorkerSpec {
    public static final Rpc<Secondary, Void, String> PING = Rpc.of("ping", Codecs.VOID, Codecs.STRING);

    @Override
    public void implement(Implementations<Void, Void> table) {
      table.rpc(PING, (state, conn, unit) -> "pong");
    }
  }

  /** Spawns secondaries on demand and reports what they answer. */
  public static final class Primary extends SimpleWorkerSpec<Void, WorkerContext> {
    /** Spawns that many secondaries, pings each, returns one line per secondary. */
    public static final Rpc<Primary, Integer, List<String>> RUN_SECONDARIES =
        Rpc.of("run_secondaries", Codecs.INT, Codecs.list(Codecs.STRING));

    public Primary() {
      super(Codecs.VOID);
    }

    @Override
    public WorkerContext initWorkerState(Void arg, WorkerContext context) {
      return context;
    }

    @Override
    public void implement(Implementations<WorkerContext, Void> table) {
      table.rpc(RUN_SECONDARIES, (context, conn, count) -> {
        RpcParallel app = context.app();
        String me = context.worker().nameOrId();
        List<CompletableFuture<Connection<Secondary>>> spawned = IntStream.range(0, count)
            .mapToObj(j -> app.spawnAndConnectAsync(
                new Secondary(), null, null, SpawnOptions.builder().name(me + "-secondary-" + j).build()))
            .collect(Collectors.toList());
        List<String> lines = new ArrayList<>();
        for (int j = 0; j < count; j++) {
          try (Connection<Secondary> c = spawned.get(j).join()) {
            lines.add("Secondary worker #" + j + ": " + c.call(Secondary.PING));
          }
        }
        // Closing each connection made its secondary exit; wait for that (it reaps them).
        for (CompletableFuture<Connection<Secondary>> c : spawned) {
          app.onExit(c.join().worker()).join();
        }
        return lines;
      });
    }
  }

  public static void run(int primaries, int secondaries, Consumer<String> out) {
    try (RpcParallel app = RpcParallel.create()) {
      List<CompletableFuture<Connection<Primary>>> conns = IntStream.range(0, primaries)
          .mapToObj(i -> app.spawnAndConnectAsync(new Primary(), null, null, SpawnOptions.builder().name("primary-" + i).build()))
          .collect(Collectors.toList());
      List<CompletableFuture<List<String>>> replies = conns.stream()
          .map(c -> c.thenCompose(conn -> conn.callAsync(Primary.RUN_SECONDARIES, secondaries)))
          .collect(Collectors.toList());
      for (int i = 0; i < primaries; i++) {
        for (String line : replies.get(i).join()) {
          out.accept("Primary worker #" + i + ": " + line);
        }
      }
      conns.forEach(c -> c.join().close());
    }
  }

  public static void main(String[] args) {
    run(Flags.intFlag(args, "-primary", 2), Flags.intFlag(args, "-secondary", 2), System.out::println);
  }
}
