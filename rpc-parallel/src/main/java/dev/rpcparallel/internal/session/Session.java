package dev.rpcparallel.internal.session;

import dev.rpcparallel.codec.BinaryReader;
import dev.rpcparallel.codec.BinaryWriter;
import dev.rpcparallel.codec.CodecException;
import dev.rpcparallel.internal.jfr.Jfr;
import dev.rpcparallel.internal.protocol.ConnectionLost;
import dev.rpcparallel.internal.protocol.Durations;
import dev.rpcparallel.internal.protocol.ErrorCode;
import dev.rpcparallel.internal.protocol.FrameType;
import dev.rpcparallel.internal.protocol.Frames;
import dev.rpcparallel.internal.protocol.Preamble;
import dev.rpcparallel.internal.protocol.Texts;
import dev.rpcparallel.internal.protocol.WireException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One end of a connection over a {@link Link}: handshake timer, heartbeats, streams and closing.
 * The link's thread calls the {@link LinkHandler} methods; {@link #send} and {@link #close} may be
 * called from any thread. Subclasses add the client or server half of the handshake and calls.
 */
public abstract class Session implements LinkHandler {
  private static final Logger log = LoggerFactory.getLogger(Session.class);

  final Link link;
  final SessionConfig config;
  final ConcurrentHashMap<Long, OutboundStream<?>> outStreams = new ConcurrentHashMap<>();
  final ConcurrentHashMap<Long, InboundStream<?>> inStreams = new ConcurrentHashMap<>();
  /** The stream of the last ITEM frame, and its id: items come in runs (link thread only). */
  private InboundStream<?> lastItemStream;
  private long lastItemStreamId;
  private final CompletableFuture<String> closeFuture = new CompletableFuture<>();
  private volatile ConnectionLost closed;
  private volatile boolean open;
  private volatile boolean authenticated;
  /** This session handed its link to another ({@link #handOver}): what it sends now is dropped. */
  private volatile boolean handedOver;
  private Heartbeater heartbeater;
  private Link.Timer timer;
  /** Bytes received and not yet taken (unread items, calls and one-ways not yet started). */
  private final java.util.concurrent.atomic.AtomicLong held = new java.util.concurrent.atomic.AtomicLong();
  /** Whether reading is stopped because {@link #held} went over the read-buffer limit; link thread writes. */
  private volatile boolean readingPaused;
  /**
   * Whether reading is stopped because what this side sends waits unsent over the write-buffer
   * limit: the answers the link's own thread writes (errors for refused calls, credit, pongs)
   * never wait, so a peer that sends without reading would otherwise grow them without bound.
   * Link thread only.
   */
  private boolean writesBackedUp;

  Session(Link link, SessionConfig config) {
    this.link = link;
    this.config = config;
    link.limitWriteBuffer(config.writeBufferLimit());
  }

  /**
   * Counts {@code bytes} received and not yet taken; over the read-buffer limit the link stops
   * reading until {@link #release} brings it down to half. Link thread.
   */
  final void hold(long bytes) {
    if (held.addAndGet(bytes) > config.readBufferLimit() && !readingPaused) {
      readingPaused = true;
      updateReading();
      if (held.get() <= config.readBufferLimit() / 2) { // taken meanwhile, before the flag was seen
        resumeReading();
      }
    }
  }

  /** Every message counts this much in the read buffer besides its bytes: what holding it costs. */
  static final int MESSAGE_OVERHEAD = 128;

  /**
   * Whether items of streams this side receives count in the read buffer. On the side that
   * opened the streams (the client) they do not: it credited them itself, credit bounds them per
   * stream, and counting them would let a stream the application has not read yet stop the whole
   * connection, answers to its other calls included. The worker counts the updates of reverse
   * pipes, which a peer opens on it.
   */
  boolean countsStreamItems() {
    return true;
  }

  private void updateReading() {
    link.pauseReading(readingPaused || writesBackedUp);
  }

  /** {@code bytes} counted by {@link #hold} were taken. Any thread. */
  final void release(long bytes) {
    if (held.addAndGet(-bytes) <= config.readBufferLimit() / 2 && readingPaused) {
      link.execute(this::resumeReading);
    }
  }

