package dev.rpcparallel;

/**
 * The producing end of a flow-controlled stream: the worker's end of a {@link Pipe} or {@link
 * StateRpc}, or the caller's end of a {@link ReversePipe}.
 *
 * <p>{@link #write} blocks while the consumer's window is full (backpressure), so call it from a
 * thread that may block (handlers run on such threads). It returns {@code false} once the stream
 * is closed, by either side or because the connection was lost, so producers can stop. Safe for
 * use by several threads; items written concurrently are sent in some order.
 */
public interface StreamWriter<T> {

  /**
   * Sends {@code item}, waiting while the consumer is behind.
   *
   * @return false if the stream is closed and the item was dropped
   */
  boolean write(T item);

  /** Ends the stream normally. Idempotent. */
  void close();

  /** Ends the stream with an error that the consumer receives as a {@link RemoteException}. */
  void fail(Throwable error);

  /** Whether the stream is closed (by this side, the consumer, or connection loss). */
  boolean isClosed();

  /** Runs {@code action} once when the stream closes, for any reason (at once if already closed). */
  void onClose(Runnable action);
}
