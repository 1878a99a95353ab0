package dev.rpcparallel.internal.core;

import dev.rpcparallel.RpcParallelException;
import dev.rpcparallel.StreamReader;
import dev.rpcparallel.codec.BinaryReader;
import dev.rpcparallel.codec.Codec;
import dev.rpcparallel.codec.CodecException;
import java.util.NoSuchElementException;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * The consuming end of a stream. The I/O thread queues raw item frames (bounded by the
 * producer's credit); the consumer decodes them as it takes them and returns credit once a
 * quarter of the window has been consumed. Not thread-safe on the consumer side.
 */
final class InboundStream<T> implements StreamReader<T> {
  private static final Object END = new Object();

  private record Item(byte[] frame, int offset) {}

  private record Failure(RuntimeException error) {}

  private final Session session;
  private final long id;
  private final Codec<T> codec;
  private final LinkedBlockingQueue<Object> queue = new LinkedBlockingQueue<>();
  private final int creditBatch;
  /** Bytes received but not yet credited back; a producer that ignores credit overruns it. */
  private final java.util.concurrent.atomic.AtomicLong unacknowledged = new java.util.concurrent.atomic.AtomicLong();
  private final long overrunLimit;
  private long consumed;
  private volatile boolean done;
  private boolean hasLookahead;
  private T lookahead;

  InboundStream(Session session, long id, Codec<T> codec) {
    this.session = session;
    this.id = id;
    this.codec = codec;
    this.creditBatch = Math.max(1, session.settings.streamWindow() / 4);
    this.overrunLimit = 2L * session.settings.streamWindow() + session.settings.maxMessageSize();
  }

  // ---- I/O thread ----

  void onItem(byte[] frame, int offset) {
    if (unacknowledged.addAndGet(frame.length) > overrunLimit) {
      session.close("flow control violated: the peer sent more than the stream window allows on stream " + id);
      return;
    }
    queue.add(new Item(frame, offset));
  }

  void onEnd() {
    queue.add(END);
  }

  void onError(RuntimeException error) {
    queue.add(new Failure(error));
  }

  // ---- consumer ----

  @Override
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
      throw new RpcParallelException(RpcParallelException.Kind.CANCELLED, "interrupted while waiting for a stream item");
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
    BinaryReader in = new BinaryReader(item.frame(), item.offset(), item.frame().length - item.offset());
    T value;
    try {
      value = codec.decode(in);
      in.expectEnd(codec.shape());
    } catch (CodecException e) {
      close();
      throw e;
    } catch (RuntimeException e) {
      close();
      throw new CodecException(codec.shape(), in.position(), e.toString());
    }
    consumed += item.frame().length;
    if (consumed >= creditBatch) {
      unacknowledged.addAndGet(-consumed);
      session.sendCredit(id, consumed);
      consumed = 0;
    }
    lookahead = value;
    hasLookahead = true;
    return true;
  }

  @Override
  public T next() {
    if (!hasNext()) {
      throw new NoSuchElementException("stream ended");
    }
    T v = lookahead;
    lookahead = null;
    hasLookahead = false;
    return v;
  }

  @Override
  public void close() {
    if (!done) {
      done = true;
      if (session.inStreams.remove(id) != null && session.isOpen()) {
        session.sendAbort(id);
      }
      queue.clear();
      queue.add(END); // wakes a consumer blocked in hasNext() on another thread
    }
  }
}
