package dev.rpcparallel.internal.core;

import dev.rpcparallel.ConnectionClosedException;
import dev.rpcparallel.OneWay;
import dev.rpcparallel.Pipe;
import dev.rpcparallel.ReverseCall;
import dev.rpcparallel.ReversePipe;
import dev.rpcparallel.Rpc;
import dev.rpcparallel.RpcParallelException;
import dev.rpcparallel.RpcParallelException.Kind;
import dev.rpcparallel.RpcSettings;
import dev.rpcparallel.StateRpc;
import dev.rpcparallel.StateStream;
import dev.rpcparallel.StreamReader;
import dev.rpcparallel.StreamWriter;
import dev.rpcparallel.WorkerFunction;
import dev.rpcparallel.codec.BinaryReader;
import dev.rpcparallel.codec.BinaryWriter;
import dev.rpcparallel.codec.Codec;
import dev.rpcparallel.codec.CodecException;
import dev.rpcparallel.internal.protocol.Auth;
import dev.rpcparallel.internal.protocol.FrameType;
import dev.rpcparallel.internal.protocol.Menu;
import dev.rpcparallel.internal.protocol.Preamble;
import dev.rpcparallel.internal.protocol.WireError;
import io.netty.channel.Channel;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The client end of a connection: the client half of the handshake, then calls matched to
 * responses by id. Thread-safe.
 */
public final class ClientSession extends Session {

  /** What the worker's server must be, and what to send it when opening. */
  public record Target(
      UUID workerId, String workerName, String address, byte[] secret, byte[] connectionArg, boolean control) {}

  private interface Pending {
    void complete(byte[] body, int offset);

    void fail(RuntimeException e);
  }

  private final Target target;
  private final byte[] clientNonce = Auth.nonce();
  private byte[] serverNonce;
  private boolean serverAuthenticated;
  private final CompletableFuture<ClientSession> opened = new CompletableFuture<>();
  private final ConcurrentHashMap<Long, Pending> pending = new ConcurrentHashMap<>();
  private final AtomicLong ids = new AtomicLong();
  private volatile Menu menu;

  ClientSession(Channel channel, RpcSettings settings, Executor executor, Target target) {
    super(channel, settings, executor, false);
    this.target = target;
  }

  /** Completes when the handshake is done, or fails with why it could not be. */
  public CompletableFuture<ClientSession> opened() {
    return opened;
  }

  void onActive() {
    sendRaw(Preamble.clientPreamble());
  }

  @Override
  String localName() {
    return "client";
  }

  // ---- handshake ----

  @Override
  void onHandshakeFrame(byte type, BinaryReader in) {
    switch (type) {
      case FrameType.HELLO -> {
        if (serverNonce != null) {
          close("unexpected second HELLO frame");
          return;
        }
        int version = in.readByte();
        if (version < Preamble.MIN_VERSION || version > Preamble.MAX_VERSION) {
          close("server chose protocol version " + version + " which this client does not speak");
          return;
        }
        serverNonce = in.readRaw(Auth.NONCE_LENGTH);
        BinaryWriter w = Frames.start(FrameType.AUTH);
        w.writeRaw(clientNonce, 0, clientNonce.length);
        byte[] proof = Auth.clientProof(target.secret(), serverNonce, clientNonce);
        w.writeRaw(proof, 0, proof.length);
        send(w, "auth");
      }
      case FrameType.AUTH_OK -> {
        byte[] proof = in.readRaw(Auth.MAC_LENGTH);
        if (serverAuthenticated || serverNonce == null || !Auth.matches(Auth.serverProof(target.secret(), serverNonce, clientNonce), proof)) {
          failOpen(new RpcParallelException(Kind.AUTHENTICATION_FAILED,
              "worker " + target.workerName() + " at " + target.address() + " failed to prove it knows the secret"));
          close("server authentication failed");
          return;
        }
        serverAuthenticated = true;
        markAuthenticated();
        BinaryWriter w = Frames.start(FrameType.OPEN, 32 + target.connectionArg().length);
        w.writeFixedLong(target.workerId().getMostSignificantBits());
        w.writeFixedLong(target.workerId().getLeastSignificantBits());
        w.writeBytes(target.connectionArg());
        w.writeBoolean(target.control());
        send(w, "connection argument");
      }
      case FrameType.OPENED -> {
        if (!serverAuthenticated) {
          close("OPENED before the server proved it knows the secret");
          return;
        }
        menu = Menu.read(in);
        markOpen();
        opened.complete(this);
      }
      case FrameType.REFUSED -> {
        if (!serverAuthenticated) {
          close("REFUSED before the server proved it knows the secret");
          return;
        }
        RuntimeException e = WireError.read(in);
        failOpen(e);
        close("connection refused by worker: " + e.getMessage());
      }
      default -> close("unexpected " + FrameType.name(type) + " frame during handshake");
    }
  }