  private void resumeReading() {
    if (readingPaused && held.get() <= config.readBufferLimit() / 2) {
      readingPaused = false;
      updateReading();
    }
  }

  @Override
  public final void onWritable() {
    if (writesBackedUp) {
      writesBackedUp = false;
      updateReading();
    }
    writable();
  }

  /** The link became writable again (see {@link Link#isWritable()}). Link thread. */
  void writable() {}

  /** Bytes received and not yet taken (for tests and diagnostics). */
  public final long heldBytes() {
    return held.get();
  }

  /**
   * Waits while the connection has more than its write-buffer limit queued (producers of items
   * and results call this; the link's own thread never waits).
   *
   * @throws WireException {@code CANCELLED} if interrupted
   */
  final void awaitWritable(String what) {
    try {
      link.awaitWritable();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new WireException(ErrorCode.CANCELLED, "interrupted while waiting to send " + what);
    }
  }

  // ---- link events (link thread) ----

  @Override
  public void onConnected() {
    startHandshakeTimer();
  }

  private void startHandshakeTimer() {
    timer = link.schedule(
        () -> close(ErrorCode.HANDSHAKE_TIMEOUT,
            "handshake not completed within " + Durations.format(config.handshakeTimeout())),
        config.handshakeTimeout());
  }

  @Override
  public void onPreamble(byte[] preamble) {
    close(ErrorCode.PROTOCOL_ERROR, "unexpected preamble");
  }

  @Override
  public final void onBytes() {
    if (heartbeater != null) {
      heartbeater.onReceived();
    }
  }

  @Override
  public final void onFrame(byte[] body) {
    if (heartbeater != null) {
      heartbeater.onReceived();
    }
    if (closed != null) {
      return; // frames that arrived in the same read as a fatal one are never looked at
    }
    try {
      handleFrame(body);
      if (handedOver) {
        return; // the frame handed the link over: its state is the next session's business
      }
      if (!writesBackedUp && !link.isWritable()) {
        writesBackedUp = true; // until onWritable
        updateReading();
      }
    } catch (WireException e) {
      close(e.code(), e.getMessage());
    } catch (CodecException e) {
      close(ErrorCode.PROTOCOL_ERROR, "malformed " + FrameType.name(body[0]) + " frame: " + e.getMessage());
    } catch (RuntimeException e) {
      log.warn("closing connection after an unexpected error", e);
      close(ErrorCode.INTERNAL_ERROR, "internal error: " + e);
    }
  }

  private void handleFrame(byte[] body) {
    BinaryReader in = new BinaryReader(body);
    byte type = (byte) in.readByte();
    if (type == FrameType.CLOSE) {
      ErrorCode code = ErrorCode.fromWire(in.readUnsignedVarLong());
      closed(code, peerCloseReason(code, in.readString()));
      link.close();
      return;
    }
    if (!open) {
      onHandshakeFrame(type, in);
      return;
    }
    switch (type) {
      case FrameType.HEARTBEAT -> {}
      case FrameType.CREDIT -> {
        long id = in.readUnsignedVarLong();
        long n = in.readUnsignedVarLong();
        OutboundStream<?> s = outStreams.get(id);
        if (s != null) {
          s.onCredit(n);
        }
      }
      case FrameType.ABORT -> {
        OutboundStream<?> s = outStreams.remove(in.readUnsignedVarLong());
        if (s != null) {
          s.onAbort();
        }
      }
      case FrameType.ITEM -> {
        long id = in.readUnsignedVarLong();
        InboundStream<?> s = lastItemStream;
        if (s == null || lastItemStreamId != id || s.isFinished()) { // every stream removed from inStreams is finished
          s = inStreams.get(id);
          lastItemStream = s;
          lastItemStreamId = id;
        }
        if (s != null) {
          s.onItem(body, in.position());
        }
      }
      case FrameType.END -> {
        InboundStream<?> s = inStreams.remove(in.readUnsignedVarLong());
        if (s != null) {
          s.onEnd();
        }
      }
      default -> onOpenFrame(type, in, body);
    }
  }

  /**
   * The reason recorded when the peer closes: its own words, except before authentication, where
   * an unauthenticated peer must not choose what our errors say.
   */
  String peerCloseReason(ErrorCode code, String text) {
    return text;
  }

