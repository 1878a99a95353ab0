package dev.rpcparallel;

import dev.rpcparallel.codec.Codec;
import java.util.function.Function;

/**
 * A one-way message: the caller sends a {@code Q} and does not wait for the worker to handle it.
 * An exception thrown by the handler is logged by the worker and never reaches the caller.
 * Messages sent on one connection are handled in the order sent only if the worker's executor
 * preserves it; do not rely on ordering across calls.
 *
 * <p>Immutable and thread-safe.
 */
public final class OneWay<Q> extends WorkerFunction {
  private final Codec<Q> query;

  private OneWay(String name, Codec<Q> query, boolean clientOnly) {
    super(name, clientOnly);
    this.query = query;
  }

  public static <Q> OneWay<Q> of(String name, Codec<Q> query) {
    checkName(name);
    return new OneWay<>(name, query, false);
  }

  static <Q> OneWay<Q> builtin(String name, Codec<Q> query) {
    return new OneWay<>(name, query, false);
  }

  public Codec<Q> queryCodec() {
    return query;
  }

  /** A client-side handle that converts its argument with {@code f}. */
  public <Q2> OneWay<Q2> contraMap(Function<? super Q2, ? extends Q> f) {
    return new OneWay<>(name(), contraMappedQuery(query, f), true);
  }

  @Override
  public String signature() {
    return "one_way(" + query.shape() + ")";
  }
}
