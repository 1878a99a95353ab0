package dev.rpcparallel.internal.pool;

import java.util.Iterator;

/**
 * The results of a map job, pulled by one consumer; the public {@code MapStream} wraps it.
 * {@link #hasNext()} blocks until a result, the end or the job's failure (thrown); {@link
 * #close()} before the end stops the job (see {@link Jobs}).
 *
 * @param <T> the results
 */
public interface ResultStream<T> extends Iterator<T>, AutoCloseable {
  /** Stops the job if it has not ended; idempotent. */
  @Override
  void close();
}