  private void failOpen(RuntimeException e) {
    opened.completeExceptionally(e);
  }

  // ---- open connection ----

  @Override
  void onOpenFrame(byte type, BinaryReader in, byte[] body) {
    switch (type) {
      case FrameType.OK -> {
        Pending p = pending.remove(in.readUnsignedVarLong());
        if (p != null) {
          p.complete(body, in.position());
        }
      }
      case FrameType.ERROR -> {
        long id = in.readUnsignedVarLong();
        RuntimeException e = WireError.read(in);
        Pending p = pending.remove(id);
        if (p != null) {
          p.fail(e);
        }
        InboundStream<?> s = inStreams.remove(id);
        if (s != null) {
          s.onError(e);
        }
      }
      default -> close("unexpected " + FrameType.name(type) + " frame from worker");
    }
  }

  @Override
  void onClosed(ConnectionClosedException e) {
    if (!opened.isDone()) {
      String r = e.reason();
      Kind kind = r.startsWith("authentication failed") ? Kind.AUTHENTICATION_FAILED : Kind.CONNECT_FAILED;
      opened.completeExceptionally(new RpcParallelException(kind,
          "could not connect to worker " + target.workerName() + " at " + target.address() + ": " + r));
    }
    pending.values().forEach(p -> p.fail(e));
    pending.clear();
  }

  // ---- calls ----

  private int indexOf(WorkerFunction f) {
    Menu m = menu;
    Menu.Entry e = m.find(f.name());
    if (e == null) {
      throw new RpcParallelException(Kind.UNKNOWN_FUNCTION,
          "worker " + target.workerName() + " has no function named '" + f.name() + "'");
    }
    if (!e.signature().equals(f.signature())) {
      throw new RpcParallelException(Kind.SHAPE_MISMATCH,
          "function '" + f.name() + "' differs between caller and worker " + target.workerName()
              + ": caller has " + f.signature() + ", worker has " + e.signature());
    }
    return e.index();
  }

  private void checkOpen() {
    if (!isOpen()) {
      throw closedError();
    }
  }

  private <Q> BinaryWriter callFrame(byte type, long id, int index, Codec<Q> codec, Q query) {
    BinaryWriter w = Frames.start(type);
    if (type != FrameType.ONE_WAY) {
      w.writeUnsignedVarLong(id);
    }
    w.writeUnsignedVarLong(index);
    codec.encode(query, w);
    return w;
  }

  /** Registers {@code p}, sends the call, and unregisters again if sending fails. */
  private <Q> void dispatch(long id, Pending p, byte type, int index, Codec<Q> codec, Q query, String name) {
    pending.put(id, p);
    try {
      checkOpen();
      send(callFrame(type, id, index, codec, query), "query of '" + name + "'");
    } catch (RuntimeException e) {
      pending.remove(id);
      throw e;
    }
  }

  /** A pending call whose OK body decodes into {@code result}; {@code onEnd} (may be null) runs either way. */
  private static <T> Pending decoding(Codec<T> codec, String fn, CompletableFuture<T> result, Runnable onEnd) {
    return new Pending() {
      @Override
      public void complete(byte[] body, int offset) {
        end();
        try {
          result.complete(decode(codec, body, offset, fn));
        } catch (RuntimeException e) {
          result.completeExceptionally(e);
        }
      }

      @Override
      public void fail(RuntimeException e) {
        end();
        result.completeExceptionally(e);
      }

      private void end() {
        if (onEnd != null) {
          onEnd.run();
        }
      }
    };
  }

  private record Stateful<S, U>(S state, StreamReader<U> updates) implements StateStream<S, U> {}

