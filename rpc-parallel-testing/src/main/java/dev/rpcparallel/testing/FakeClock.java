package dev.rpcparallel.testing;

import dev.rpcparallel.internal.concurrent.ManualScheduler;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A clock that moves only when told to, for the timers of in-memory workers (handshake timeouts,
 * heartbeats): give it to {@code RpcParallel.Builder.timers}, or get it from {@link
 * RpcParallelExtension#clock()}. {@link #advance} runs, on the calling thread and in time order,
 * every timer that falls due.
 *
 * <pre>{@code
 * clock.advance(Duration.ofMinutes(5));   // every heartbeat due in 5 min is sent and received:
 *                                          // an idle connection to a live peer stays open
 * }</pre>
 *
 * <p>Thread-safe. Shutting it down only refuses new timers.
 */
public final class FakeClock implements ScheduledExecutorService {
  private final ManualScheduler scheduler = new ManualScheduler();

  /** Moves time forward by {@code d}, running the timers that fall due. */
  public void advance(Duration d) {
    scheduler.advance(d);
  }

  /** Time elapsed on this clock since it was made. */
  public Duration elapsed() {
    return Duration.ofNanos(scheduler.nanoTime());
  }

  /** Timers waiting to fire. */
  public int pendingTimers() {
    return scheduler.pending();
  }

  @Override
  public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
    return scheduler.schedule(command, delay, unit);
  }

  @Override
  public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
    return scheduler.schedule(callable, delay, unit);
  }

  @Override
  public ScheduledFuture<?> scheduleAtFixedRate(Runnable command, long initialDelay, long period, TimeUnit unit) {
    return scheduler.scheduleAtFixedRate(command, initialDelay, period, unit);
  }

  @Override
  public ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, long initialDelay, long delay, TimeUnit unit) {
    return scheduler.scheduleWithFixedDelay(command, initialDelay, delay, unit);
  }

  @Override
  public void execute(Runnable command) {
    scheduler.execute(command);
  }

  @Override
  public void shutdown() {
    scheduler.shutdown();
  }

  @Override
  public List<Runnable> shutdownNow() {
    return scheduler.shutdownNow();
  }

  @Override
  public boolean isShutdown() {
    return scheduler.isShutdown();
  }

  @Override
  public boolean isTerminated() {
    return scheduler.isTerminated();
  }

  @Override
  public boolean awaitTermination(long timeout, TimeUnit unit) {
    return scheduler.awaitTermination(timeout, unit);
  }

  @Override
  public <T> Future<T> submit(Callable<T> task) {
    return scheduler.submit(task);
  }

  @Override
  public <T> Future<T> submit(Runnable task, T result) {
    return scheduler.submit(task, result);
  }

  @Override
  public Future<?> submit(Runnable task) {
    return scheduler.submit(task);
  }

  @Override
  public <T> List<Future<T>> invokeAll(Collection<? extends Callable<T>> tasks) throws InterruptedException {
    return scheduler.invokeAll(tasks);
  }

  @Override
  public <T> List<Future<T>> invokeAll(Collection<? extends Callable<T>> tasks, long timeout, TimeUnit unit)
      throws InterruptedException {
    return scheduler.invokeAll(tasks, timeout, unit);
  }

  @Override
  public <T> T invokeAny(Collection<? extends Callable<T>> tasks) throws InterruptedException, ExecutionException {
    return scheduler.invokeAny(tasks);
  }

  @Override
  public <T> T invokeAny(Collection<? extends Callable<T>> tasks, long timeout, TimeUnit unit)
      throws InterruptedException, ExecutionException, TimeoutException {
    return scheduler.invokeAny(tasks, timeout, unit);
  }
}
