package dev.rpcparallel;

import dev.rpcparallel.codec.Codec;
import java.util.function.Function;

/**
 * A function that answers an initial state {@code S} and then streams updates {@code U}, like
 * a subscription that starts with a snapshot. The worker's handler returns the state and writes
 * updates to a {@link StreamWriter}; updates written before the handler returns are delivered
 * after the state.
 *
 * <p>Immutable and thread-safe.
 */
public final class StateRpc<Q, S, U> extends WorkerFunction {
  private final Codec<Q> query;
  private final Codec<S> state;
  private final Codec<U> update;

  private StateRpc(String name, Codec<Q> query, Codec<S> state, Codec<U> update, boolean clientOnly) {
    super(name, clientOnly);
    this.query = query;
    this.state = state;
    this.update = update;
  }

  public static <Q, S, U> StateRpc<Q, S, U> of(String name, Codec<Q> query, Codec<S> state, Codec<U> update) {
    checkName(name);
    return new StateRpc<>(name, query, state, update, false);
  }

  static <Q, S, U> StateRpc<Q, S, U> builtin(String name, Codec<Q> query, Codec<S> state, Codec<U> update) {
    return new StateRpc<>(name, query, state, update, false);
  }

  public Codec<Q> queryCodec() {
    return query;
  }

  public Codec<S> stateCodec() {
    return state;
  }

  public Codec<U> updateCodec() {
    return update;
  }

  /** A client-side handle whose updates are transformed by {@code f}. */
  public <U2> StateRpc<Q, S, U2> map(Function<? super U, ? extends U2> f) {
    return new StateRpc<>(name(), query, state, mappedResult(update, f), true);
  }

  /** A client-side handle that converts its argument with {@code f}. */
  public <Q2> StateRpc<Q2, S, U> contraMap(Function<? super Q2, ? extends Q> f) {
    return new StateRpc<>(name(), contraMappedQuery(query, f), state, update, true);
  }

  @Override
  public String signature() {
    return "state(" + query.shape() + ")->(" + state.shape() + ",stream<" + update.shape() + ">)";
  }
}
