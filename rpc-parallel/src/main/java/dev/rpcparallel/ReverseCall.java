package dev.rpcparallel;

import java.util.concurrent.CompletableFuture;

/**
 * A {@link ReversePipe} call in progress: write updates to {@link #updates()}, close it, and
 * wait for {@link #result()}. If the worker answers before reading everything, further writes
 * return false. Thread-safe.
 */
public interface ReverseCall<U, R> {
  StreamWriter<U> updates();

  CompletableFuture<R> result();
}
