package dev.rpcparallel.internal.session;

import dev.rpcparallel.codec.BinaryReader;
import dev.rpcparallel.codec.BinaryWriter;
import dev.rpcparallel.codec.Codec;
import dev.rpcparallel.internal.protocol.Auth;
import dev.rpcparallel.internal.protocol.ConnectionLost;
import dev.rpcparallel.internal.protocol.ErrorCode;
import dev.rpcparallel.internal.protocol.FrameType;
import dev.rpcparallel.internal.protocol.Frames;
import dev.rpcparallel.internal.protocol.Menu;
import dev.rpcparallel.internal.protocol.Preamble;
import dev.rpcparallel.internal.protocol.WireError;
import dev.rpcparallel.internal.protocol.WireException;
import java.util.ArrayDeque;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The client end of a connection: the client half of the handshake, then calls matched to
 * responses by id. Futures complete on the link's thread; failures are {@link WireException}s
 * (infrastructure, with a code), {@link ConnectionLost} (the connection closed) or {@code
 * RemoteFailure} (user code threw). Thread-safe.
 */
public final class ClientSession extends Session {

  /**
   * What the worker's server must be, and what to send it when opening.
   *
   * @param terms the worker's id and the generation and expiry of the credential
   * @param workerName for messages
   * @param address for messages
   * @param credential the key the handle holds for {@code terms}
   * @param connectionArg the encoded connection argument
   * @param control whether this is a control connection (built-ins only, no connection state)
   */
  public record Target(
      Auth.Terms terms, String workerName, String address, byte[] credential, byte[] connectionArg, boolean control) {
    public UUID workerId() {
      return terms.workerId();
    }
  }

  /** The caller's result of a state function: the state and its update stream. */
  public record StateResult<S, U>(S state, InboundStream<U> updates) {}

  /** A reverse-pipe call in progress: the updates to write, and the answer. */
  public record ReverseCall<U, R>(OutboundStream<U> updates, CompletableFuture<R> result) {}

  private interface Pending {
    void complete(byte[] body, int offset);

    void fail(RuntimeException e);
  }

  private final Target target;
  /** Started on a worker's turned master connection ({@link #startOnHandedOverLink}): no HELLO or AUTH_OK to come. */
  private boolean turned;
  private final byte[] clientNonce = Auth.nonce();
  private byte[] serverNonce;
  private boolean serverAuthenticated;
  private final CompletableFuture<ClientSession> opened = new CompletableFuture<>();
  private final ConcurrentHashMap<Long, Pending> pending = new ConcurrentHashMap<>();
  private final AtomicLong ids = new AtomicLong();
  private volatile Menu menu;

  public ClientSession(Link link, SessionConfig config, Target target) {
    super(link, config);
    this.target = target;
  }

  /** Completes when the handshake is done, or fails with why it could not be. */
  public CompletableFuture<ClientSession> opened() {
    return opened;
  }

  public Target target() {
    return target;
  }

  @Override
  public void onConnected() {
    super.onConnected();
    link.sendPreamble(Preamble.clientPreamble());
  }

  @Override
  String localName() {
    return "client";
  }

  // ---- handshake ----