  @Override
  public final void onFramingError(ErrorCode code, String reason) {
    close(code, reason);
  }

  @Override
  public final void onDisconnected(String detail) {
    closed(ErrorCode.CONNECTION_CLOSED, detail);
  }

  abstract void onHandshakeFrame(byte type, BinaryReader in);

  abstract void onOpenFrame(byte type, BinaryReader in, byte[] body);

  /** The peer proved it knows its credential: frames up to the message size limit are accepted. */
  final void markAuthenticated() {
    link.trust(config.maxMessageSize());
    authenticated = true;
  }

  final boolean isAuthenticated() {
    return authenticated;
  }

  /** Handshake complete: stop the handshake timer, start heartbeats. Link thread. */
  final void markOpen() {
    if (timer != null) {
      timer.cancel();
    }
    open = true;
    heartbeater = new Heartbeater(config.missedHeartbeatLimit());
    scheduleHeartbeat();
  }

  private void scheduleHeartbeat() {
    if (closed == null) {
      timer = link.schedule(this::heartbeatTick, config.heartbeatInterval());
    }
  }

  private void heartbeatTick() {
    if (readingPaused || writesBackedUp) {
      heartbeater.onReceived(); // not reading: the peer's silence cannot be observed, so it is not held against it
    }
    if (heartbeater.onTick() == Heartbeater.Action.TIMED_OUT) {
      Jfr.heartbeatTimeout(localName(), remoteAddress(), config.heartbeatTimeout().toNanos());
      close(ErrorCode.HEARTBEAT_TIMEOUT, "no heartbeat received for " + Durations.format(config.heartbeatTimeout()));
      return;
    }
    Jfr.heartbeat(localName(), remoteAddress(), heartbeater.silentTicks());
    send(Frames.start(FrameType.HEARTBEAT, 8), "heartbeat");
    scheduleHeartbeat();
  }

  /** Open and not closed. */
  public final boolean isOpen() {
    return open && closed == null;
  }

  // ---- sending ----

  /**
   * Sends a frame body built with {@link Frames#start}.
   *
   * @throws WireException of code {@code MESSAGE_TOO_LARGE} without sending anything if the body
   *     exceeds the limit
   */
  final void send(BinaryWriter frame, String what) {
    send(frame, what, null);
  }

  final void send(BinaryWriter frame, String what, CompletableFuture<Void> onWritten) {
    checkSendable(frame, what);
    if (handedOver) { // the link carries another session now: nothing of ours may reach it
      if (onWritten != null) {
        onWritten.completeExceptionally(closedError());
      }
      return;
    }
    link.send(frame, onWritten);
  }

  /**
   * @throws WireException of code {@code MESSAGE_TOO_LARGE} if {@code frame} exceeds the limit
   */
  final void checkSendable(BinaryWriter frame, String what) {
    long max = authenticated ? config.maxMessageSize() : Preamble.HANDSHAKE_FRAME_LIMIT;
    if (frame.size() > max) {
      throw new WireException(ErrorCode.MESSAGE_TOO_LARGE,
          what + " of " + frame.size() + " bytes exceeds the maximum message size of " + max + " bytes");
    }
  }

  final void sendCredit(long id, long n) {
    BinaryWriter w = Frames.start(FrameType.CREDIT, 24);
    w.writeUnsignedVarLong(id).writeUnsignedVarLong(n);
    send(w, "credit");
  }

  final void sendAbort(long id) {
    BinaryWriter w = Frames.start(FrameType.ABORT, 16);
    w.writeUnsignedVarLong(id);
    send(w, "abort");
  }

  // ---- closing ----

  /** Closes the connection, telling the peer why. Idempotent; callable from any thread. */
  public final void close(ErrorCode code, String reason) {
    closeAfter(null, code, reason, () -> {});
  }

  /**
   * {@link #close(ErrorCode, String)}, sending {@code last} (checked sendable by the caller; may
   * be null) just before the CLOSE frame, once the reason is recorded, and running {@code
   * closeSent} once both are queued, before anything waiting for the close hears of it.
   */
  final void closeAfter(BinaryWriter last, ErrorCode code, String reason, Runnable closeSent) {
    ConnectionLost e = record(code, reason);
    if (e == null) {
      return;
    }
    closing(code, reason);
    if (last != null && !handedOver) {
      link.send(last, null);
    }
    BinaryWriter w = Frames.start(FrameType.CLOSE);
    w.writeUnsignedVarLong(code.wire());
    w.writeString(truncate(reason));
    link.send(w, null);
    closeSent.run();
    finishClose(e);
    link.close();
  }