  public <Q, R> CompletableFuture<R> call(Rpc<Q, R> f, Q query) {
    CompletableFuture<R> result = new CompletableFuture<>();
    try {
      int index = indexOf(f);
      long id = ids.incrementAndGet();
      dispatch(id, decoding(f.responseCodec(), f.name(), result, null), FrameType.CALL, index, f.queryCodec(), query, f.name());
    } catch (RuntimeException e) {
      result.completeExceptionally(e);
    }
    return result;
  }

  public <Q> CompletableFuture<Void> send(OneWay<Q> f, Q query) {
    CompletableFuture<Void> written = new CompletableFuture<>();
    try {
      int index = indexOf(f);
      checkOpen();
      send(callFrame(FrameType.ONE_WAY, 0, index, f.queryCodec(), query), "query of '" + f.name() + "'", written);
    } catch (RuntimeException e) {
      written.completeExceptionally(e);
      return written;
    }
    return written.exceptionallyCompose(e -> CompletableFuture.failedFuture(closedError()));
  }

  public <Q, R> StreamReader<R> open(Pipe<Q, R> f, Q query) {
    int index = indexOf(f);
    long id = ids.incrementAndGet();
    InboundStream<R> stream = new InboundStream<>(this, id, f.itemCodec());
    inStreams.put(id, stream);
    try {
      checkOpen();
      send(callFrame(FrameType.CALL, id, index, f.queryCodec(), query), "query of '" + f.name() + "'");
    } catch (RuntimeException e) {
      inStreams.remove(id);
      throw e;
    }
    return stream;
  }

  public <Q, S, U> CompletableFuture<StateStream<S, U>> openState(StateRpc<Q, S, U> f, Q query) {
    CompletableFuture<S> state = new CompletableFuture<>();
    InboundStream<U> updates;
    try {
      int index = indexOf(f);
      long id = ids.incrementAndGet();
      updates = new InboundStream<>(this, id, f.updateCodec());
      inStreams.put(id, updates);
      try {
        dispatch(id, decoding(f.stateCodec(), f.name(), state, null), FrameType.CALL, index, f.queryCodec(), query, f.name());
      } catch (RuntimeException e) {
        inStreams.remove(id);
        throw e;
      }
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    return state.handle((s, e) -> {
      if (e != null) {
        updates.close();
        throw e instanceof RuntimeException r ? r : new java.util.concurrent.CompletionException(e);
      }
      return new Stateful<>(s, updates);
    });
  }

  public <Q, U, R> ReverseCall<U, R> openReverse(ReversePipe<Q, U, R> f, Q query) {
    int index = indexOf(f);
    long id = ids.incrementAndGet();
    CompletableFuture<R> result = new CompletableFuture<>();
    OutboundStream<U> updates = new OutboundStream<>(this, id, f.updateCodec(), "updates of '" + f.name() + "'");
    outStreams.put(id, updates);
    Runnable stopUpdates = () -> {
      outStreams.remove(id);
      updates.onAbort();
    };
    try {
      dispatch(id, decoding(f.responseCodec(), f.name(), result, stopUpdates), FrameType.CALL, index, f.queryCodec(), query, f.name());
    } catch (RuntimeException e) {
      outStreams.remove(id);
      throw e;
    }
    return new Reverse<>(updates, result);
  }

  /** A reverse-pipe call in progress. */
  public record Reverse<U, R>(StreamWriter<U> updates, CompletableFuture<R> result) implements ReverseCall<U, R> {}

  private static <T> T decode(Codec<T> codec, byte[] body, int offset, String fn) {
    BinaryReader in = new BinaryReader(body, offset, body.length - offset);
    try {
      T v = codec.decode(in);
      in.expectEnd(codec.shape());
      return v;
    } catch (CodecException e) {
      throw new RpcParallelException(Kind.PROTOCOL_ERROR, "cannot decode the result of '" + fn + "': " + e.getMessage(), e);
    } catch (RuntimeException e) {
      throw new RpcParallelException(Kind.PROTOCOL_ERROR, "cannot decode the result of '" + fn + "': " + e, e);
    }
  }

  /** Closes the connection from this side. */
  public void close() {
    close("closed by client");
  }

  public boolean isClosed() {
    return closeReason() != null;
  }

  public String reason() {
    return closeReason();
  }

  public CompletableFuture<String> whenClosed() {
    return closeFuture();
  }

  public RpcSettings settings() {
    return settings;
  }
}
