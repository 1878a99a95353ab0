package dev.rpcparallel.internal.session;

import dev.rpcparallel.codec.Codec;
import dev.rpcparallel.internal.protocol.ErrorCode;
import dev.rpcparallel.internal.protocol.Frames;
import dev.rpcparallel.internal.protocol.WireException;
import java.util.ArrayDeque;
import java.util.NoSuchElementException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The consuming end of a stream. The link's thread queues raw item frames (bounded by the
 * producer's credit); the consumer decodes them as it takes them and returns credit once a
 * quarter of the window has been consumed. A stream that ends with an error throws it from
 * {@link #hasNext()}: a {@code RemoteFailure}, a {@code ConnectionLost} or a {@link
 * WireException} (for example {@code DECODE_FAILED}, after which the stream is aborted). Not
 * thread-safe on the consumer side, except {@link #close()}.
 *
 * <p>Hand-off: the consumer takes every item that has arrived at once, and a consumer waiting
 * for items is woken by a task on the link's thread, which runs after the link has handled what
 * it read: one wake-up per read from the socket, not one per item. The end, an error and
 * {@link #close()} wake it at once.
 */
public final class InboundStream<T> {
  private static final Object END = new Object();

  private record Item(byte[] frame, int offset) {}

  private record Failure(RuntimeException error) {}

  private final Session session;
  private final long id;
  private final Codec<T> codec;
  private final String what;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition arrival = lock.newCondition();
  /** What the link's thread queued and the consumer has not taken yet; guarded by {@link #lock}. */
  private ArrayDeque<Object> arrived = new ArrayDeque<>();
  /** What the consumer took from {@link #arrived}, in order; consumer only. */
  private ArrayDeque<Object> taken = new ArrayDeque<>();
  /** The consumer waits on {@link #arrival}; guarded by {@link #lock}. */
  private boolean consumerWaiting;
  /** A wake-up task is queued on the link's thread; guarded by {@link #lock}. */
  private boolean wakeQueued;
  private final Runnable wake = this::wake;
  private final int creditBatch;
  /** Bytes received but not yet credited back; a producer that ignores credit overruns it. */
  private final AtomicLong unacknowledged = new AtomicLong();
  private final long overrunLimit;
  /** Whether its items count in the session's read buffer ({@link Session#countsStreamItems}). */
  private final boolean counted;
  private long consumed;
  /** Bytes of items not yet consumed, counted in the session's read buffer (if {@link #counted}). */
  private final AtomicLong queued = new AtomicLong();
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
    lock.lock();
    try {
      if (done) {
        return; // closed by the consumer: nobody will take it
      }
      if (counted) {
        long cost = frame.length + Session.MESSAGE_OVERHEAD;
        queued.addAndGet(cost);
        session.hold(cost);
      }
      arrived.addLast(new Item(frame, offset));
      if (consumerWaiting && !wakeQueued) {
        wakeQueued = true;
        session.link.execute(wake); // after this read is handled: the consumer takes the lot
      }
    } finally {
      lock.unlock();
    }
  }

  void onEnd() {
    arriveNow(END);
    finished();
  }

  void onError(RuntimeException error) {
    arriveNow(new Failure(error));
    finished();
  }

  /** Queues {@code last} (the end or an error) and wakes the consumer now. */
  private void arriveNow(Object last) {
    lock.lock();
    try {
      arrived.addLast(last);
      arrival.signal();
    } finally {
      lock.unlock();
    }
  }

  private void wake() {
    lock.lock();
    try {
      wakeQueued = false;
      arrival.signal();
    } finally {
      lock.unlock();
    }
  }

  /** Whether the stream is over: ended, failed or closed by the consumer. */
  boolean isFinished() {
    return finished.get();
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
    Object next = taken.pollFirst();
    if (next == null) {
      takeArrived();
      next = taken.pollFirst();
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
    if (counted) {
      releaseCounted(item.frame().length + Session.MESSAGE_OVERHEAD);
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

  /** Waits until something arrived, then takes all of it (swapping the two queues). */
  private void takeArrived() {
    lock.lock();
    try {
      while (arrived.isEmpty()) {
        consumerWaiting = true;
        try {
          arrival.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new WireException(ErrorCode.CANCELLED, "interrupted while waiting for an item of " + what);
        } finally {
          consumerWaiting = false;
        }
      }
      ArrayDeque<Object> t = taken;
      taken = arrived;
      arrived = t;
    } finally {
      lock.unlock();
    }
  }

  /** Gives {@code cost} back to the read buffer, unless {@link #close()} already gave back everything. */
  private void releaseCounted(long cost) {
    long q;
    do {
      q = queued.get();
      if (q < cost) {
        return;
      }
    } while (!queued.compareAndSet(q, q - cost));
    session.release(cost);
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
      lock.lock();
      try {
        arrived.clear();
        if (counted) {
          session.release(queued.getAndSet(0));
        }
        arrived.addLast(END); // wakes a consumer blocked in hasNext() on another thread
        arrival.signal();
      } finally {
        lock.unlock();
      }
    }
  }
}
