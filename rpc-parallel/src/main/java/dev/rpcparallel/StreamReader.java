package dev.rpcparallel;

import java.util.Iterator;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * The consuming end of a flow-controlled stream, read by pulling: the caller's end of a {@link
 * Pipe} or {@link StateRpc}, or the worker's end of a {@link ReversePipe}.
 *
 * <p>{@link #hasNext()} blocks until an item arrives or the stream ends. A stream that ends with
 * an error throws it from {@code hasNext()}: a {@link RemoteException} if the producer failed, a
 * {@link ConnectionClosedException} if the connection was lost. Taking an item gives the
 * producer room to send more. {@link #close()} before the end aborts the stream: the producer's
 * writer reports closed. Not thread-safe: one consumer thread.
 */
public interface StreamReader<T> extends Iterator<T>, AutoCloseable {

  /** Aborts the stream if it has not ended; idempotent. */
  @Override
  void close();

  /** A sequential stream over the remaining items; closing it closes this reader. */
  default Stream<T> stream() {
    return StreamSupport.stream(Spliterators.spliteratorUnknownSize(this, Spliterator.ORDERED), false)
        .onClose(this::close);
  }
}