  @Override
  void onHandshakeFrame(byte type, BinaryReader in) {
    if (turned && type != FrameType.OPENED && type != FrameType.REFUSED) {
      close(ErrorCode.PROTOCOL_ERROR, "unexpected " + FrameType.name(type) + " frame during the handshake");
      return;
    }
    switch (type) {
      case FrameType.HELLO -> {
        if (serverNonce != null) {
          close(ErrorCode.PROTOCOL_ERROR, "unexpected second HELLO frame");
          return;
        }
        int version = in.readByte();
        if (version < Preamble.MIN_VERSION || version > Preamble.MAX_VERSION) {
          close(ErrorCode.PROTOCOL_ERROR, "server chose protocol version " + version + ", which this client does not speak");
          return;
        }
        serverNonce = in.readRaw(Auth.NONCE_LENGTH);
        Auth.Terms terms = target.terms();
        BinaryWriter w = Frames.start(FrameType.AUTH);
        w.writeRaw(clientNonce, 0, clientNonce.length);
        w.writeFixedLong(terms.workerId().getMostSignificantBits()).writeFixedLong(terms.workerId().getLeastSignificantBits());
        w.writeUnsignedVarLong(terms.generation()).writeUnsignedVarLong(terms.expiresAtMillis());
        byte[] proof = Auth.clientProof(target.credential(), serverNonce, clientNonce, terms);
        w.writeRaw(proof, 0, proof.length);
        send(w, "auth");
      }
      case FrameType.AUTH_OK -> {
        byte[] proof = in.readRaw(Auth.MAC_LENGTH);
        if (serverAuthenticated || serverNonce == null
            || !Auth.matches(Auth.serverProof(target.credential(), serverNonce, clientNonce, target.terms()), proof)) {
          opened.completeExceptionally(new WireException(ErrorCode.AUTHENTICATION_FAILED,
              "could not connect to worker " + target.workerName() + where()
                  + ": the server failed to prove it holds the worker's credential"));
          close(ErrorCode.AUTHENTICATION_FAILED, "server authentication failed");
          return;
        }
        serverAuthenticated = true;
        markAuthenticated();
        sendOpen();
      }
      case FrameType.OPENED -> {
        if (!serverAuthenticated) {
          close(ErrorCode.PROTOCOL_ERROR, "OPENED before the server proved it holds the worker's credential");
          return;
        }
        menu = Menu.read(in);
        markOpen();
        opened.complete(this);
      }
      case FrameType.REFUSED -> {
        if (!serverAuthenticated) {
          close(ErrorCode.PROTOCOL_ERROR, "REFUSED before the server proved it holds the worker's credential");
          return;
        }
        RuntimeException e = WireError.read(in);
        // The library's refusal says which worker; user code's exception (initConnectionState) stays as thrown.
        opened.completeExceptionally(e instanceof WireException w
            ? new WireException(w.code(), "could not connect to worker " + target.workerName() + where()
                + ": " + w.getMessage())
            : e);
        close(ErrorCode.REFUSED, "connection refused by worker " + target.workerName() + ": " + e.getMessage());
      }
      default -> close(ErrorCode.PROTOCOL_ERROR, "unexpected " + FrameType.name(type) + " frame during the handshake");
    }
  }

  private void sendOpen() {
    BinaryWriter w = Frames.start(FrameType.OPEN, 32 + target.connectionArg().length);
    w.writeFixedLong(target.workerId().getMostSignificantBits());
    w.writeFixedLong(target.workerId().getLeastSignificantBits());
    w.writeBytes(target.connectionArg());
    w.writeBoolean(target.control());
    send(w, "the connection argument");
  }

  /**
   * The master's end of a worker's master connection that the worker turned: the worker proved
   * on it that it holds the application's key, and serves on it now. Sends OPEN at once. Link
   * thread.
   */
  @Override
  void startOnHandedOverLink() {
    super.startOnHandedOverLink();
    serverAuthenticated = true;
    turned = true;
    try {
      sendOpen();
    } catch (WireException e) { // e.g. an argument over the maximum message size
      close(e.code(), e.getMessage());
    }
  }

  /** Where the worker is, for messages: its address, or, on a turned link, its master connection. */
  private String where() {
    return turned ? " over its master connection" : " at " + target.address();
  }

