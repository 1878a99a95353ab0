package dev.rpcparallel;

import dev.rpcparallel.codec.Codec;
import java.util.function.Function;

/**
 * A one-way message to worker type {@code W}: the caller sends a {@code Q} and does not wait for
 * the worker to handle it.
 *
 * <p>Ordering, as in the original: the one-way messages sent on one connection are handled one at
 * a time, in the order sent, and a call sent on the same connection after a one-way starts only
 * once that one-way was handled. A handler that blocks therefore delays what follows it on its
 * connection. If a handler throws, the worker closes the connection with the exception's text as
 * the close reason (the caller's pending calls fail with a {@link ConnectionClosedException}).
 *
 * <p>Immutable and thread-safe.
 *
 * @param <W> the worker type (its spec class)
 * @param <Q> the message
 */
public final class OneWay<W extends WorkerSpec<?, ?, ?, ?>, Q> extends WorkerFunction<W> {
  private final Codec<Q> query;

  private OneWay(String name, Codec<Q> query, boolean clientOnly) {
    super(name, clientOnly);
    this.query = query;
  }

  /**
   * A one-way function named {@code name}; {@code W} is inferred from the assignment.
   *
   * @throws IllegalArgumentException if the name is blank, has an unpaired surrogate or starts
   *     with {@code rpc_parallel.}
   * @throws NullPointerException if the name is null
   */
  public static <W extends WorkerSpec<?, ?, ?, ?>, Q> OneWay<W, Q> of(String name, Codec<Q> query) {
    return new OneWay<>(name, query, false);
  }

  /**
   * The codec of the message: the caller encodes with it, the worker decodes; its shape is part of
   * {@link #signature()}. A handle made by {@link #contraMap} cannot decode with it ({@link
   * UnsupportedOperationException}).
   */
  public Codec<Q> queryCodec() {
    return query;
  }

  /** A client-side handle that converts its argument with {@code f}. */
  public <Q2> OneWay<W, Q2> contraMap(Function<? super Q2, ? extends Q> f) {
    return new OneWay<>(name(), contraMappedQuery(query, f), true);
  }

  @Override
  public String signature() {
    return "one_way(" + query.shape() + ")";
  }
}
