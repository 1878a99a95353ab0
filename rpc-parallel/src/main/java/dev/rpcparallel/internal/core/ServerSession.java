package dev.rpcparallel.internal.core;

import dev.rpcparallel.ConnectionClosedException;
import dev.rpcparallel.ConnectionContext;
import dev.rpcparallel.Implementations;
import dev.rpcparallel.Implementations.Binding;
import dev.rpcparallel.OneWay;
import dev.rpcparallel.Pipe;
import dev.rpcparallel.ReversePipe;
import dev.rpcparallel.Rpc;
import dev.rpcparallel.RpcParallelException;
import dev.rpcparallel.RpcParallelException.Kind;
import dev.rpcparallel.StateRpc;
import dev.rpcparallel.WorkerContext;
import dev.rpcparallel.WorkerFunction;
import dev.rpcparallel.WorkerSpec;
import dev.rpcparallel.codec.BinaryReader;
import dev.rpcparallel.codec.BinaryWriter;
import dev.rpcparallel.codec.Codec;
import dev.rpcparallel.internal.protocol.Auth;
import dev.rpcparallel.internal.protocol.FrameType;
import dev.rpcparallel.internal.protocol.Preamble;
import dev.rpcparallel.internal.protocol.WireError;
import io.netty.channel.Channel;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker end of a connection: the server half of the handshake, then dispatch of calls to
 * the handler executor. Handlers never run on the I/O thread.
 */
final class ServerSession extends Session implements ConnectionContext {
  private static final Logger log = LoggerFactory.getLogger(ServerSession.class);

  private final HostedWorker worker;
  private final byte[] serverNonce = Auth.nonce();
  private final List<Consumer<String>> closeListeners = new ArrayList<>();
  private volatile Object connectionState;
  private boolean sawAuth;
  private boolean sawOpen;
  private volatile boolean control;

  ServerSession(Channel channel, HostedWorker worker) {
    super(channel, worker.settings(), worker.executor(), true);
    this.worker = worker;
  }

  @Override
  String localName() {
    return worker.nameOrId();
  }

  // ---- handshake ----

  @Override
  public void onPreamble(byte[] preamble) {
    int version;
    try {
      version = Preamble.negotiate(preamble);
    } catch (IllegalArgumentException e) {
      close(e.getMessage());
      return;
    }
    BinaryWriter w = Frames.start(FrameType.HELLO);
    w.writeByte(version);
    w.writeRaw(serverNonce, 0, serverNonce.length);
    send(w, "hello");
  }

