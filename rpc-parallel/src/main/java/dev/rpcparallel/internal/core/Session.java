package dev.rpcparallel.internal.core;

import dev.rpcparallel.ConnectionClosedException;
import dev.rpcparallel.RpcParallelException;
import dev.rpcparallel.RpcSettings;
import dev.rpcparallel.codec.BinaryReader;
import dev.rpcparallel.codec.BinaryWriter;
import dev.rpcparallel.codec.CodecException;
import dev.rpcparallel.internal.protocol.Durations;
import dev.rpcparallel.internal.protocol.FrameType;
import dev.rpcparallel.internal.protocol.Preamble;
import dev.rpcparallel.internal.transport.FrameReader;
import dev.rpcparallel.internal.transport.OutboundQueue;
import io.netty.channel.Channel;
import io.netty.util.concurrent.ScheduledFuture;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One end of a connection: framing, handshake timer, heartbeats, streams and closing. The I/O
 * thread calls the {@code on*} methods; {@link #send} and {@link #close} may be called from any
 * thread. Subclasses add the client or server half of the handshake and calls.
 */
abstract class Session implements FrameReader.Sink {
  private static final Logger log = LoggerFactory.getLogger(Session.class);

  final Channel channel;
  final RpcSettings settings;
  final Executor executor;
  private final OutboundQueue out;
  private final FrameReader reader;
  final ConcurrentHashMap<Long, OutboundStream<?>> outStreams = new ConcurrentHashMap<>();
  final ConcurrentHashMap<Long, InboundStream<?>> inStreams = new ConcurrentHashMap<>();
  private final CompletableFuture<String> closeFuture = new CompletableFuture<>();
  private volatile String closeReason;
  private volatile boolean open;
  private volatile boolean authenticated;
  private Heartbeater heartbeater;
  private ScheduledFuture<?> timer;

  Session(Channel channel, RpcSettings settings, Executor executor, boolean expectPreamble) {
    this.channel = channel;
    this.settings = settings;
    this.executor = executor;
    this.out = new OutboundQueue(channel);
    this.reader = new FrameReader(this, expectPreamble, Preamble.HANDSHAKE_FRAME_LIMIT);
    long hs = settings.handshakeTimeout().toNanos();
    this.timer =
        channel.eventLoop().schedule(
            () -> close("handshake not completed within " + Durations.format(settings.handshakeTimeout())),
            hs,
            TimeUnit.NANOSECONDS);
  }

  // ---- I/O thread events ----

  final void onBytes(ByteBuffer bytes) {
    if (heartbeater != null) {
      heartbeater.onReceived(System.nanoTime());
    }
    if (closeReason != null) {
      return;
    }
    try {
      reader.feed(bytes);
    } catch (FrameReader.FramingException e) {
      close(e.getMessage());
    } catch (CodecException e) {
      close("malformed frame: " + e.getMessage());
    } catch (RuntimeException e) {
      log.warn("closing connection after unexpected error", e);
      close("internal error: " + e);
    }
  }

  final void onInactive() {
    String partial = reader.partialFrameAtEof();
    closed(partial != null ? partial : "EOF");
  }

  final void onTransportError(Throwable t) {
    close("transport error: " + t.getMessage());
  }

  @Override
  public void onPreamble(byte[] preamble) {
    close("unexpected preamble");
  }

  @Override
  public final void onFrame(byte[] body) {
    if (closeReason != null) {
      return; // frames that arrived in the same read as a fatal one are never looked at
    }
    BinaryReader in = new BinaryReader(body);
    byte type = (byte) in.readByte();
    if (type == FrameType.CLOSE) {
      String reason = in.readString();
      closed(reason);
      channel.close();
      return;
    }
    if (!open) {
      onHandshakeFrame(type, in);
      return;
    }
    switch (type) {
      case FrameType.HEARTBEAT -> {}
      case FrameType.CREDIT -> {
        OutboundStream<?> s = outStreams.get(in.readUnsignedVarLong());
        long n = in.readUnsignedVarLong();
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
        InboundStream<?> s = inStreams.get(in.readUnsignedVarLong());
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

  abstract void onHandshakeFrame(byte type, BinaryReader in);

  abstract void onOpenFrame(byte type, BinaryReader in, byte[] body);

  /** The peer proved it knows the secret: frames up to the message size limit are accepted. */
  final void markAuthenticated() {
    reader.trust(settings.maxMessageSize());
    authenticated = true;
  }

  /** Handshake complete: stop the handshake timer, start heartbeats. */
  final void markOpen() {
    timer.cancel(false);
    open = true;
    heartbeater = new Heartbeater(settings.heartbeatTimeout().toNanos(), System.nanoTime());
    long every = settings.heartbeatInterval().toNanos();
    timer = channel.eventLoop().scheduleAtFixedRate(this::heartbeatTick, every, every, TimeUnit.NANOSECONDS);
  }

  private void heartbeatTick() {
    if (heartbeater.onTick(System.nanoTime()) == Heartbeater.Action.TIMED_OUT) {
      close("no heartbeat received for " + Durations.format(settings.heartbeatTimeout()));
    } else {
      send(Frames.start(FrameType.HEARTBEAT, 8), "heartbeat");
    }
  }

  final boolean isOpen() {
    return open && closeReason == null;
  }

  // ---- sending ----

  /** Sends a frame built with {@link Frames#start}; throws MESSAGE_TOO_LARGE without sending. */
  final void send(BinaryWriter frame, String what) {
    send(frame, what, null);
  }

  final void send(BinaryWriter frame, String what, CompletableFuture<Void> onWritten) {
    long max = authenticated ? settings.maxMessageSize() : Preamble.HANDSHAKE_FRAME_LIMIT;
    out.send(Frames.finish(frame, max, what), onWritten);
  }

  final void sendRaw(byte[] bytes) {
    out.send(io.netty.buffer.Unpooled.wrappedBuffer(bytes), null);
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
  final void close(String reason) {
    synchronized (this) {
      if (closeReason != null) {
        return;
      }
      if (channel.isActive()) {
        BinaryWriter w = Frames.start(FrameType.CLOSE);
        w.writeString(truncate(reason));
        out.send(Frames.finish(w, Long.MAX_VALUE, "close"), null);
      }
    }
    closed(reason);
    channel.eventLoop().execute(() -> channel.close());
  }

  /** Keeps CLOSE frames under the pre-authentication frame limit the peer may still enforce. */
  private static String truncate(String reason) {
    int max = Preamble.HANDSHAKE_FRAME_LIMIT / 4 - 8; // UTF-8 takes at most 4 bytes per char
    return reason.length() <= max ? reason : reason.substring(0, max) + "...";
  }

  /** Records the reason and fails everything pending. First reason wins. */
  private void closed(String reason) {
    synchronized (this) {
      if (closeReason != null) {
        return;
      }
      closeReason = reason;
    }
    if (timer != null) {
      timer.cancel(false);
    }
    ConnectionClosedException e = new ConnectionClosedException(reason);
    outStreams.values().forEach(OutboundStream::onAbort);
    outStreams.clear();
    inStreams.values().forEach(s -> s.onError(e));
    inStreams.clear();
    onClosed(e);
    channel.eventLoop().execute(out::discard);
    closeFuture.complete(reason);
  }

  /** The name put on errors sent from this side (the worker's name or id, or "client"). */
  abstract String localName();

  /** Fails what the subclass has pending. */
  abstract void onClosed(ConnectionClosedException e);

  final String closeReason() {
    return closeReason;
  }

  final CompletableFuture<String> closeFuture() {
    return closeFuture;
  }

  final RpcParallelException closedError() {
    String r = closeReason;
    return new ConnectionClosedException(r == null ? "closed" : r);
  }
}
