package dev.rpcparallel;

import dev.rpcparallel.codec.Codec;
import java.util.function.Function;

/**
 * A request/response function: the caller sends one {@code Q}, the worker answers one {@code R}.
 *
 * <pre>{@code
 * static final Rpc<Integer, Long> SUM = Rpc.of("sum", Codecs.INT, Codecs.LONG);
 * long total = connection.call(SUM, 42);
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 */
public final class Rpc<Q, R> extends WorkerFunction {
  private final Codec<Q> query;
  private final Codec<R> response;

  private Rpc(String name, Codec<Q> query, Codec<R> response, boolean clientOnly) {
    super(name, clientOnly);
    this.query = query;
    this.response = response;
  }

  public static <Q, R> Rpc<Q, R> of(String name, Codec<Q> query, Codec<R> response) {
    checkName(name);
    return new Rpc<>(name, query, response, false);
  }

  static <Q, R> Rpc<Q, R> builtin(String name, Codec<Q> query, Codec<R> response) {
    return new Rpc<>(name, query, response, false);
  }

  public Codec<Q> queryCodec() {
    return query;
  }

  public Codec<R> responseCodec() {
    return response;
  }

  /** A client-side handle to the same worker function whose result is transformed by {@code f}. */
  public <R2> Rpc<Q, R2> map(Function<? super R, ? extends R2> f) {
    return new Rpc<>(name(), query, mappedResult(response, f), true);
  }

  /** A client-side handle to the same worker function that converts its argument with {@code f}. */
  public <Q2> Rpc<Q2, R> contraMap(Function<? super Q2, ? extends Q> f) {
    return new Rpc<>(name(), contraMappedQuery(query, f), response, true);
  }

  @Override
  public String signature() {
    return "rpc(" + query.shape() + ")->" + response.shape();
  }
}