  /**
   * Turns this connection around (a spawned worker's master connection, once the master answered
   * {@code register} with "turn"): sends TURN, its last frame, with the proof of {@code
   * workerCredential} (the worker's own, generation 0) over this connection's handshake nonces,
   * then hands the link to the server session {@code server} makes, which serves the master's
   * OPEN. Calls still pending fail. The future fails if this session is closed (then nothing was
   * sent).
   */
  public CompletableFuture<Void> turn(byte[] workerCredential, java.util.function.Function<Link, ServerSession> server) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    link.execute(() -> {
      if (!isOpen()) {
        done.completeExceptionally(closedError());
        return;
      }
      ServerSession next = server.apply(link);
      BinaryWriter turn = Frames.start(FrameType.TURN, 1 + Auth.MAC_LENGTH);
      byte[] proof = Auth.turnProof(workerCredential, serverNonce, clientNonce);
      turn.writeRaw(proof, 0, proof.length);
      send(turn, "turn");
      if (handOver(next, "turned into the connection the master serves through")) {
        next.startOnHandedOverLink();
        done.complete(null);
      } else {
        done.completeExceptionally(closedError());
      }
    });
    return done;
  }

  /** Before the server authenticated, its words are only quoted, escaped, in our own sentence. */
  @Override
  String peerCloseReason(ErrorCode code, String text) {
    if (serverAuthenticated) {
      return text;
    }
    String ours = code == ErrorCode.AUTHENTICATION_FAILED ? "authentication failed" : "closed during the handshake (" + code + ")";
    return ours + "; the server said " + Quoting.quote(text, 200);
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
      default -> close(ErrorCode.PROTOCOL_ERROR, "unexpected " + FrameType.name(type) + " frame from the worker");
    }
  }

  @Override
  void onClosed(ConnectionLost e) {
    if (!opened.isDone()) {
      ErrorCode code = e.closeCode() == ErrorCode.AUTHENTICATION_FAILED ? ErrorCode.AUTHENTICATION_FAILED : ErrorCode.CONNECT_FAILED;
      opened.completeExceptionally(new WireException(code,
          "could not connect to worker " + target.workerName() + where() + ": " + e.reason()));
    }
    pending.values().forEach(p -> p.fail(e));
    pending.clear();
  }

  // ---- calls ----

  /**
   * The menu index of a function, checked against the worker's signature.
   *
   * @throws WireException {@code UNKNOWN_FUNCTION} or {@code SHAPE_MISMATCH}, or {@link
   *     ConnectionLost} if the connection is closed
   */
  private int resolve(String name, String signature) {
    Menu m = menu;
    if (m == null || !isOpen()) {
      throw closedError();
    }
    Menu.Entry e = m.find(name);
    if (e == null) {
      throw new WireException(ErrorCode.UNKNOWN_FUNCTION,
          "worker " + target.workerName() + " has no function '" + name + "'");
    }
    if (!e.signature().equals(signature)) {
      throw new WireException(ErrorCode.SHAPE_MISMATCH,
          "function '" + name + "' differs between caller and worker " + target.workerName()
              + ": caller has " + signature + ", worker has " + e.signature());
    }
    return e.index();
  }

  private static <Q> BinaryWriter callFrame(byte type, long id, int index, Codec<Q> codec, Q query) {
    BinaryWriter w = Frames.start(type);
    if (type != FrameType.ONE_WAY) {
      w.writeUnsignedVarLong(id);
    }
    w.writeUnsignedVarLong(index);
    codec.encode(query, w);
    return w;
  }

  /** Fails fast, before queueing, on a query over the message size limit. */
  private void checkSize(BinaryWriter frame, String name) {
    if (frame.size() > config.maxMessageSize()) {
      throw new WireException(ErrorCode.MESSAGE_TOO_LARGE, "the query of '" + name + "' of " + frame.size()
          + " bytes exceeds the maximum message size of " + config.maxMessageSize() + " bytes");
    }
  }

  // ---- admission: the worker runs at most maxConcurrentCalls (maxOpenStreams streams) per connection ----

  /** A send that waits for a slot ({@code slots} false: a one-way message, which needs none). */
  private record Waiting(boolean slots, boolean stream, Runnable send) {}

  private final ArrayDeque<Waiting> waiting = new ArrayDeque<>();
  private int runningCalls;
  private int openStreams;
  private int queuedStreams;

  /**
   * Streams live as long as their reader or writer wants, so a stream beyond the worker's limit
   * is refused at once rather than queued: queued behind streams nobody finishes, it (and every
   * call behind it) would wait for ever.
   */
  private void checkStreamRoom(String name) {
    synchronized (waiting) {
      if (openStreams + queuedStreams >= config.maxOpenStreams()) {
        throw new WireException(ErrorCode.LIMIT_EXCEEDED, "cannot open '" + name + "': this connection to worker "
            + target.workerName() + " already has " + config.maxOpenStreams()
            + " streams open (maxOpenStreams); close one, or use another connection");
      }
    }
  }

  /**
   * Sends now if the worker's limits allow another call (of a stream kind, if {@code stream}),
   * else queues the send until a call ends: honest callers never hit the worker's limits, they
   * wait for a slot. Order is kept: nothing overtakes what waits.
   */
  private void admit(boolean stream, Runnable send) {
    synchronized (waiting) {
      if (!waiting.isEmpty() || !fits(stream)) {
        waiting.add(new Waiting(true, stream, send));
        if (stream) {
          queuedStreams++;
        }
        return;
      }
      take(stream);
    }
    send.run();
  }

  /** A one-way message takes no slot, but keeps its place behind calls that wait. */
  private void admitOneWay(Runnable send) {
    synchronized (waiting) {
      if (!waiting.isEmpty()) {
        waiting.add(new Waiting(false, false, send));
        return;
      }
    }
    send.run();
  }

  private boolean fits(boolean stream) {
    return runningCalls < config.maxConcurrentCalls() && (!stream || openStreams < config.maxOpenStreams());
  }

  private void take(boolean stream) {
    runningCalls++;
    if (stream) {
      openStreams++;
    }
  }

  /** A call ended (the worker has freed its slot already): start what waited, in order. */
  private void release(boolean stream) {
    java.util.List<Runnable> ready = new java.util.ArrayList<>();
    synchronized (waiting) {
      runningCalls--;
      if (stream) {
        openStreams--;
      }
      while (!waiting.isEmpty() && (!waiting.peekFirst().slots() || fits(waiting.peekFirst().stream()))) {
        Waiting w = waiting.pollFirst();
        if (w.slots()) {
          take(w.stream());
        }
        if (w.stream()) {
          queuedStreams--;
        }
        ready.add(w.send());
      }
    }
    ready.forEach(Runnable::run);
  }

  /** Sends a call admitted earlier; if the connection closed meanwhile, its pending entry already failed. */
  private void sendAdmitted(BinaryWriter frame, String name) {
    if (isOpen()) {
      try {
        send(frame, "the query of '" + name + "'");
      } catch (WireException e) {
        // cannot happen: the size was checked before queueing
      }
    }
  }

  /** A pending call whose OK body decodes into {@code result}; {@code onEnd} (may be null) runs either way. */
  private static <T> Pending decoding(Codec<T> codec, String what, CompletableFuture<T> result, Runnable onEnd) {
    return new Pending() {
      @Override
      public void complete(byte[] body, int offset) {
        end();
        try {
          result.complete(Frames.decode(codec, body, offset, what));
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

  public <Q, R> CompletableFuture<R> call(String name, String signature, Codec<Q> query, Q value, Codec<R> result) {
    CompletableFuture<R> future = new CompletableFuture<>();
    try {
      int index = resolve(name, signature);
      long id = ids.incrementAndGet();
      BinaryWriter frame = callFrame(FrameType.CALL, id, index, query, value);
      checkSize(frame, name);
      pending.put(id, decoding(result, "the result of '" + name + "'", future, () -> release(false)));
      admit(false, () -> sendAdmitted(frame, name));
    } catch (RuntimeException e) {
      future.completeExceptionally(e);
    }
    return future;
  }

  /** Sends a one-way message; the future completes once it is written. */
  public <Q> CompletableFuture<Void> send(String name, String signature, Codec<Q> query, Q value) {
    CompletableFuture<Void> written = new CompletableFuture<>();
    try {
      int index = resolve(name, signature);
      BinaryWriter frame = callFrame(FrameType.ONE_WAY, 0, index, query, value);
      checkSize(frame, name);
      admitOneWay(() -> {
        if (isOpen()) {
          send(frame, "the query of '" + name + "'", written);
        } else {
          written.completeExceptionally(closedError());
        }
      });
    } catch (RuntimeException e) {
      written.completeExceptionally(e);
      return written;
    }
    return written.exceptionallyCompose(e -> CompletableFuture.failedFuture(closedError()));
  }

  /**
   * Starts a pipe. Unknown functions, signature mismatches and oversized queries throw here;
   * failures of the worker's handler surface from the stream.
   */
  public <Q, R> InboundStream<R> open(String name, String signature, Codec<Q> query, Q value, Codec<R> item) {
    checkStreamRoom(name);
    int index = resolve(name, signature);
    long id = ids.incrementAndGet();
    BinaryWriter frame = callFrame(FrameType.CALL, id, index, query, value);
    checkSize(frame, name);
    InboundStream<R> stream = new InboundStream<>(this, id, item, "'" + name + "'", () -> release(true));
    inStreams.put(id, stream);
    if (!isOpen()) {
      inStreams.remove(id);
      throw closedError();
    }
    admit(true, () -> sendAdmitted(frame, name));
    return stream;
  }

  public <Q, S, U> CompletableFuture<StateResult<S, U>> openState(
      String name, String signature, Codec<Q> query, Q value, Codec<S> stateCodec, Codec<U> update) {
    CompletableFuture<S> state = new CompletableFuture<>();
    InboundStream<U> updates;
    try {
      checkStreamRoom(name);
      int index = resolve(name, signature);
      long id = ids.incrementAndGet();
      BinaryWriter frame = callFrame(FrameType.CALL, id, index, query, value);
      checkSize(frame, name);
      updates = new InboundStream<>(this, id, update, "'" + name + "'", () -> release(true));
      inStreams.put(id, updates);
      InboundStream<U> u = updates;
      // An error instead of the state ends the stream too (the worker sends no END then).
      pending.put(id, decoding(stateCodec, "the state of '" + name + "'", state, null));
      state.whenComplete((s, e) -> {
        if (e != null) {
          u.finished();
        }
      });
      admit(true, () -> sendAdmitted(frame, name));
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    return state.handle((s, e) -> {
      if (e != null) {
        updates.close();
        throw e instanceof RuntimeException r ? r : new WireException(ErrorCode.INTERNAL_ERROR, e.toString(), e);
      }
      return new StateResult<>(s, updates);
    });
  }

  public <Q, U, R> ReverseCall<U, R> openReverse(
      String name, String signature, Codec<Q> query, Q value, Codec<U> update, Codec<R> response) {
    checkStreamRoom(name);
    int index = resolve(name, signature);
    long id = ids.incrementAndGet();
    BinaryWriter frame = callFrame(FrameType.CALL, id, index, query, value);
    checkSize(frame, name);
    CompletableFuture<R> result = new CompletableFuture<>();
    // No credit until the call is sent: updates must not reach the worker before their call.
    OutboundStream<U> updates = new OutboundStream<>(this, id, update, "the updates of '" + name + "'", false);
    outStreams.put(id, updates);
    Runnable end = () -> {
      outStreams.remove(id);
      updates.onAbort();
      release(true);
    };
    pending.put(id, decoding(response, "the result of '" + name + "'", result, end));
    if (!isOpen()) {
      pending.remove(id);
      outStreams.remove(id);
      throw closedError();
    }
    admit(true, () -> {
      sendAdmitted(frame, name);
      updates.start();
    });
    return new ReverseCall<>(updates, result);
  }

  /** Closes the connection from this side. */
  public void close() {
    close(ErrorCode.CLOSED, "closed by client");
  }

  @Override
  boolean countsStreamItems() {
    return false; // this side opened and credited its streams (see Session.countsStreamItems)
  }
}
