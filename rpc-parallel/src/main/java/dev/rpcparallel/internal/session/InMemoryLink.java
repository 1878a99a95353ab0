package dev.rpcparallel.internal.session;

import dev.rpcparallel.codec.BinaryWriter;
import dev.rpcparallel.internal.concurrent.SerializingExecutor;
import dev.rpcparallel.internal.protocol.ErrorCode;
import dev.rpcparallel.internal.protocol.Preamble;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One end of a link that lives in memory: frames are copied (so every value is still encoded and
 * decoded, as over a socket) and delivered in order to the other end's handler. Each end's events
 * run one at a time on a serializing executor, its "link thread"; timers run on an injected
 * scheduler (a fake clock in tests) and then hop onto that thread. The peer's frame limit is
 * enforced as the socket transport does. Thread-safe.
 */
public final class InMemoryLink implements Link {
  private final SerializingExecutor thread;
  private final ScheduledExecutorService timers;
  private final String name;
  private InMemoryLink peer;
  private LinkHandler handler;
  private volatile long limit = Preamble.HANDSHAKE_FRAME_LIMIT;
  private volatile boolean closed;
  private volatile boolean dropping;

  private InMemoryLink(Executor executor, ScheduledExecutorService timers, String name) {
    this.thread = new SerializingExecutor(executor);
    this.timers = timers;
    this.name = name;
  }

  /**
   * Connects a client and a server handler: each is made from its end of a new pair, then both
   * are told they are connected.
   *
   * @param executor runs the link threads (events never block)
   * @param timers runs timers (heartbeats, handshake timeouts)
   * @return the client's end
   */
  public static InMemoryLink connect(
      Executor executor,
      ScheduledExecutorService timers,
      java.util.function.Function<Link, LinkHandler> client,
      java.util.function.Function<Link, LinkHandler> server) {
    InMemoryLink c = new InMemoryLink(executor, timers, "in-memory client");
    InMemoryLink s = new InMemoryLink(executor, timers, "in-memory server");
    c.peer = s;
    s.peer = c;
    s.handler = server.apply(s);
    c.handler = client.apply(c);
    s.execute(s.handler::onConnected);
    c.execute(c.handler::onConnected);
    return c;
  }

  /** The other end. */
  public InMemoryLink peer() {
    return peer;
  }

  /**
   * While true, what this end sends is lost, as over a cut network link: the peer hears nothing,
   * not even EOF. For tests of heartbeat and handshake timeouts.
   */
  public void dropOutbound(boolean drop) {
    this.dropping = drop;
  }

  @Override
  public void sendPreamble(byte[] preamble) {
    byte[] copy = preamble.clone();
    deliver(p -> p.handler.onPreamble(copy), null);
  }

  @Override
  public void send(BinaryWriter frameBody, CompletableFuture<Void> written) {
    ByteBuffer view = frameBody.asReadOnlyBuffer();
    byte[] copy = new byte[view.remaining()];
    view.get(copy);
    deliver(p -> {
      if (copy.length == 0) {
        p.framingError(ErrorCode.PROTOCOL_ERROR, "empty frame");
      } else if (copy.length > p.limit) {
        p.framingError(ErrorCode.MESSAGE_TOO_LARGE,
            "frame of " + copy.length + " bytes exceeds the limit of " + p.limit + " bytes");
      } else {
        p.handler.onFrame(copy);
      }
    }, written);
  }

  private void framingError(ErrorCode code, String reason) {
    handler.onFramingError(code, reason);
    close();
  }

  /** Runs {@code event} on the peer's thread unless a side has closed; completes {@code written} there. */
  private void deliver(java.util.function.Consumer<InMemoryLink> event, CompletableFuture<Void> written) {
    InMemoryLink p = peer;
    if (closed || dropping) {
      fail(written);
      return;
    }
    try {
      p.thread.execute(() -> {
        if (p.closed) {
          fail(written);
          return;
        }
        if (p.readingPaused) {
          p.unread.add(() -> {
            event.accept(p);
            if (written != null) {
              written.complete(null);
            }
          });
          return;
        }
        event.accept(p);
        if (written != null) {
          written.complete(null);
        }
      });
    } catch (RejectedExecutionException e) {
      fail(written);
    }
  }

  private static void fail(CompletableFuture<Void> written) {
    if (written != null) {
      written.completeExceptionally(new java.io.IOException("the link closed before the frame was delivered"));
    }
  }

  /** While reading is paused, what the peer sent waits here, in order (its own thread only). */
  private final java.util.ArrayDeque<Runnable> unread = new java.util.ArrayDeque<>();
  private boolean readingPaused;

  /** Frames (and EOF) waiting here because reading is paused. Its own thread, or tests once quiet. */
  int unreadCount() {
    return unread.size();
  }

  @Override
  public void pauseReading(boolean paused) {
    readingPaused = paused;
    while (!readingPaused && !unread.isEmpty()) {
      unread.poll().run();
    }
  }

  /** Frames are handed to the peer at once: nothing queues here. */
  @Override
  public void replaceHandler(LinkHandler next) {
    handler = next;
  }

  @Override
  public void limitWriteBuffer(long bytes) {}

  @Override
  public void awaitWritable() {}

  @Override
  public boolean isWritable() {
    return true;
  }

  @Override
  public void trust(long maxFrame) {
    this.limit = maxFrame;
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    // EOF reaches the peer after the frames sent before it; both ends then see the link down.
    try {
      if (!dropping) {
        peer.thread.execute(() -> {
          if (peer.readingPaused) {
            peer.unread.add(() -> peer.disconnected("EOF")); // as over TCP: EOF is read after the bytes before it
          } else {
            peer.disconnected("EOF");
          }
        });
      }
      thread.execute(() -> handler.onDisconnected("closed by this side"));
    } catch (RejectedExecutionException e) {
      // shutting down: nobody is left to tell
    }
  }

  private void disconnected(String detail) {
    closed = true;
    handler.onDisconnected(detail);
  }

  @Override
  public void execute(Runnable task) {
    try {
      thread.execute(task);
    } catch (RejectedExecutionException e) {
      // shutting down
    }
  }

  @Override
  public Timer schedule(Runnable task, Duration delay) {
    ScheduledFuture<?> f = timers.schedule(() -> execute(task), delay.toNanos(), TimeUnit.NANOSECONDS);
    return () -> f.cancel(false);
  }

  @Override
  public String remoteAddress() {
    return peer.name;
  }

  @Override
  public String toString() {
    return name;
  }
}
