package dev.rpcparallel.internal.session;

import dev.rpcparallel.codec.Codec;
import dev.rpcparallel.internal.protocol.ErrorCode;
import dev.rpcparallel.internal.protocol.Frames;
import dev.rpcparallel.internal.protocol.WireException;
import java.util.NoSuchElementException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The consuming end of a stream. The link's thread queues raw item frames (bounded by the
 * producer's credit); the consumer decodes them as it takes them and returns credit once a
 * quarter of the window has been consumed. A stream that ends with an error throws it from
 * {@link #hasNext()}: a {@code RemoteFailure}, a {@code ConnectionLost} or a {@link
 * WireException} (for example {@code DECODE_FAILED}, after which the stream is aborted). Not
 * thread-safe on the consumer side, except {@link #close()}.
 */
public final class InboundStream<T> {
  private static final Object END = new Object();

  private record Item(byte[] frame, int offset) {}

  private record Failure(RuntimeException error) {}

  private final Session session;
  private final long id;
  private final Codec<T> codec;
  private final String what;
  private final LinkedBlockingQueue<Object> queue = new LinkedBlockingQueue<>();
  private final int creditBatch;
  /** Bytes received but not yet credited back; a producer that ignores credit overruns it. */
  private final AtomicLong unacknowledged = new AtomicLong();
  private final long overrunLimit;
  /** Whether its items count in the session's read buffer ({@link Session#countsStreamItems}). */
  private final boolean counted;
  private long consumed;
  /** Bytes of items in {@link #queue}, counted in the session's read buffer; guarded by this. */
  private long queued;
  private volatile boolean done;
  private boolean hasLookahead;
  private T lookahead;

  private final Runnable onFinish;
  private final java.util.concurrent.atomic.AtomicBoolean finished = new java.util.concurrent.atomic.AtomicBoolean();

  InboundStream(Session session, long id, Codec<T> codec, String what) {
    this(session, id, codec, what, () -> {});
  }

  /** {@code onFinish} runs once when the stream ends: END, an error, or an abort from this side. */
  InboundStream(Session session, long id, Codec<T> codec, String what, Runnable onFinish) {
    this.session = session;
    this.id = id;
    this.codec = codec;
    this.what = what;
    this.onFinish = onFinish;
    this.creditBatch = Math.max(1, session.config.streamWindow() / 4);
    this.overrunLimit = 2L * session.config.streamWindow() + session.config.maxMessageSize();
    this.counted = session.countsStreamItems();
  }

  // ---- link thread ----

  void onItem(byte[] frame, int offset) {
    long before = unacknowledged.getAndAdd(frame.length);
    // A peer that honours credit never sends while a window or more is unacknowledged. The worker
    // also tolerates one item's worth past 2 windows (its read buffer bounds the rest); a client,
    // whose read buffer does not count its streams, tolerates nothing sent past 2 windows.
    if (counted ? before + frame.length > overrunLimit : before > 2L * session.config.streamWindow()) {
      session.close(ErrorCode.PROTOCOL_ERROR,
          "flow control violated: the peer sent more than the stream window allows on stream " + id);
      return;
    }
    synchronized (this) {
      if (done) {
        return; // closed by the consumer: nobody will take it
      }
      long cost = frame.length + Session.MESSAGE_OVERHEAD;
      queued += cost;
      if (counted) {
        session.hold(cost);
      }
      queue.add(new Item(frame, offset));
    }
  }

  void onEnd() {
    queue.add(END);
    finished();
  }

  void onError(RuntimeException error) {
    queue.add(new Failure(error));
    finished();
  }

  /** The stream is over as far as the peer is concerned (runs {@code onFinish} once). */
  void finished() {
    if (finished.compareAndSet(false, true)) {
      onFinish.run();
    }
  }

  // ---- consumer ----

  public boolean hasNext() {
    if (hasLookahead) {
      return true;
    }
    if (done) {
      return false;
    }
    Object next;
    try {
      next = queue.take();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new WireException(ErrorCode.CANCELLED, "interrupted while waiting for an item of " + what);
    }
    if (next == END) {
      done = true;
      return false;
    }
    if (next instanceof Failure f) {
      done = true;
      throw f.error();
    }
    Item item = (Item) next;
    synchronized (this) {
      long cost = item.frame().length + Session.MESSAGE_OVERHEAD;
      if (queued >= cost) { // else close() already released it
        queued -= cost;
        if (counted) {
          session.release(cost);
        }
      }
    }
    T value;
    try {
      value = Frames.decode(codec, item.frame(), item.offset(), "an item of " + what);
    } catch (WireException e) {
      close();
      throw e;
    }
    consumed += item.frame().length;
    if (consumed >= creditBatch) {
      unacknowledged.addAndGet(-consumed);
      if (session.isOpen()) {
        session.sendCredit(id, consumed);
      }
      consumed = 0;
    }
    lookahead = value;
    hasLookahead = true;
    return true;
  }

  public T next() {
    if (!hasNext()) {
      throw new NoSuchElementException("the stream of " + what + " ended");
    }
    T v = lookahead;
    lookahead = null;
    hasLookahead = false;
    return v;
  }

  /** Aborts the stream if it has not ended (the producer's writer reports closed); idempotent. */
  public void close() {
    if (!done) {
      done = true;
      if (session.inStreams.remove(id, this) && session.isOpen()) {
        session.sendAbort(id); // before the slot is freed: the worker frees its own on this frame
      }
      finished();
      synchronized (this) {
        queue.clear();
        if (counted) {
          session.release(queued);
        }
        queued = 0;
      }
      queue.add(END); // wakes a consumer blocked in hasNext() on another thread
    }
  }
}