  @Override
  void onHandshakeFrame(byte type, BinaryReader in) {
    if (type == FrameType.AUTH && !sawAuth) {
      byte[] clientNonce = in.readRaw(Auth.NONCE_LENGTH);
      byte[] proof = in.readRaw(Auth.MAC_LENGTH);
      if (!Auth.matches(Auth.clientProof(worker.secret(), serverNonce, clientNonce), proof)) {
        close("authentication failed: the client does not know this application's secret");
        return;
      }
      sawAuth = true;
      markAuthenticated();
      BinaryWriter w = Frames.start(FrameType.AUTH_OK);
      byte[] mine = Auth.serverProof(worker.secret(), serverNonce, clientNonce);
      w.writeRaw(mine, 0, mine.length);
      send(w, "auth ok");
    } else if (type == FrameType.OPEN && sawAuth && !sawOpen) {
      sawOpen = true;
      UUID target = new UUID(in.readFixedLong(), in.readFixedLong());
      byte[] arg = in.readBytes();
      boolean control = in.readBoolean();
      if (!target.equals(worker.id())) {
        refuse(Kind.CONNECT_FAILED, "no worker " + target + " here (this server hosts worker " + worker.nameOrId() + ")");
        return;
      }
      executor.execute(() -> openConnection(arg, control));
    } else {
      close("unexpected " + FrameType.name(type) + " frame " + (sawAuth ? "during handshake" : "before authentication"));
    }
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private void openConnection(byte[] arg, boolean control) {
    this.control = control;
    if (!control) {
      try {
        WorkerSpec spec = worker.spec();
        Codec<?> codec = spec.connectionArgCodec();
        Object decoded = codec.fromBytes(arg);
        connectionState = spec.initConnectionState(this, worker.state(), decoded);
      } catch (Throwable t) {
        try {
          BinaryWriter w = Frames.start(FrameType.REFUSED);
          WireError.writeRemote(t, worker.nameOrId(), w);
          send(w, "refusal");
        } catch (RuntimeException e) {
          log.warn("worker {}: could not send the refusal", worker.nameOrId(), e);
        }
        close("initConnectionState failed: " + t);
        worker.listener().refused();
        return;
      }
    }
    worker.sessions.add(this);
    if (closeReason() != null) {
      worker.sessions.remove(this); // the client left during initConnectionState
      return;
    }
    worker.listener().opened(this, control);
    BinaryWriter w = Frames.start(FrameType.OPENED);
    worker.menu().write(w);
    // Mark open on the I/O thread, before any frame after OPENED can arrive from the client.
    channel.eventLoop().execute(() -> {
      if (closeReason() == null) {
        markOpen();
        send(w, "menu");
      }
    });
  }

  private void refuse(Kind kind, String message) {
    try {
      BinaryWriter w = Frames.start(FrameType.REFUSED);
      WireError.writeInfra(kind, message, w);
      send(w, "refusal");
    } finally {
      close(message);
    }
  }

  // ---- calls ----

  @Override
  void onOpenFrame(byte type, BinaryReader in, byte[] body) {
    switch (type) {
      case FrameType.CALL -> {
        long id = in.readUnsignedVarLong();
        int index = (int) Math.min(Integer.MAX_VALUE, in.readUnsignedVarLong());
        dispatchCall(id, index, body, in.position());
      }
      case FrameType.ONE_WAY -> {
        int index = (int) Math.min(Integer.MAX_VALUE, in.readUnsignedVarLong());
        dispatchOneWay(index, body, in.position());
      }
      case FrameType.ERROR -> {
        long id = in.readUnsignedVarLong();
        RuntimeException e = WireError.read(in);
        InboundStream<?> s = inStreams.remove(id);
        if (s != null) {
          s.onError(e);
        }
      }
      default -> close("unexpected " + FrameType.name(type) + " frame from client");
    }
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private void dispatchCall(long id, int index, byte[] body, int offset) {
    Binding b = worker.binding(index);
    if (b == null) {
      sendError(id, Kind.UNKNOWN_FUNCTION, "worker " + worker.nameOrId() + " has no function #" + index);
      return;
    }
    Object ws = worker.state();
    Object cs = connectionState;
    String name = b.function().name();
    WorkerFunction fn = b.function();
    if (control && !isBuiltin(name)) {
      sendError(id, Kind.PROTOCOL_ERROR, "control connections may only call built-in functions, not '" + name + "'");
      return;
    }
    if (fn instanceof Rpc<?, ?> f) {
      executor.execute(() -> {
        try {
          Object q = decodeQuery(f.queryCodec(), body, offset, name);
          Object r = ((Implementations.RpcHandler) b.handler()).handle(ws, cs, q);
          reply(id, (Codec) f.responseCodec(), r, name);
        } catch (Throwable t) {
          sendRemoteError(id, t);
        }
      });
    } else if (fn instanceof Pipe<?, ?> f) {
        OutboundStream out = new OutboundStream(this, id, f.itemCodec(), "items of '" + name + "'");
        outStreams.put(id, out);
        executor.execute(() -> {
          try {
            Object q = decodeQuery(f.queryCodec(), body, offset, name);
            ((Implementations.PipeHandler) b.handler()).handle(ws, cs, q, out);
          } catch (Throwable t) {
            failStream(out, t, name);
          }
        });
    } else if (fn instanceof StateRpc<?, ?, ?> f) {
        OutboundStream out = new OutboundStream(this, id, f.updateCodec(), "updates of '" + name + "'");
        outStreams.put(id, out);
        executor.execute(() -> {
          try {
            Object q = decodeQuery(f.queryCodec(), body, offset, name);
            Object st = ((Implementations.StateHandler) b.handler()).handle(ws, cs, q, out);
            reply(id, (Codec) f.stateCodec(), st, name, () -> {
              outStreams.remove(id); // the caller gets an error: the updates stop too
              out.onAbort();
            });
          } catch (Throwable t) {
            outStreams.remove(id);
            out.onAbort();
            sendRemoteError(id, t);
          }
        });
    } else if (fn instanceof ReversePipe<?, ?, ?> f) {
        InboundStream in = new InboundStream(this, id, f.updateCodec());
        inStreams.put(id, in);
        executor.execute(() -> {
          try {
            Object q = decodeQuery(f.queryCodec(), body, offset, name);
            Object r = ((Implementations.ReversePipeHandler) b.handler()).handle(ws, cs, q, in);
            reply(id, (Codec) f.responseCodec(), r, name);
          } catch (Throwable t) {
            sendRemoteError(id, t);
          } finally {
            in.close();
          }
        });
    } else {
      sendError(id, Kind.PROTOCOL_ERROR, "'" + name + "' is one-way but was called as a call");
    }
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private void dispatchOneWay(int index, byte[] body, int offset) {
    Binding b = worker.binding(index);
    if (b == null || !(b.function() instanceof OneWay<?> f) || (control && !isBuiltin(b.function().name()))) {
      log.warn("worker {}: dropping one-way message for unknown or forbidden function #{}", worker.nameOrId(), index);
      return;
    }
    Object ws = worker.state();
    Object cs = connectionState;
    executor.execute(() -> {
      try {
        Object q = decodeQuery(f.queryCodec(), body, offset, f.name());
        ((Implementations.OneWayHandler) b.handler()).handle(ws, cs, q);
      } catch (Throwable t) {
        log.warn("worker {}: one-way function '{}' threw", worker.nameOrId(), f.name(), t);
      }
    });
  }

  private static boolean isBuiltin(String name) {
    return name.startsWith("rpc_parallel.");
  }

  private void failStream(OutboundStream<?> out, Throwable t, String name) {
    if (out.isClosed()) {
      log.warn("worker {}: pipe '{}' threw after its stream closed", worker.nameOrId(), name, t);
    } else if (t instanceof BadQuery) {
      out.failWith(Kind.PROTOCOL_ERROR, t.getMessage());
    } else {
      out.fail(t);
    }
  }

  /** A query that did not decode: reported as the library's PROTOCOL_ERROR, not as user code's. */
  private static final class BadQuery extends RuntimeException {
    private static final long serialVersionUID = 1L;

    BadQuery(String message, Throwable cause) {
      super(message, cause);
    }
  }

  private static Object decodeQuery(Codec<?> codec, byte[] body, int offset, String name) {
    BinaryReader in = new BinaryReader(body, offset, body.length - offset);
    try {
      Object q = codec.decode(in);
      in.expectEnd(codec.shape());
      return q;
    } catch (RuntimeException e) {
      throw new BadQuery("cannot decode the query of '" + name + "': " + e.getMessage(), e);
    }
  }

  /** Sends a result; one that cannot be encoded or is too large goes back as the library's error. */
  private <R> void reply(long id, Codec<R> codec, R value, String name) {
    reply(id, codec, value, name, null);
  }

  /** As above; {@code beforeError} (may be null) runs before an error is sent in its place. */
  private <R> void reply(long id, Codec<R> codec, R value, String name, Runnable beforeError) {
    BinaryWriter w = Frames.start(FrameType.OK);
    w.writeUnsignedVarLong(id);
    Kind kind;
    String message;
    try {
      codec.encode(value, w);
      send(w, "result of '" + name + "'");
      return;
    } catch (RpcParallelException e) {
      kind = e.kind();
      message = e.getMessage();
    } catch (RuntimeException e) {
      kind = Kind.PROTOCOL_ERROR;
      message = "cannot encode the result of '" + name + "': " + e;
    }
    if (beforeError != null) {
      beforeError.run();
    }
    sendError(id, kind, message);
  }

  /** Handler exceptions go back as remote exceptions, whatever their type; bad queries as PROTOCOL_ERROR. */
  private void sendRemoteError(long id, Throwable t) {
    BinaryWriter w = Frames.start(FrameType.ERROR);
    w.writeUnsignedVarLong(id);
    if (t instanceof BadQuery) {
      WireError.writeInfra(Kind.PROTOCOL_ERROR, t.getMessage(), w);
    } else {
      WireError.writeRemote(t, worker.nameOrId(), w);
    }
    sendQuietly(w);
  }

  private void sendError(long id, Kind kind, String message) {
    BinaryWriter w = Frames.start(FrameType.ERROR);
    w.writeUnsignedVarLong(id);
    WireError.writeInfra(kind, message, w);
    sendQuietly(w);
  }

  private void sendQuietly(BinaryWriter w) {
    try {
      send(w, "error");
    } catch (RpcParallelException e) {
      // An error too large to send (a huge message or stack): send a short one so the call ends.
      try {
        long id = new BinaryReader(w.array(), Frames.HEADER + 1, w.size() - Frames.HEADER - 1).readUnsignedVarLong();
        BinaryWriter small = Frames.start(FrameType.ERROR);
        small.writeUnsignedVarLong(id);
        WireError.writeInfra(e.kind(), "the error response could not be sent: " + e.getMessage(), small);
        send(small, "error");
      } catch (RuntimeException again) {
        log.warn("worker {}: could not send an error response", worker.nameOrId(), again);
      }
    } catch (RuntimeException e) {
      log.warn("worker {}: could not send an error response", worker.nameOrId(), e); // e.g. shutting down
    }
  }

  @Override
  void onClosed(ConnectionClosedException e) {
    worker.sessions.remove(this);
    List<Consumer<String>> listeners;
    synchronized (closeListeners) {
      listeners = new ArrayList<>(closeListeners);
      closeListeners.clear();
    }
    for (Consumer<String> l : listeners) {
      executor.execute(() -> l.accept(e.reason()));
    }
  }

  // ---- ConnectionContext ----

  @Override
  public WorkerContext worker() {
    return worker.context();
  }

  @Override
  public String remoteAddress() {
    return String.valueOf(channel.remoteAddress());
  }

  @Override
  public void onClose(Consumer<String> onClose) {
    synchronized (closeListeners) {
      if (closeReason() == null) {
        closeListeners.add(onClose);
        return;
      }
    }
    executor.execute(() -> onClose.accept(closeReason()));
  }
}
