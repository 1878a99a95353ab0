package dev.rpcparallel.internal.core;

import dev.rpcparallel.RpcParallelException;
import dev.rpcparallel.StreamWriter;
import dev.rpcparallel.codec.BinaryWriter;
import dev.rpcparallel.codec.Codec;
import dev.rpcparallel.internal.protocol.FrameType;
import dev.rpcparallel.internal.protocol.WireError;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The producing end of a stream. Credit-based flow control: {@link #write} waits while the
 * unacknowledged bytes reach the stream window (so at most one window plus one item is in
 * flight) and resumes on CREDIT frames.
 * Thread-safe. Uses a lock rather than {@code synchronized} so waiting virtual threads do not pin
 * their carrier.
 */
final class OutboundStream<T> implements StreamWriter<T> {
  private final Session session;
  private final long id;
  private final Codec<T> codec;
  private final String what;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition hasCredit = lock.newCondition();
  private long credit;
  private boolean closed;
  private List<Runnable> onClose = new ArrayList<>();

  OutboundStream(Session session, long id, Codec<T> codec, String what) {
    this.session = session;
    this.id = id;
    this.codec = codec;
    this.what = what;
    this.credit = session.settings.streamWindow();
  }

  long id() {
    return id;
  }

  @Override
  public boolean write(T item) {
    return write(item, true);
  }

  /** Sends only if there is credit now; never waits. For the log stream's subscribers. */
  boolean offer(T item) {
    return write(item, false);
  }

  private boolean write(T item, boolean wait) {
    if (isClosed()) {
      return false;
    }
    BinaryWriter w = Frames.start(FrameType.ITEM);
    w.writeUnsignedVarLong(id);
    codec.encode(item, w);
    int cost = Frames.bodyLength(w);
    lock.lock();
    try {
      while (credit <= 0 && !closed) {
        if (!wait) {
          return false;
        }
        try {
          hasCredit.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new RpcParallelException(RpcParallelException.Kind.CANCELLED, "interrupted while waiting to write " + what);
        }
      }
      if (closed) {
        return false;
      }
      credit -= cost;
    } finally {
      lock.unlock();
    }
    session.send(w, "item of " + what);
    return true;
  }

  void onCredit(long n) {
    lock.lock();
    try {
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

  @Override
  public void close() {
    if (markClosed()) {
      session.outStreams.remove(id);
      BinaryWriter w = Frames.start(FrameType.END, 16);
      w.writeUnsignedVarLong(id);
      session.send(w, "end of " + what);
    }
  }

  @Override
  public void fail(Throwable error) {
    if (markClosed()) {
      session.outStreams.remove(id);
      BinaryWriter w = Frames.start(FrameType.ERROR);
      w.writeUnsignedVarLong(id);
      WireError.writeRemote(error, session.localName(), w);
      session.send(w, "error of " + what);
    }
  }

  /** Ends the stream with an infrastructure error of {@code kind}. */
  void failWith(RpcParallelException.Kind kind, String message) {
    if (markClosed()) {
      session.outStreams.remove(id);
      BinaryWriter w = Frames.start(FrameType.ERROR);
      w.writeUnsignedVarLong(id);
      WireError.writeInfra(kind, message, w);
      session.send(w, "error of " + what);
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
        org.slf4j.LoggerFactory.getLogger(OutboundStream.class).warn("onClose action of {} failed", what, e);
      }
    }
    return true;
  }

  @Override
  public boolean isClosed() {
    lock.lock();
    try {
      return closed;
    } finally {
      lock.unlock();
    }
  }

  @Override
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
