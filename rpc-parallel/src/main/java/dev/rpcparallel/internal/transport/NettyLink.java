package dev.rpcparallel.internal.transport;

import dev.rpcparallel.codec.BinaryWriter;
import dev.rpcparallel.internal.protocol.FrameReader;
import dev.rpcparallel.internal.protocol.Preamble;
import dev.rpcparallel.internal.session.Link;
import dev.rpcparallel.internal.session.LinkHandler;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.handler.ssl.SslHandler;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import javax.net.ssl.SSLSession;

/**
 * A {@link Link} over a Netty channel. Inbound bytes are split into frames by a {@link
 * FrameReader} (servers first read the preamble); outbound frames from any thread are coalesced
 * into one event-loop task and one flush per batch, so many calls in flight cost few syscalls and
 * wake-ups. The link's thread is the channel's event loop.
 *
 * <p>Backpressure: frames wait in this link's queue while Netty's outbound buffer is above its
 * high water mark (the write-buffer limit), and producers ({@link #awaitWritable()}) wait while
 * that queue holds more than the limit. So a connection holds at most about twice its limit plus
 * one frame, however slowly the peer reads; frames sent from the event loop itself (heartbeats,
 * credit, close) never wait.
 */
final class NettyLink extends ChannelInboundHandlerAdapter implements Link, FrameReader.Sink {
  /** Frames up to this size are copied into one pooled direct buffer with their length. */
  private static final int SMALL_FRAME = 64 * 1024;
  /** Larger frames are written in slices of this size through pooled direct buffers. */
  private static final int CHUNK = 1 << 20;
  /** At most this many frames per event-loop task, so one busy link does not starve others. */
  private static final int BATCH = 1024;

  private record Pending(ByteBuffer bytes, boolean framed, CompletableFuture<Void> written) {}

  private final Channel channel;
  private final FrameReader reader;
  private final Queue<Pending> queue = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean scheduled = new AtomicBoolean();
  private final Runnable drain = this::drain;
  /** Bytes in {@link #queue}, not yet handed to Netty. */
  private final AtomicLong queuedBytes = new AtomicLong();
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition drained = lock.newCondition();
  private volatile long writeBufferLimit = Long.MAX_VALUE;
  private LinkHandler handler;
  /** Set on a framing error (event loop only): nothing more is read from the peer. */
  private boolean inputFailed;

  private NettyLink(Channel channel, boolean server) {
    this.channel = channel;
    this.reader = new FrameReader(this, server, Preamble.HANDSHAKE_FRAME_LIMIT);
  }

  /** Puts a new link and its session at the end of {@code channel}'s pipeline. */
  static void install(Channel channel, boolean server, Function<Link, LinkHandler> sessions) {
    NettyLink link = new NettyLink(channel, server);
    link.handler = sessions.apply(link);
    channel.pipeline().addLast(link);
  }

