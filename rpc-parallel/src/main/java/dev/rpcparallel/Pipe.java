package dev.rpcparallel;

import dev.rpcparallel.codec.Codec;
import java.util.function.Function;

/**
 * A server-streaming function of worker type {@code W}: the caller sends one {@code Q}, the
 * worker writes any number of {@code R} to a {@link StreamWriter} and closes it. The stream is
 * flow-controlled: a slow reader makes the worker's {@link StreamWriter#write} wait. The caller
 * reads by pulling ({@link Connection#open(Pipe, Object)}) or by callback ({@link
 * Connection#subscribe}); closing the reader aborts the stream and the worker's writer then
 * reports closed.
 *
 * <p>Immutable and thread-safe.
 *
 * @param <W> the worker type (its spec class)
 * @param <Q> the query
 * @param <R> the items
 */
public final class Pipe<W extends WorkerSpec<?, ?, ?, ?>, Q, R> extends WorkerFunction<W> {
  private final Codec<Q> query;
  private final Codec<R> item;

  private Pipe(String name, Codec<Q> query, Codec<R> item, boolean clientOnly) {
    super(name, clientOnly);
    this.query = query;
    this.item = item;
  }

  /**
   * A pipe named {@code name}; {@code W} is inferred from the assignment.
   *
   * @throws IllegalArgumentException if the name is blank, has an unpaired surrogate or starts
   *     with {@code rpc_parallel.}
   * @throws NullPointerException if the name is null
   */
  public static <W extends WorkerSpec<?, ?, ?, ?>, Q, R> Pipe<W, Q, R> of(String name, Codec<Q> query, Codec<R> item) {
    return new Pipe<>(name, query, item, false);
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
   * The codec of the items: the worker encodes with it, the caller decodes; its shape is part of
   * {@link #signature()}. A handle made by {@link #map} cannot encode with it ({@link
   * UnsupportedOperationException}).
   */
  public Codec<R> itemCodec() {
    return item;
  }

  /** A client-side handle whose items are transformed by {@code f}. */
  public <R2> Pipe<W, Q, R2> map(Function<? super R, ? extends R2> f) {
    return new Pipe<>(name(), query, mappedResult(item, f), true);
  }

  /** A client-side handle that converts its argument with {@code f}. */
  public <Q2> Pipe<W, Q2, R> contraMap(Function<? super Q2, ? extends Q> f) {
    return new Pipe<>(name(), contraMappedQuery(query, f), item, true);
  }

  @Override
  public String signature() {
    return "pipe(" + query.shape() + ")->stream<" + item.shape() + ">";
  }
}
