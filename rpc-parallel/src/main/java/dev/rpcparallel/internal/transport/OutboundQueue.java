package dev.rpcparallel.internal.transport;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelPromise;
import java.io.IOException;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Coalesces writes from any thread into one event-loop task and one flush per batch, so many
 * calls in flight cost few syscalls and few thread wake-ups. Thread-safe.
 */
public final class OutboundQueue {
  private record Pending(ByteBuf buf, CompletableFuture<Void> written) {}

  private final Channel channel;
  private final Queue<Pending> queue = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean scheduled = new AtomicBoolean();
  private final Runnable drain = this::drain;

  public OutboundQueue(Channel channel) {
    this.channel = channel;
  }

  /**
   * Queues a frame. {@code written} (may be null) completes once the frame is written to the
   * socket, or fails if the channel closes first.
   */
  public void send(ByteBuf frame, CompletableFuture<Void> written) {
    queue.add(new Pending(frame, written));
    if (scheduled.compareAndSet(false, true)) {
      channel.eventLoop().execute(drain);
    }
  }

  private void drain() {
    scheduled.set(false);
    Pending p;
    boolean wrote = false;
    while ((p = queue.poll()) != null) {
      if (!channel.isActive()) {
        release(p);
        continue;
      }
      if (p.written() == null) {
        writeInChunks(p.buf());
      } else {
        CompletableFuture<Void> w = p.written();
        ChannelPromise promise = channel.newPromise();
        promise.addListener(f -> {
          if (f.isSuccess()) {
            w.complete(null);
          } else {
            w.completeExceptionally(new IOException("write failed: " + f.cause(), f.cause()));
          }
        });
        channel.write(p.buf(), promise);
      }
      wrote = true;
    }
    if (wrote) {
      channel.flush();
    }
  }

  /**
   * Writes a large frame as slices of {@link #CHUNK} bytes, so the transport copies it through
   * small pooled direct buffers instead of allocating (and page-faulting) one as large as the
   * frame.
   */
  private void writeInChunks(ByteBuf buf) {
    int size = buf.readableBytes();
    if (size <= CHUNK) {
      channel.write(buf, channel.voidPromise());
      return;
    }
    int start = buf.readerIndex();
    for (int off = 0; off < size; off += CHUNK) {
      channel.write(buf.retainedSlice(start + off, Math.min(CHUNK, size - off)), channel.voidPromise());
    }
    buf.release();
  }

  private static final int CHUNK = 1 << 20;

  /** Releases anything still queued (after the channel closed). */
  public void discard() {
    Pending p;
    while ((p = queue.poll()) != null) {
      release(p);
    }
  }

  private static void release(Pending p) {
    p.buf().release();
    if (p.written() != null) {
      p.written().completeExceptionally(new IOException("connection closed before the frame was written"));
    }
  }
}
