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
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
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
  /** Consecutive small frames are copied into buffers of up to this size. */
  private static final int COALESCE = 64 * 1024;
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
  /** Producers in {@link #awaitWritable()}; {@link #drain()} signals only if there are any. */
  private final AtomicInteger waitingProducers = new AtomicInteger();
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
   * what is left waits for {@link #channelWritabilityChanged}. Consecutive small frames are copied
   * into one buffer (one Netty message and one {@code writev} entry for many frames: a stream of
   * small items costs a few bytes of copying per item instead of a message each). Event loop only.
   */
  private void drain() {
    scheduled.set(false);
    boolean wasFull = !isWritable();
    Batch batch = new Batch();
    Pending p;
    int n = 0;
    while (n < BATCH && (channel.isWritable() || !channel.isActive()) && (p = queue.poll()) != null) {
      int size = p.bytes().remaining();
      long stillQueued = queuedBytes.addAndGet(-size);
      if (!channel.isActive()) {
        fail(p);
        continue;
      }
      n++;
      if (p.framed() && size <= SMALL_FRAME) {
        batch.add(p, size, Math.min(stillQueued, (long) (BATCH - n) * (4 + size)));
      } else {
        batch.write(); // in order: what was batched goes first
        write(p);
      }
    }
    batch.write();
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

  /** Small frames copied, with their lengths, into one pooled direct buffer. Event loop only. */
  private final class Batch {
    private ByteBuf buf;
    private List<CompletableFuture<Void>> written;

    /**
     * Adds a frame of {@code size} bytes; about {@code behind} bytes may follow it in this drain (to
     * size the buffer: Netty's outbound buffer, and so the write-buffer limit, counts a buffer's
     * readable bytes, not its capacity, so capacity must not run far ahead of what is written).
     */
    void add(Pending p, int size, long behind) {
      if (buf != null && buf.writableBytes() < 4 + size) {
        write();
      }
      if (buf == null) {
        // room for this frame and, up to COALESCE, for those behind it (with a few length prefixes)
        int capacity = (int) Math.max(4L + size, Math.min(COALESCE, 4L + size + behind + 64));
        buf = channel.alloc().directBuffer(capacity);
      }
      buf.writeInt(size).writeBytes(p.bytes());
      if (p.written() != null) {
        if (written == null) {
          written = new ArrayList<>(2);
        }
        written.add(p.written());
      }
    }

    /** Writes what was added, if anything (not flushed). */
    void write() {
      if (buf == null) {
        return;
      }
      ChannelPromise promise;
      if (written == null) {
        promise = channel.voidPromise();
      } else if (written.size() == 1) {
        promise = promiseFor(written.get(0));
      } else {
        List<CompletableFuture<Void>> all = written;
        promise = channel.newPromise();
        promise.addListener(f -> {
          for (CompletableFuture<Void> w : all) {
            complete(w, f);
          }
        });
      }
      channel.write(buf, promise);
      buf = null;
      written = null;
    }
  }

  private void signalProducers() {
    if (waitingProducers.get() == 0) {
      return; // see awaitWritable: a producer counts itself before it looks at queuedBytes
    }
    lock.lock();
    try {
      drained.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** A large or unframed frame: written as it is (large ones in slices), not copied. */
  private void write(Pending p) {
    ByteBuffer bytes = p.bytes();
    int size = bytes.remaining();
    ChannelPromise last = p.written() == null ? channel.voidPromise() : promiseFor(p.written());
    if (!p.framed()) {
      channel.write(Unpooled.wrappedBuffer(bytes), last);
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
    promise.addListener(f -> complete(written, f));
    return promise;
  }

  private static void complete(CompletableFuture<Void> written, io.netty.util.concurrent.Future<?> f) {
    if (f.isSuccess()) {
      written.complete(null);
    } else {
      written.completeExceptionally(new IOException("write failed: " + f.cause(), f.cause()));
    }
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
  public void replaceHandler(LinkHandler next) {
    handler = next;
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
    if (queuedBytes.get() < writeBufferLimit || channel.eventLoop().inEventLoop()) {
      return;
    }
    lock.lock();
    waitingProducers.incrementAndGet(); // before looking again: drain() lowers queuedBytes, then looks at this
    try {
      while (queuedBytes.get() >= writeBufferLimit && channel.isOpen()) {
        drained.await(100, TimeUnit.MILLISECONDS); // also rechecks if a signal races the check
      }
    } finally {
      waitingProducers.decrementAndGet();
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
    // The address, never "hostname/address" (a connecting side's address keeps the name it was given).
    return channel.remoteAddress() instanceof java.net.InetSocketAddress a && a.getAddress() != null
        ? a.getAddress().getHostAddress() + ":" + a.getPort()
        : String.valueOf(channel.remoteAddress()).replaceFirst("^/", "");
  }
}
