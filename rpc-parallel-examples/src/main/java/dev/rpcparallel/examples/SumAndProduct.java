package dev.rpcparallel.examples;

import dev.rpcparallel.Connection;
import dev.rpcparallel.Implementations;
import dev.rpcparallel.Rpc;
import dev.rpcparallel.RpcParallel;
import dev.rpcparallel.ShutdownOn;
import dev.rpcparallel.StatelessWorkerSpec;
import dev.rpcparallel.SpawnOptions;
import dev.rpcparallel.codec.Codecs;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * Two worker types in one program, spawned concurrently (the original's {@code workers.ml} expect
 * test). Each is started with {@link RpcParallel#spawnAndConnectAsync}, so it runs with {@link
 * ShutdownOn#CONNECTION_CLOSED} and exits when its connection is closed.
 *
 * <p>Prints:
 *
 * <pre>
 * sum: 45
 * product: 3628800
 * </pre>
 */
public final class SumAndProduct {
  private SumAndProduct() {}

  /** Sums 0..n-1. */
  public static final class Adder extends StatelessWorkerSpec {
    public static final Rpc<Adder, Integer, Long> SUM = Rpc.of("sum", Codecs.INT, Codecs.LONG);

    @Override
    public void implement(Implementations<Void, Void> table) {
      table.rpc(SUM, (state, conn, n) -> {
        long sum = 0;
        for (int i = 0; i < n; i++) {
          sum += i;
        }
        return sum;
      });
    }
  }

  /** Multiplies 1..n. */
  public static final class Multiplier extends StatelessWorkerSpec {
    public static final Rpc<Multiplier, Integer, Long> PRODUCT = Rpc.of("product", Codecs.INT, Codecs.LONG);

    @Override
    public void implement(Implementations<Void, Void> table) {
      table.rpc(PRODUCT, (state, conn, n) -> {
        long product = 1;
        for (int i = 1; i <= n; i++) {
          product *= i;
        }
        return product;
      });
    }
  }

  /** Spawns both workers at once, calls each, closes the connections (the workers exit). */
  public static void run(Consumer<String> out) {
    try (RpcParallel app = RpcParallel.create()) {
      CompletableFuture<Connection<Adder>> adder =
          app.spawnAndConnectAsync(new Adder(), null, null, SpawnOptions.builder().name("adder").build());
      CompletableFuture<Connection<Multiplier>> multiplier =
          app.spawnAndConnectAsync(new Multiplier(), null, null, SpawnOptions.builder().name("multiplier").build());
      try (Connection<Adder> a = adder.join(); Connection<Multiplier> m = multiplier.join()) {
        out.accept("sum: " + a.call(Adder.SUM, 10));
        out.accept("product: " + m.call(Multiplier.PRODUCT, 10));
      }
    }
  }

  public static void main(String[] args) {
    run(System.out::println);
  }
}
