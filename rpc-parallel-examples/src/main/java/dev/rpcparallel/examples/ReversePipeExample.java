package dev.rpcparallel.examples;

import dev.rpcparallel.Connection;
import dev.rpcparallel.Implementations;
import dev.rpcparallel.ReverseCall;
import dev.rpcparallel.ReversePipe;
import dev.rpcparallel.RpcParallel;
import dev.rpcparallel.StatelessWorkerSpec;
import dev.rpcparallel.SpawnOptions;
import dev.rpcparallel.Worker;
import dev.rpcparallel.codec.Codecs;
import java.util.ArrayList;
import java.util.LinkedList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Streams from the caller to workers with a {@link ReversePipe} (the original's {@code
 * reverse_pipe.ml}). The master spawns 10 shard workers, opens one reverse pipe to each, routes
 * the numbers 0..999 to shard {@code n % 10}, and closes the streams. Each shard answers the
 * list of {@code "worker <i> got <i>:<n>"} for what it received, newest first (as the original,
 * which prepends).
 *
 * <p>Prints one line per shard:
 *
 * <pre>
 * shard 0: 100 elements, first: worker 0 got 0:990
 * ...
 * shard 9: 100 elements, first: worker 9 got 9:999
 * </pre>
 */
public final class ReversePipeExample {
  private ReversePipeExample() {}

  /** A shard: collects what the caller streams to it. */
  public static final class Shard extends StatelessWorkerSpec {
    /** Query: the shard's index; updates: numbers; response: one line per number, newest first. */
    public static final ReversePipe<Shard, Integer, Integer, List<String>> COLLECT =
        ReversePipe.of("collect", Codecs.INT, Codecs.INT, Codecs.list(Codecs.STRING));

    @Override
    public void implement(Implementations<Void, Void> table) {
      table.reversePipe(COLLECT, (state, conn, index, numbers) -> {
        LinkedList<String> got = new LinkedList<>();
        while (numbers.hasNext()) {
          got.addFirst("worker " + index + " got " + index + ":" + numbers.next());
        }
        return got;
      });
    }
  }

  public static void run(Consumer<String> out) {
    int shards = 10;
    try (RpcParallel app = RpcParallel.create()) {
      List<CompletableFuture<Worker<Shard>>> spawned = IntStream.range(0, shards)
          .mapToObj(i -> app.spawnAsync(new Shard(), null, SpawnOptions.builder().name("shard-" + i).build()))
          .collect(Collectors.toList());
      List<Connection<Shard>> conns = new ArrayList<>();
      List<ReverseCall<Integer, List<String>>> calls = new ArrayList<>();
      for (int i = 0; i < shards; i++) {
        Connection<Shard> c = app.connect(spawned.get(i).join());
        conns.add(c);
        calls.add(c.openReverse(Shard.COLLECT, i));
      }
      for (int n = 0; n < 1000; n++) {
        calls.get(n % shards).updates().write(n); // waits if that shard is behind
      }
      calls.forEach(call -> call.updates().close());
      for (int i = 0; i < shards; i++) {
        List<String> got = calls.get(i).result().join();
        out.accept("shard " + i + ": " + got.size() + " elements, first: " + got.get(0));
      }
      conns.forEach(Connection::close);
    }
  }

  public static void main(String[] args) {
    run(System.out::println);
  }
}
