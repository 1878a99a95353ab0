package dev.rpcparallel;

/**
 * Receives a stream by callback (see {@link Connection#subscribe}). Calls for one stream are made
 * one at a time, in order, never on an I/O thread; the next item is requested only after {@link
 * #onItem} returns, so a slow listener slows the producer instead of growing a buffer. Exactly
 * one of {@link #onEnd} or {@link #onError} ends the stream (none after {@link
 * Subscription#cancel()}).
 */
public interface StreamListener<T> {
  /**
   * Receives the next item. If it throws, the stream is aborted and {@link #onError} receives that
   * exception.
   */
  void onItem(T item);

  /** The producer closed the stream normally. */
  default void onEnd() {}

  /**
   * The stream failed: a {@link RemoteException} if the producer failed, a {@link
   * ConnectionClosedException} if the connection was lost, another {@link RpcParallelException}
   * (for example {@code PROTOCOL_ERROR} for an item that does not decode), or the exception {@link
   * #onItem} threw.
   */
  default void onError(Throwable error) {}
}
