package dev.rpcparallel;

import dev.rpcparallel.codec.Codec;
import java.util.function.Function;

/**
 * A request/response function of worker type {@code W}: the caller sends one {@code Q}, the
 * worker answers one {@code R}.
 *
 * <pre>{@code
 * public static final Rpc<SumWorker, Integer, Long> SUM = Rpc.of("sum", Codecs.INT, Codecs.LONG);
 * long total = connection.call(SUM, 42);
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 *
 * @param <W> the worker type (its spec class)
 * @param <Q> the query
 * @param <R> the response
 */
public final class Rpc<W extends WorkerSpec<?, ?, ?, ?>, Q, R> extends WorkerFunction<W> {
  private final Codec<Q> query;
  private final Codec<R> response;

  private Rpc(String name, Codec<Q> query, Codec<R> response, boolean clientOnly) {
    super(name, clientOnly);
    this.query = query;
    this.response = response;
  }

  /**
   * A function named {@code name}; {@code W} is inferred from the field or variable the result is
   * assigned to.
   *
   * @throws IllegalArgumentException if the name is blank, has an unpaired surrogate or starts
   *     with {@code rpc_parallel.}
   * @throws NullPointerException if the name is null
   */
  public static <W extends WorkerSpec<?, ?, ?, ?>, Q, R> Rpc<W, Q, R> of(String name, Codec<Q> query, Codec<R> response) {
    return new Rpc<>(name, query, response, false);
  }

  /**
   * The codec of the query: the caller encodes with it, the worker decodes; its shape is part of
   * {@link #signature()}. A handle made by {@link #contraMap} cannot decode with it ({@link
   * UnsupportedOperationException}).
   */
  public Codec<Q> queryCodec() {
    return query;
  }

  /**
   * The codec of the response: the worker encodes with it, the caller decodes; its shape is part of
   * {@link #signature()}. A handle made by {@link #map} cannot encode with it ({@link
   * UnsupportedOperationException}).
   */
  public Codec<R> responseCodec() {
    return response;
  }

  /** A client-side handle to the same worker function whose result is transformed by {@code f}. */
  public <R2> Rpc<W, Q, R2> map(Function<? super R, ? extends R2> f) {
    return new Rpc<>(name(), query, mappedResult(response, f), true);
  }

  /** A client-side handle to the same worker function that converts its argument with {@code f}. */
  public <Q2> Rpc<W, Q2, R> contraMap(Function<? super Q2, ? extends Q> f) {
    return new Rpc<>(name(), contraMappedQuery(query, f), response, true);
  }

  @Override
  public String signature() {
    return "rpc(" + query.shape() + ")->" + response.shape();
  }
}
