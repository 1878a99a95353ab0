package dev.rpcparallel;

/**
 * The caller's result of a {@link StateRpc}: the initial state and the stream of updates that
 * follow it. Closing it aborts the updates. Not thread-safe.
 */
public interface StateStream<S, U> extends AutoCloseable {
  /** The initial state the worker's handler returned. */
  S state();

  /**
   * The updates, in the order the worker wrote them; the reader's {@code hasNext()} reports their
   * end or failure.
   */
  StreamReader<U> updates();

  @Override
  default void close() {
    updates().close();
  }
}
