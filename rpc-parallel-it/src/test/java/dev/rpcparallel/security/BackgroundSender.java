package dev.rpcparallel.security;

import dev.rpcparallel.fixtures.Await;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A flooding peer's sending side: sends chunks {@code 0..chunks-1} from a background thread, as
 * fast as its socket takes them, and tells whether TCP holds it back: a write blocked for {@link
 * #BLOCKED} means the worker stopped reading (a loopback write of a chunk that is not held back
 * takes microseconds, even on a loaded machine). Closing the peer's socket ends a blocked sender.
 */
final class BackgroundSender implements AutoCloseable {
  /** How long one write must block before the sender counts as held back. */
  static final Duration BLOCKED = Duration.ofSeconds(1);

  /** Sends chunk {@code i} (a blocking socket write). */
  interface Chunk {
    void send(long i) throws IOException;
  }

  private final long chunks;
  private final AtomicLong sent = new AtomicLong();
  /** When the write in progress started ({@code System.nanoTime()}), or 0 between writes. */
  private volatile long writeStarted;
  private final CompletableFuture<Void> done = new CompletableFuture<>();
  private final Thread thread;

  BackgroundSender(String name, long chunks, Chunk chunk) {
    this.chunks = chunks;
    thread = new Thread(() -> {
      try {
        for (long i = 0; i < chunks; i++) {
          writeStarted = System.nanoTime() | 1;
          chunk.send(i);
          writeStarted = 0;
          sent.incrementAndGet();
        }
        done.complete(null);
      } catch (Throwable t) {
        writeStarted = 0;
        done.completeExceptionally(t);
      }
    }, "test-sender-" + name);
    thread.setDaemon(true);
    thread.start();
  }

  /** Chunks sent completely so far. */
  long sent() {
    return sent.get();
  }

  long chunks() {
    return chunks;
  }

  boolean isDone() {
    return done.isDone();
  }

  /**
   * Waits until a write has blocked for {@link #BLOCKED}; fails if the sender finishes (or fails)
   * first, or not within {@code timeout}.
   */
  void awaitHeldBack(Duration timeout) {
    Await.until(timeout, "the sender to be held back by TCP", () -> {
      if (done.isDone()) {
        throw new AssertionError("the sender was never held back: it sent all " + chunks + " chunks"
            + (done.isCompletedExceptionally() ? ", or failed: " + done.handle((v, e) -> e).join() : ""));
      }
      long started = writeStarted;
      return started != 0 && System.nanoTime() - started > BLOCKED.toNanos();
    });
  }

  /** Waits until every chunk was sent; rethrows the sender's failure. */
  void awaitDone(Duration timeout) throws Exception {
    done.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Waits for the thread to end (after the peer's socket was closed, if it was blocked). */
  @Override
  public void close() throws InterruptedException {
    thread.join(10_000);
  }
}
