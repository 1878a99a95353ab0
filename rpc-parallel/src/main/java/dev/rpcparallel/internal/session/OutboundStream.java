package dev.rpcparallel.internal.session;

import dev.rpcparallel.codec.BinaryWriter;
import dev.rpcparallel.codec.Codec;
import dev.rpcparallel.internal.protocol.ErrorCode;
import dev.rpcparallel.internal.protocol.FrameType;
import dev.rpcparallel.internal.protocol.Frames;
import dev.rpcparallel.internal.protocol.WireError;
import dev.rpcparallel.internal.protocol.WireException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The producing end of a stream, flow-controlled by credit: {@link #write} waits while the bytes
 * sent and not yet credited back reach the stream window (so at most one window plus one item is
 * in flight) and resumes on CREDIT frames. Credit that would take the window above its size is a
 * protocol violation. Thread-safe; uses a lock rather than {@code synchronized} so waiting
 * virtual threads do not pin their carrier.
 */
public final class OutboundStream<T> {
  private static final Logger log = LoggerFactory.getLogger(OutboundStream.class);

  private final Session session;
  private final long id;
  private final Codec<T> codec;
  private final String what;
  private final long window;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition hasCredit = lock.newCondition();
  private long credit;
  private boolean started;
  private boolean closed;
  /** While non-null, writes are kept here instead of sent (see {@link #defer()}). */
  private SpillBuffer spill;
  /** {@link #close()} was called while items were kept: end the stream after them. */
  private boolean pendingEnd;
  private List<Runnable> onClose = new ArrayList<>();
  /** Initial capacity of the next item's frame: the last one's size (racy reads are harmless). */
  private int frameSizeHint = 64;
  private static final int MAX_SIZE_HINT = 64 * 1024;

  OutboundStream(Session session, long id, Codec<T> codec, String what) {
    this(session, id, codec, what, true);
  }

  /** With {@code started} false, writes wait until {@link #start()} (the call is not sent yet). */
  OutboundStream(Session session, long id, Codec<T> codec, String what, boolean started) {
    this.session = session;
    this.id = id;
    this.codec = codec;
    this.what = what;
    this.window = session.config.streamWindow();
    this.credit = started ? window : 0;
    this.started = started;
  }

  /**
   * Keeps what is written, without waiting for credit, until {@link #release()}: a state
   * function's updates written before its state is sent (the caller cannot consume, or give
   * credit, before it has the state). They are kept compactly, as encoded frames.
   */
  public void defer() {
    lock.lock();
    try {
      spill = new SpillBuffer();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Sends what {@link #defer()} kept, under credit (waiting for the consumer as writes do), then
   * lets writes through. Writes made meanwhile queue behind, in order. Blocks the calling thread.
   */
  public void release() {
    while (true) {
      byte[] frame;
      lock.lock();
      try {
        if (spill == null) {
          return;
        }
        if (spill.isEmpty() || closed) {
          spill = null;
          if (pendingEnd && !closed) {
            close(); // the lock is reentrant
          }
          return;
        }
        while (credit <= 0 && !closed) {
          try {
            hasCredit.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new WireException(ErrorCode.CANCELLED, "interrupted while sending the kept " + what);
          }
        }
        if (closed) {
          spill = null;
          return;
        }
        frame = spill.poll();
        credit -= frame.length;
      } finally {
        lock.unlock();
      }
      BinaryWriter w = new BinaryWriter(frame.length);
      w.writeRaw(frame, 0, frame.length);
      session.awaitWritable("an item of " + what);
      session.send(w, "an item of " + what);
    }
  }

  /** The call was sent: the window opens. */
  void start() {
    lock.lock();
    try {
      if (!started) {
        started = true;
        credit = window;
        hasCredit.signalAll();
      }
    } finally {
      lock.unlock();
    }
  }

  /**
   * Sends {@code item}, waiting while the consumer is behind.
   *
   * @return false if the stream is closed and the item was dropped
   * @throws WireException {@code CANCELLED} if interrupted while waiting, or {@code
   *     MESSAGE_TOO_LARGE} if the item alone exceeds the message size limit
   */
  public boolean write(T item) {
    return write(item, true);
  }

  /** Sends only if there is credit now; never waits. For the log stream's subscribers. */
  public boolean offer(T item) {
    return write(item, false);
  }

  private boolean write(T item, boolean wait) {
    if (isClosed()) {
      return false;
    }
    BinaryWriter w = Frames.start(FrameType.ITEM, frameSizeHint);
    w.writeUnsignedVarLong(id);
    codec.encode(item, w);
    int cost = w.size();
    frameSizeHint = Math.min(MAX_SIZE_HINT, cost + 16); // items of a stream tend to be alike: no regrowth next time
    lock.lock();
    try {
      if (spill != null) {
        if (closed) {
          return false;
        }
        spill.add(w.asReadOnlyBuffer());
        return true;
      }
      while (credit <= 0 && !closed) {
        if (!wait) {
          return false;
        }
        try {
          hasCredit.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new WireException(ErrorCode.CANCELLED, "interrupted while waiting to write " + what);
        }
      }
      if (closed) {
        return false;
      }
      credit -= cost;
    } finally {
      lock.unlock();
    }
    if (wait) {
      session.awaitWritable("an item of " + what);
    }
    session.send(w, "an item of " + what);
    return true;
  }

  /** Link thread: the consumer returned {@code n} bytes of credit. */
  void onCredit(long n) {
    lock.lock();
    try {
      if (n <= 0 || !started || credit + n > window) {
        session.close(ErrorCode.PROTOCOL_ERROR, "flow control violated: credit of " + Long.toUnsignedString(n)
            + " on stream " + id + " would exceed its window of " + window + " bytes");
        return;
      }
      credit += n;
      hasCredit.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** The consumer aborted, or the connection closed: stop without telling the peer. */
  void onAbort() {
    markClosed();
  }

  /** Stops the stream without telling the peer, which knows from elsewhere (its call failed). */
  public void abandon() {
    session.outStreams.remove(id, this);
    markClosed();
  }

  /** Ends the stream normally (after anything kept by {@link #defer()} was sent). Idempotent. */
  public void close() {
    lock.lock();
    try {
      if (spill != null && !closed) {
        pendingEnd = true; // release() ends the stream once the kept items are out
        return;
      }
    } finally {
      lock.unlock();
    }
    if (markClosed()) {
      session.outStreams.remove(id, this);
      BinaryWriter w = Frames.start(FrameType.END, 16);
      w.writeUnsignedVarLong(id);
      sendQuietly(w, "the end of " + what);
    }
  }

  /** Ends the stream with an error thrown by user code; the consumer receives it as a remote failure. */
  public void fail(Throwable error) {
    if (markClosed()) {
      session.outStreams.remove(id, this);
      BinaryWriter w = Frames.start(FrameType.ERROR);
      w.writeUnsignedVarLong(id);
      WireError.writeRemote(error, session.localName(), w);
      sendQuietly(w, "the error of " + what);
    }
  }

  /** Ends the stream with an infrastructure error of {@code code}. */
  public void failWith(ErrorCode code, String message) {
    if (markClosed()) {
      session.outStreams.remove(id, this);
      BinaryWriter w = Frames.start(FrameType.ERROR);
      w.writeUnsignedVarLong(id);
      WireError.writeInfra(code, message, w);
      sendQuietly(w, "the error of " + what);
    }
  }

  private void sendQuietly(BinaryWriter w, String what) {
    if (!session.isOpen()) {
      return;
    }
    try {
      session.send(w, what);
    } catch (WireException e) {
      // an error too large to send: the consumer gets a short one instead
      BinaryWriter small = Frames.start(FrameType.ERROR);
      small.writeUnsignedVarLong(id);
      WireError.writeInfra(e.code(), what + " could not be sent: " + e.getMessage(), small);
      session.send(small, what);
    }
  }

  private boolean markClosed() {
    List<Runnable> actions;
    lock.lock();
    try {
      if (closed) {
        return false;
      }
      closed = true;
      hasCredit.signalAll();
      actions = onClose;
      onClose = null;
    } finally {
      lock.unlock();
    }
    for (Runnable r : actions) {
      try {
        r.run();
      } catch (RuntimeException e) {
        log.warn("an onClose action of {} failed", what, e);
      }
    }
    return true;
  }

  /** Whether the stream is closed (by this side, the consumer, or connection loss). */
  public boolean isClosed() {
    lock.lock();
    try {
      return closed;
    } finally {
      lock.unlock();
    }
  }

  /** Runs {@code action} once when the stream closes, for any reason (at once if already closed). */
  public void onClose(Runnable action) {
    lock.lock();
    try {
      if (!closed) {
        onClose.add(action);
        return;
      }
    } finally {
      lock.unlock();
    }
    action.run();
  }
}
