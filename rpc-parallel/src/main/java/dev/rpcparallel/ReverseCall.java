package dev.rpcparallel;

import java.util.concurrent.CompletableFuture;

/**
 * A {@link ReversePipe} call in progress: write updates to {@link #updates()}, close it, and
 * wait for {@link #result()}. If the worker answers before reading everything, further writes
 * return false. Thread-safe.
 *
 * <pre>{@code
 * try (ReverseCall<Integer, List<String>> call = connection.openReverse(SHARD, 3)) {
 *   for (int i = 0; i < 100; i++) call.updates().write(i);
 *   call.updates().close();
 *   List<String> answer = call.result().join();
 * }
 * }</pre>
 *
 * @param <U> the updates
 * @param <R> the answer
 */
public interface ReverseCall<U, R> extends AutoCloseable {
  /**
   * The writer of the updates: write them, then close it to end the stream. Writes return false
   * once the call has ended (answered, failed or closed).
   */
  StreamWriter<U> updates();

  /**
   * Completes with the worker's response, on the application's executor; fails with a {@link
   * RemoteException} if the handler threw, or an {@link RpcParallelException} (for example a
   * {@link ConnectionClosedException}) if the call could not complete.
   */
  CompletableFuture<R> result();

  /**
   * Abandons the call unless it has completed: the update stream ends with an error (the
   * worker's reader fails with "cancelled by the caller") and {@link #result()} completes with a
   * {@link RpcParallelException} of kind {@code CANCELLED}. After the result arrived, does
   * nothing. Idempotent.
   */
  @Override
  void close();
}
