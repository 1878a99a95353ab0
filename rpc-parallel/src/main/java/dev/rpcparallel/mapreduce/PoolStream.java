package dev.rpcparallel.mapreduce;

import dev.rpcparallel.internal.pool.ResultStream;

/** The public face of a job's results: a {@link MapStream} over the engine's stream. */
final class PoolStream<T> implements MapStream<T> {
  private final ResultStream<T> results;

  PoolStream(ResultStream<T> results) {
    this.results = results;
  }

  @Override
  public boolean hasNext() {
    return results.hasNext();
  }

  @Override
  public T next() {
    return results.next();
  }

  @Override
  public void close() {
    results.close();
  }
}
