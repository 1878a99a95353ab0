package dev.rpcparallel.examples;

import dev.rpcparallel.RpcParallel;
import dev.rpcparallel.codec.Codec;
import dev.rpcparallel.codec.Codecs;
import dev.rpcparallel.mapreduce.MapFunction;
import dev.rpcparallel.mapreduce.MapReduce;
import dev.rpcparallel.mapreduce.MapStream;
import dev.rpcparallel.mapreduce.PoolConfig;
import java.security.SecureRandom;
import java.util.Collections;
import java.util.function.Consumer;

/**
 * The original's {@code side_arg.ml}: a map function with per-worker state made from a parameter
 * broadcast to every worker. Each worker draws a random number in {@code init} and prefixes the
 * master's message with it, so 100 lines show at most 4 distinct prefixes, one per worker:
 *
 * <pre>
 * 0: [1734452] Message from the master
 * 1: [88123] Message from the master
 * ...
 * </pre>
 */
public final class SideArg {
  private SideArg() {}

  /** Per-worker state: a random prefix, and the broadcast message. */
  public static final class Greet implements MapFunction<String, Void, String> {
    private volatile String line;

    @Override
    public Codec<String> paramCodec() {
      return Codecs.STRING;
    }

    @Override
    public Codec<Void> inputCodec() {
      return Codecs.VOID;
    }

    @Override
    public Codec<String> outputCodec() {
      return Codecs.STRING;
    }

    @Override
    public void init(String message, int workerIndex) {
      line = "[" + new SecureRandom().nextInt(10_000_000) + "] " + message;
    }

    @Override
    public String map(Void unit) {
      return line;
    }
  }

  public static void run(int items, int workers, String message, Consumer<String> out) {
    PoolConfig config = PoolConfig.builder().localWorkers(workers).build();
    try (RpcParallel app = RpcParallel.create();
        MapStream<String> lines = MapReduce.map(app, config, new Greet(), message, Collections.nCopies(items, (Void) null))) {
      int i = 0;
      while (lines.hasNext()) {
        out.accept(i++ + ": " + lines.next());
      }
    }
  }

  public static void main(String[] args) {
    run(100, 4, "Message from the master", System.out::println);
  }
}
