package dev.rpcparallel;

import java.util.concurrent.CompletableFuture;

/** A handle to a stream consumed by callback: cancel it, or wait for its end. Thread-safe. */
public interface Subscription extends AutoCloseable {
  /** Aborts the stream; the producer's writer reports closed. Idempotent. */
  void cancel();

  /** Completes when the stream ends: normally, with its error, or when cancelled. */
  CompletableFuture<Void> done();

  /** Same as {@link #cancel()}. */
  @Override
  default void close() {
    cancel();
  }
}
