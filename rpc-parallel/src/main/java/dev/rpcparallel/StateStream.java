package dev.rpcparallel;

/**
 * The caller's result of a {@link StateRpc}: the initial state and the stream of updates that
 * follow it. Closing it aborts the updates. Not thread-safe.
 */
public interface StateStream<S, U> extends AutoCloseable {
  S state();

  StreamReader<U> updates();

  @Override
  default void close() {
    updates().close();
  }
}