  // ---- inbound (event loop) ----

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    handler.onConnected();
    ctx.fireChannelActive();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    ByteBuf buf = (ByteBuf) msg;
    handler.onBytes();
    try {
      if (inputFailed) {
        return;
      }
      for (ByteBuffer b : buf.nioBufferCount() == 1 ? new ByteBuffer[] {buf.nioBuffer()} : buf.nioBuffers()) {
        reader.feed(b);
      }
    } catch (FrameReader.FramingException e) {
      inputFailed = true;
      channel.config().setAutoRead(false);
      handler.onFramingError(e.code(), e.getMessage());
      // Not channel.close(): that would drop the CLOSE frame the handler just queued. close()
      // runs after it, writing what is queued before closing.
      close();
    } finally {
      buf.release();
    }
  }

  @Override
  public void pauseReading(boolean paused) {
    if (!inputFailed) {
      channel.config().setAutoRead(!paused);
    }
  }

  @Override
  public void onPreamble(byte[] preamble) {
    handler.onPreamble(preamble);
  }

  @Override
  public void onFrame(byte[] body) {
    handler.onFrame(body);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    String partial = reader.partialFrameAtEof();
    handler.onDisconnected(partial != null ? partial : "EOF");
    discard();
    signalProducers();
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    if (channel.isWritable()) {
      drain(); // Netty's buffer went below its low water mark: feed it what waited here
      if (isWritable()) {
        handler.onWritable();
      }
    }
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    handler.onDisconnected(TlsGate.isTls(cause) ? "TLS error: " + TlsGate.reason(cause) : "transport error: " + cause.getMessage());
    channel.close();
  }

  // ---- Link ----

  @Override
  public void sendPreamble(byte[] preamble) {
    enqueue(new Pending(ByteBuffer.wrap(preamble.clone()), false, null));
  }

  @Override
  public void send(BinaryWriter frameBody, CompletableFuture<Void> written) {
    enqueue(new Pending(frameBody.asReadOnlyBuffer(), true, written));
  }

  private void enqueue(Pending p) {
    queuedBytes.addAndGet(p.bytes().remaining());
    queue.add(p);
    if (scheduled.compareAndSet(false, true)) {
      execute(drain);
    }
  }

  /**
   * Hands queued frames to Netty, in batches, while its buffer is under the high water mark;
   * what is left waits for {@link #channelWritabilityChanged}. Event loop only.
   */
  private void drain() {
    scheduled.set(false);
    boolean wasFull = !isWritable();
    Pending p;
    int n = 0;
    while (n < BATCH && (channel.isWritable() || !channel.isActive()) && (p = queue.poll()) != null) {
      queuedBytes.addAndGet(-p.bytes().remaining());
      if (channel.isActive()) {
        write(p);
        n++;
      } else {
        fail(p);
      }
    }
    if (n > 0) {
      channel.flush();
      signalProducers();
      if (wasFull && isWritable()) {
        handler.onWritable();
      }
    }
    if (!queue.isEmpty() && channel.isWritable() && scheduled.compareAndSet(false, true)) {
      execute(drain); // more to write: let other links have the loop first
    }
  }

  private void signalProducers() {
    lock.lock();
    try {
      drained.signalAll();
    } finally {
      lock.unlock();
    }
  }

  private void write(Pending p) {
    ByteBuffer bytes = p.bytes();
    int size = bytes.remaining();
    ChannelPromise last = p.written() == null ? channel.voidPromise() : promiseFor(p.written());
    if (!p.framed()) {
      channel.write(Unpooled.wrappedBuffer(bytes), last);
      return;
    }
    if (size <= SMALL_FRAME) {
      ByteBuf buf = channel.alloc().directBuffer(4 + size);
      buf.writeInt(size).writeBytes(bytes);
      channel.write(buf, last);
      return;
    }
    ByteBuf header = channel.alloc().directBuffer(4).writeInt(size);
    channel.write(header, channel.voidPromise());
    ByteBuf body = Unpooled.wrappedBuffer(bytes);
    for (int off = 0; off < size; off += CHUNK) {
      boolean isLast = off + CHUNK >= size;
      channel.write(body.retainedSlice(off, Math.min(CHUNK, size - off)), isLast ? last : channel.voidPromise());
    }
    body.release();
  }

  private ChannelPromise promiseFor(CompletableFuture<Void> written) {
    ChannelPromise promise = channel.newPromise();
    promise.addListener(f -> {
      if (f.isSuccess()) {
        written.complete(null);
      } else {
        written.completeExceptionally(new IOException("write failed: " + f.cause(), f.cause()));
      }
    });
    return promise;
  }

  /** Fails anything still queued (after the channel closed). */
  private void discard() {
    Pending p;
    while ((p = queue.poll()) != null) {
      fail(p);
    }
  }

  private static void fail(Pending p) {
    if (p.written() != null) {
      p.written().completeExceptionally(new IOException("connection closed before the frame was written"));
    }
  }

  @Override
  public void limitWriteBuffer(long bytes) {
    writeBufferLimit = bytes;
    channel.config().setWriteBufferWaterMark(new WriteBufferWaterMark((int) Math.min(Integer.MAX_VALUE, bytes / 2),
        (int) Math.min(Integer.MAX_VALUE, bytes)));
  }

  @Override
  public boolean isWritable() {
    return queuedBytes.get() < writeBufferLimit && channel.isWritable();
  }

  @Override
  public void awaitWritable() throws InterruptedException {
    if (channel.eventLoop().inEventLoop()) {
      return;
    }
    lock.lock();
    try {
      while (queuedBytes.get() >= writeBufferLimit && channel.isOpen()) {
        drained.await(100, TimeUnit.MILLISECONDS); // also rechecks if a signal races the check
      }
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void trust(long maxFrame) {
    reader.trust(maxFrame);
  }

  @Override
  public void close() {
    execute(() -> {
      drain();
      channel.close();
    });
  }

  @Override
  public void execute(Runnable task) {
    try {
      channel.eventLoop().execute(task);
    } catch (RejectedExecutionException e) {
      // the event loop is shutting down; the channel closes with it
    }
  }

  @Override
  public Timer schedule(Runnable task, Duration delay) {
    try {
      io.netty.util.concurrent.ScheduledFuture<?> f =
          channel.eventLoop().schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
      return () -> f.cancel(false);
    } catch (RejectedExecutionException e) {
      return () -> {};
    }
  }

  /** The TLS session of this link, or null if it is plain TCP. For tests and diagnostics. */
  SSLSession tlsSession() {
    SslHandler ssl = channel.pipeline().get(SslHandler.class);
    return ssl == null ? null : ssl.engine().getSession();
  }

  @Override
  public String remoteAddress() {
    return String.valueOf(channel.remoteAddress()).replaceFirst("^/", "");
  }
}
