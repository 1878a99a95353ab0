package dev.rpcparallel.internal.transport;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelPromise;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Coalesces writes from any thread into one event-loop task and one flush per batch, so many
 * calls in flight cost few syscalls and few thread wake-ups. Thread-safe.
 */
public final class OutboundQueue {
  private record Pending(ByteBuf buf, Runnable onWritten) {}

  private final Channel channel;
  private final Queue<Pending> queue = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean scheduled = new AtomicBoolean();
  private final Runnable drain = this::drain;

  public OutboundQueue(Channel channel) {
    this.channel = channel;
  }

  /** Queues a frame; {@code onWritten} (may be null) runs on the I/O thread once it is written. */
  public void send(ByteBuf frame, Runnable onWritten) {
    queue.add(new Pending(frame, onWritten));
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
        p.buf().release();
        continue;
      }
      if (p.onWritten() == null) {
        channel.write(p.buf(), channel.voidPromise());
      } else {
        Runnable r = p.onWritten();
        ChannelPromise promise = channel.newPromise();
        promise.addListener(f -> r.run());
        channel.write(p.buf(), promise);
      }
      wrote = true;
    }
    if (wrote) {
      channel.flush();
    }
  }

  /** Releases anything still queued (after the channel closed). */
  public void discard() {
    Pending p;
    while ((p = queue.poll()) != null) {
      p.buf().release();
    }
  }
}
