package dev.rpcparallel;

import dev.rpcparallel.codec.Codec;
import java.util.function.Function;

/**
 * A client-streaming function of worker type {@code W}: the caller sends one {@code Q} and then a
 * flow-controlled stream of {@code U}; the worker reads the updates from a {@link StreamReader}
 * and answers one {@code R} (before or after the stream ends).
 *
 * <p>Immutable and thread-safe.
 *
 * @param <W> the worker type (its spec class)
 * @param <Q> the query
 * @param <U> the updates the caller streams
 * @param <R> the response
 */
public final class ReversePipe<W extends WorkerSpec<?, ?, ?, ?>, Q, U, R> extends WorkerFunction<W> {
  private final Codec<Q> query;
  private final Codec<U> update;
  private final Codec<R> response;

  private ReversePipe(String name, Codec<Q> query, Codec<U> update, Codec<R> response, boolean clientOnly) {
    super(name, clientOnly);
    this.query = query;
    this.update = update;
    this.response = response;
  }

  /**
   * A reverse pipe named {@code name}; {@code W} is inferred from the assignment.
   *
   * @throws IllegalArgumentException if the name is blank, has an unpaired surrogate or starts
   *     with {@code rpc_parallel.}
   * @throws NullPointerException if the name is null
   */
  public static <W extends WorkerSpec<?, ?, ?, ?>, Q, U, R> ReversePipe<W, Q, U, R> of(
      String name, Codec<Q> query, Codec<U> update, Codec<R> response) {
    return new ReversePipe<>(name, query, update, response, false);
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
   * The codec of the updates: the caller encodes with it, the worker decodes; its shape is part of
   * {@link #signature()}.
   */
  public Codec<U> updateCodec() {
    return update;
  }

  /**
   * The codec of the response: the worker encodes with it, the caller decodes; its shape is part of
   * {@link #signature()}. A handle made by {@link #map} cannot encode with it ({@link
   * UnsupportedOperationException}).
   */
  public Codec<R> responseCodec() {
    return response;
  }

  /** A client-side handle whose response is transformed by {@code f}. */
  public <R2> ReversePipe<W, Q, U, R2> map(Function<? super R, ? extends R2> f) {
    return new ReversePipe<>(name(), query, update, mappedResult(response, f), true);
  }

  /** A client-side handle that converts its argument with {@code f}. */
  public <Q2> ReversePipe<W, Q2, U, R> contraMap(Function<? super Q2, ? extends Q> f) {
    return new ReversePipe<>(name(), contraMappedQuery(query, f), update, response, true);
  }

  @Override
  public String signature() {
    return "reverse_pipe(" + query.shape() + ",stream<" + update.shape() + ">)->" + response.shape();
  }
}
