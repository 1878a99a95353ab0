package dev.rpcparallel;

import dev.rpcparallel.codec.Codec;
import java.util.function.Function;

/**
 * A function of worker type {@code W} that answers an initial state {@code S} and then streams
 * updates {@code U}, like a subscription that starts with a snapshot. The worker's handler
 * returns the state and writes updates to a {@link StreamWriter}, before or after returning;
 * the caller receives the state first, then the updates in the order written.
 *
 * <p>Immutable and thread-safe.
 *
 * @param <W> the worker type (its spec class)
 * @param <Q> the query
 * @param <S> the initial state
 * @param <U> the updates
 */
public final class StateRpc<W extends WorkerSpec<?, ?, ?, ?>, Q, S, U> extends WorkerFunction<W> {
  private final Codec<Q> query;
  private final Codec<S> state;
  private final Codec<U> update;

  private StateRpc(String name, Codec<Q> query, Codec<S> state, Codec<U> update, boolean clientOnly) {
    super(name, clientOnly);
    this.query = query;
    this.state = state;
    this.update = update;
  }

  /**
   * A state function named {@code name}; {@code W} is inferred from the assignment.
   *
   * @throws IllegalArgumentException if the name is blank, has an unpaired surrogate or starts
   *     with {@code rpc_parallel.}
   * @throws NullPointerException if the name is null
   */
  public static <W extends WorkerSpec<?, ?, ?, ?>, Q, S, U> StateRpc<W, Q, S, U> of(
      String name, Codec<Q> query, Codec<S> state, Codec<U> update) {
    return new StateRpc<>(name, query, state, update, false);
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
   * The codec of the initial state: the worker encodes with it, the caller decodes; its shape is
   * part of {@link #signature()}.
   */
  public Codec<S> stateCodec() {
    return state;
  }

  /**
   * The codec of the updates: the worker encodes with it, the caller decodes; its shape is part of
   * {@link #signature()}. A handle made by {@link #map} cannot encode with it ({@link
   * UnsupportedOperationException}).
   */
  public Codec<U> updateCodec() {
    return update;
  }

  /** A client-side handle whose updates are transformed by {@code f}. */
  public <U2> StateRpc<W, Q, S, U2> map(Function<? super U, ? extends U2> f) {
    return new StateRpc<>(name(), query, state, mappedResult(update, f), true);
  }

  /** A client-side handle that converts its argument with {@code f}. */
  public <Q2> StateRpc<W, Q2, S, U> contraMap(Function<? super Q2, ? extends Q> f) {
    return new StateRpc<>(name(), contraMappedQuery(query, f), state, update, true);
  }

  @Override
  public String signature() {
    return "state(" + query.shape() + ")->(" + state.shape() + ",stream<" + update.shape() + ">)";
  }
}