  /** Keeps CLOSE frames under the pre-authentication frame limit the peer may still enforce. */
  private static String truncate(String reason) {
    return Texts.cut(reason, Preamble.HANDSHAKE_FRAME_LIMIT / 4 - 16); // UTF-8: at most 4 bytes per char
  }

  /** The peer closed, or the link went down. The first reason wins. */
  private void closed(ErrorCode code, String reason) {
    ConnectionLost e = record(code, reason);
    if (e != null) {
      finishClose(e);
    }
  }

  /**
   * Records why the connection closed, before anything else happens (replies to our CLOSE can
   * arrive while we are still closing); returns null if a reason was recorded already.
   */
  private ConnectionLost record(ErrorCode code, String reason) {
    ConnectionLost e = new ConnectionLost(code, reason);
    synchronized (this) {
      if (closed != null) {
        return null;
      }
      closed = e;
    }
    return e;
  }

  /** Fails everything pending. */
  private void finishClose(ConnectionLost e) {
    link.execute(() -> {
      if (timer != null) {
        timer.cancel();
      }
    });
    failPending(e);
    closeFuture.complete(e.reason());
  }

  private void failPending(ConnectionLost e) {
    outStreams.values().forEach(OutboundStream::onAbort);
    outStreams.clear();
    inStreams.values().forEach(s -> s.onError(e));
    inStreams.clear();
    onClosed(e);
  }

  // ---- handing the link over ----

  /**
   * Ends this session without closing its link, which {@code next} takes over from the next frame
   * on (link thread). Nothing is sent: the caller has sent, or received, the frame after which
   * the peer expects the new session. What this session had pending fails with {@code reason};
   * what is sent through it from now on is dropped; {@link #close} does nothing; its close future
   * completes when {@code next}'s does (it is the same link). Returns false, and hands nothing
   * over, if this session is closed already.
   */
  final boolean handOver(Session next, String reason) {
    ConnectionLost e = record(ErrorCode.CONNECTION_CLOSED, reason);
    if (e == null) {
      return false;
    }
    handedOver = true;
    if (timer != null) {
      timer.cancel();
    }
    if (readingPaused || writesBackedUp) {
      link.pauseReading(false); // what this session held back is not the next one's to wait for
    }
    link.replaceHandler(next);
    failPending(e);
    next.closeFuture().thenAccept(closeFuture::complete);
    return true;
  }

  /**
   * Starts this session on a link that another handed over ({@link #handOver}) after the peer
   * proved on it that it holds the credential: no preamble and no proofs, only the OPEN/OPENED
   * exchange, within the handshake timeout (link thread).
   */
  void startOnHandedOverLink() {
    markAuthenticated();
    startHandshakeTimer();
  }

  /** This side decided to close, for {@code reason}; subclasses may log it. */
  void closing(ErrorCode code, String reason) {}

  /** The name put on errors sent from this side (the worker's name or id, or "client"). */
  abstract String localName();

  /** Fails what the subclass has pending. */
  abstract void onClosed(ConnectionLost e);

  /** Why the connection closed, or null while it is open. */
  public final String closeReason() {
    ConnectionLost c = closed;
    return c == null ? null : c.reason();
  }

  /** The code of the close, or null while open. */
  public final ErrorCode closeCode() {
    ConnectionLost c = closed;
    return c == null ? null : c.closeCode();
  }

  public final boolean isClosed() {
    return closed != null;
  }

  /** Completes with the close reason when the connection closes. */
  public final CompletableFuture<String> closeFuture() {
    return closeFuture;
  }

  /** The error for work attempted after the close. */
  final ConnectionLost closedError() {
    ConnectionLost c = closed;
    return c != null ? c : new ConnectionLost(ErrorCode.CONNECTION_CLOSED, "closed");
  }

  /** The session's settings. */
  public final SessionConfig config() {
    return config;
  }

  public final String remoteAddress() {
    return link.remoteAddress();
  }
}
