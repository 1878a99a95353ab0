package dev.rpcparallel.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * The registry of contenders known to {@link Compare}. Adding a contender is one class plus one
 * line in {@link #ALL}.
 */
public final class Contenders {

  /** Name of the raw-socket floor; ratios in the report are computed against it. */
  public static final String RAW = "raw";

  /** Name of the default-configured gRPC contender; ratios in the report are computed against it. */
  public static final String GRPC = "grpc";

  /**
   * A registered contender.
   *
   * @param name the name returned by the contender's {@link Contender#name()}
   * @param byDefault whether it runs when {@code --only} is not given
   * @param factory creates a fresh, not yet started instance
   */
  public record Entry(String name, boolean byDefault, Supplier<Contender> factory) {}

  /** Name of the library's own contender. */
  public static final String RPC_PARALLEL = "rpc-parallel";

  /** All contenders, in the order they run within a round. */
  public static final List<Entry> ALL =
      List.of(
          new Entry(RAW, true, RawSocketContender::new),
          new Entry(GRPC, true, () -> new GrpcContender(false)),
          new Entry("grpc-direct", false, () -> new GrpcContender(true)),
          new Entry(RPC_PARALLEL, true, () -> new RpcParallelContender(false)),
          new Entry(RPC_PARALLEL + "-direct", true, () -> new RpcParallelContender(true)));

  private Contenders() {}

  /**
   * Instantiates the selected contenders: the default ones if {@code only} is empty, otherwise
   * those named in {@code only} (in registry order).
   *
   * @throws IllegalArgumentException for an unknown name
   */
  public static List<Contender> select(List<String> only) {
    for (String name : only) {
      if (ALL.stream().noneMatch(e -> e.name().equals(name))) {
        throw new IllegalArgumentException(
            "unknown contender '" + name + "'; known: " + ALL.stream().map(Entry::name).toList());
      }
    }
    List<Contender> selected = new ArrayList<>();
    for (Entry e : ALL) {
      if (only.isEmpty() ? e.byDefault() : only.contains(e.name())) {
        selected.add(e.factory().get());
      }
    }
    return selected;
  }
}
