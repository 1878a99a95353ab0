package dev.rpcparallel.examples;

import dev.rpcparallel.Connection;
import dev.rpcparallel.Implementations;
import dev.rpcparallel.Pipe;
import dev.rpcparallel.Rpc;
import dev.rpcparallel.RpcParallel;
import dev.rpcparallel.SimpleWorkerSpec;
import dev.rpcparallel.SpawnOptions;
import dev.rpcparallel.StreamReader;
import dev.rpcparallel.StreamWriter;
import dev.rpcparallel.Worker;
import dev.rpcparallel.WorkerContext;
import dev.rpcparallel.codec.Codecs;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Workers passed as values, and a worker that streams to other workers (the original's {@code
 * stream_workers.ml}). The master spawns one {@link Streamer} and N {@link Processor}s, and hands
 * each processor the streamer's {@link Worker} handle as the argument of a function (handles
 * travel with {@link Worker#codec(Class)}, typed by worker). Each processor connects to the
 * streamer itself and subscribes to its {@link Pipe}; the streamer then sends each element
 * 0..num-elts-1 to one subscriber chosen at random. The master collects every processor's
 * elements and checks that each arrived exactly once.
 *
 * <p>Arguments: {@code [-num-elts 10] [-num-workers 4]}. Prints {@code Ok.} (or the elements
 * received if any is missing or duplicated).
 */
public final class StreamWorkers {
  private StreamWorkers() {}

  /** Init argument of the streamer: how many elements, how many subscribers to wait for. */
  public record StreamConfig(int numElts, int numSubscribers) {}

  /** State of the streamer: its config, the open subscriptions, a latch counting them. */
  public record StreamState(StreamConfig config, List<StreamWriter<Integer>> subscribers, CountDownLatch allSubscribed) {}

  /** Holds the subscriptions and, on {@link #START}, fans the elements out to them at random. */
  public static final class Streamer extends SimpleWorkerSpec<StreamConfig, StreamState> {
    /** A subscription: stays open until the streamer has sent everything. */
    public static final Pipe<Streamer, Void, Integer> SUBSCRIBE =
        Pipe.of("subscribe", Codecs.VOID, Codecs.INT);
    /** Waits for every subscriber, sends the elements, closes the subscriptions. */
    public static final Rpc<Streamer, Void, Void> START = Rpc.of("start", Codecs.VOID, Codecs.VOID);

    public Streamer() {
      super(Codecs.derive(StreamConfig.class));
    }

    @Override
    public StreamState initWorkerState(StreamConfig config, WorkerContext context) {
      return new StreamState(config, new CopyOnWriteArrayList<>(), new CountDownLatch(config.numSubscribers()));
    }

    @Override
    public void implement(Implementations<StreamState, Void> table) {
      table
          .pipe(SUBSCRIBE, (state, conn, unit, out) -> {
            state.subscribers().add(out); // returning without closing leaves the stream open
            state.allSubscribed().countDown();
          })
          .rpc(START, (state, conn, unit) -> {
            if (!state.allSubscribed().await(30, TimeUnit.SECONDS)) {
              throw new IllegalStateException("not every subscriber subscribed within 30 s");
            }
            List<StreamWriter<Integer>> subs = state.subscribers();
            for (int i = 0; i < state.config().numElts(); i++) {
              subs.get(ThreadLocalRandom.current().nextInt(subs.size())).write(i);
            }
            subs.forEach(StreamWriter::close);
            return null;
          });
    }
  }

  /** Given a streamer's handle, subscribes to it and returns every element it was sent. */
  public static final class Processor extends SimpleWorkerSpec<Void, WorkerContext> {
    public static final Rpc<Processor, Worker<Streamer>, List<Integer>> PROCESS_ELTS =
        Rpc.of("process_elts", Worker.codec(Streamer.class), Codecs.list(Codecs.INT));

    public Processor() {
      super(Codecs.VOID);
    }

    @Override
    public WorkerContext initWorkerState(Void arg, WorkerContext context) {
      return context; // the state is the context: handlers use context.app() to connect
    }

    @Override
    public void implement(Implementations<WorkerContext, Void> table) {
      table.rpc(PROCESS_ELTS, (context, conn, streamer) -> {
        List<Integer> got = new ArrayList<>();
        try (Connection<Streamer> c = context.app().connect(streamer);
            StreamReader<Integer> elts = c.open(Streamer.SUBSCRIBE)) {
          elts.forEachRemaining(got::add);
        }
        return got;
      });
    }
  }

  public static void run(int numElts, int numWorkers, Consumer<String> out) {
    try (RpcParallel app = RpcParallel.create()) {
      CompletableFuture<Worker<Streamer>> streamerF = app.spawnAsync(
          new Streamer(), new StreamConfig(numElts, numWorkers), SpawnOptions.builder().name("streamer").build());
      List<CompletableFuture<Worker<Processor>>> processorsF = IntStream.range(0, numWorkers)
          .mapToObj(i -> app.spawnAsync(new Processor(), null, SpawnOptions.builder().name("processor-" + i).build()))
          .collect(Collectors.toList());
      Worker<Streamer> streamer = streamerF.join();
      List<Connection<Processor>> processors =
          processorsF.stream().map(f -> app.connect(f.join())).collect(Collectors.toList());

      // Each processor subscribes on its own; the streamer's START waits for all of them.
      List<CompletableFuture<List<Integer>>> results = processors.stream()
          .map(p -> p.callAsync(Processor.PROCESS_ELTS, streamer))
          .collect(Collectors.toList());
      app.withConnection(streamer, s -> s.call(Streamer.START));
      List<Integer> all = new ArrayList<>();
      results.forEach(r -> all.addAll(r.join()));
      all.sort(null);
      List<Integer> expected = IntStream.range(0, numElts).boxed().collect(Collectors.toList());
      out.accept(all.equals(expected) ? "Ok." : "Error: received " + all + ", expected " + expected);
    } // closing the app ends the workers it spawned and reaps them
  }

  public static void main(String[] args) {
    run(Flags.intFlag(args, "-num-elts", 10), Flags.intFlag(args, "-num-workers", 4), System.out::println);
  }
}
