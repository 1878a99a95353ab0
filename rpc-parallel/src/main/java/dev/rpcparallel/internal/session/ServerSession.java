package dev.rpcparallel.internal.session;

import dev.rpcparallel.codec.BinaryReader;
import dev.rpcparallel.codec.BinaryWriter;
import dev.rpcparallel.codec.Codec;
import dev.rpcparallel.internal.concurrent.SerializingExecutor;
import dev.rpcparallel.internal.protocol.Auth;
import dev.rpcparallel.internal.protocol.ConnectionLost;
import dev.rpcparallel.internal.protocol.Durations;
import dev.rpcparallel.internal.protocol.ErrorCode;
import dev.rpcparallel.internal.protocol.FrameType;
import dev.rpcparallel.internal.protocol.Frames;
import dev.rpcparallel.internal.protocol.FunctionKind;
import dev.rpcparallel.internal.protocol.Preamble;
import dev.rpcparallel.internal.protocol.WireError;
import dev.rpcparallel.internal.protocol.WireException;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The worker end of a connection: the server half of the handshake, then dispatch of calls to
 * handler threads. Handlers never run on the link's thread.
 *
 * <p>Ordering, as in the original's single-threaded dispatch: one-way messages are handled one
 * at a time in the order they arrived, and a call that arrives after a one-way starts only once
 * that one-way was handled. Calls otherwise run concurrently.
 */
public final class ServerSession extends Session implements ServerConnection {
  private final ConnectionAcceptor acceptor;
  private final Executor executor;
  /** One-way handlers, and calls that arrived behind them, in arrival order. */
  private final SerializingExecutor ordered;
  private final AtomicInteger oneWaysQueued = new AtomicInteger();
  /** Ids of calls in progress: a second CALL with one of them is a protocol violation. */
  private final Set<Long> activeIds = ConcurrentHashMap.newKeySet();
  private final AtomicInteger openStreams = new AtomicInteger();
  /** Calls whose slots are taken: not yet answered or ended, or whose handler still runs. */
  private final AtomicInteger busyCalls = new AtomicInteger();
  /** Handlers waiting for the connection to drain before they start (see {@link #start}). */
  private final java.util.ArrayDeque<Runnable> notStarted = new java.util.ArrayDeque<>();
  private final byte[] serverNonce = Auth.nonce();
  /** The client's nonce of the handshake (a TURN's proof covers both). */
  private byte[] clientNonce;
  private boolean sawAuth;
  private boolean sawOpen;
  private boolean rejected;
  /** Started on a turned master connection ({@link #startOnHandedOverLink}). */
  private boolean turned;
  private Auth.Terms terms;
  private volatile ConnectionAcceptor.Dispatch dispatch;

  public ServerSession(Link link, SessionConfig config, ConnectionAcceptor acceptor) {
    super(link, config);
    this.acceptor = acceptor;
    this.executor = acceptor.executor();
    this.ordered = new SerializingExecutor(executor);
  }

  @Override
  String localName() {
    return acceptor.workerName();
  }

  @Override
  public void onConnected() {
    super.onConnected();
    acceptor.handshakes().add(this);
    Duration auth = config.authTimeout();
    link.schedule(() -> {
      if (!isAuthenticated()) {
        close(ErrorCode.HANDSHAKE_TIMEOUT, "not authenticated within " + Durations.format(auth));
      }
    }, auth);
  }

  /**
   * A session that serves on its worker's master connection, which the worker turned ({@link
   * ClientSession#turn}): the master proved it holds the application's key on it, so the next
   * frame expected is its OPEN. Frames its previous session may still have sent before the TURN
   * reached it (heartbeats, answers to our calls) are dropped until then. Link thread.
   */
  @Override
  void startOnHandedOverLink() {
    super.startOnHandedOverLink();
    sawAuth = true;
    turned = true;
    terms = new Auth.Terms(acceptor.workerId(), 0, 0); // the generation of the handle spawn returns
  }

  // ---- handshake ----

  @Override
  public void onPreamble(byte[] preamble) {
    int version;
    try {
      version = Preamble.negotiate(preamble);
    } catch (IllegalArgumentException e) {
      close(ErrorCode.PROTOCOL_ERROR, e.getMessage());
      return;
    }
    BinaryWriter w = Frames.start(FrameType.HELLO);
    w.writeByte(version);
    w.writeRaw(serverNonce, 0, serverNonce.length);
    send(w, "hello");
  }

  @Override
  void onHandshakeFrame(byte type, BinaryReader in) {
    if (rejected) {
      return; // closing after a failed authentication; the close is on its way
    }
    if (turned && !sawOpen && (type == FrameType.HEARTBEAT || type == FrameType.OK || type == FrameType.ERROR)) {
      return; // sent by the master's end of the connection before it took our TURN
    }
    if (type == FrameType.AUTH && !sawAuth) {
      byte[] clientNonce = in.readRaw(Auth.NONCE_LENGTH);
      UUID target = new UUID(in.readFixedLong(), in.readFixedLong());
      Auth.Terms t = new Auth.Terms(target, in.readUnsignedVarLong(), in.readUnsignedVarLong());
      byte[] proof = in.readRaw(Auth.MAC_LENGTH);
      // The same words whatever failed (another worker's id, a wrong key): nothing to learn here.
      if (!target.equals(acceptor.workerId())
          || !Auth.matches(Auth.clientProof(acceptor.credential(t), serverNonce, clientNonce, t), proof)) {
        reject("authentication failed");
        return;
      }
      String refusal = acceptor.refusal(t);
      if (refusal != null) {
        reject(refusal); // the client holds a real credential: it may know why
        return;
      }
      sawAuth = true;
      terms = t;
      this.clientNonce = clientNonce;
      markAuthenticated();
      acceptor.handshakes().remove(this);
      BinaryWriter w = Frames.start(FrameType.AUTH_OK);
      byte[] mine = Auth.serverProof(acceptor.credential(t), serverNonce, clientNonce, t);
      w.writeRaw(mine, 0, mine.length);
      send(w, "auth ok");
    } else if (type == FrameType.OPEN && sawAuth && !sawOpen) {
      sawOpen = true;
      UUID target = new UUID(in.readFixedLong(), in.readFixedLong());
      byte[] arg = in.readBytes();
      boolean control = in.readBoolean();
      if (!target.equals(terms.workerId())) {
        refuse(new WireException(ErrorCode.REFUSED,
            turned ? "OPEN names another worker than the one serving this connection" : "OPEN names another worker than AUTH"));
        return;
      }
      try {
        executor.execute(() -> openConnection(arg, control));
      } catch (RejectedExecutionException e) {
        close(ErrorCode.SHUTDOWN, "worker shut down");
      }
    } else {
      close(ErrorCode.PROTOCOL_ERROR,
          "unexpected " + FrameType.name(type) + " frame " + (sawAuth ? "during the handshake" : "before authentication"));
    }
  }

  private void openConnection(byte[] arg, boolean control) {
    ConnectionAcceptor.Dispatch d;
    try {
      d = acceptor.open(this, terms, arg, control);
    } catch (Throwable t) {
      // The acceptor hears of it once the refusal is on its way (the worker may exit on it), and
      // before the connection closes (a turned master connection closing must not decide first).
      refuse(t, acceptor::refused);
      return;
    }
    dispatch = d;
    // Mark open on the link thread, before any frame after OPENED can arrive from the client.
    link.execute(() -> {
      if (!isClosed()) {
        markOpen();
        BinaryWriter w = Frames.start(FrameType.OPENED);
        acceptor.menu().write(w);
        send(w, "the menu");
      }
    });
  }

  /** A failed authentication: counted, and answered only after the acceptor's delay. */
  private void reject(String reason) {
    rejected = true;
    Duration delay = acceptor.authenticationFailed();
    if (delay.isZero()) {
      close(ErrorCode.AUTHENTICATION_FAILED, reason);
    } else {
      link.schedule(() -> close(ErrorCode.AUTHENTICATION_FAILED, reason), delay);
    }
  }

  /** Sends REFUSED with {@code error} (user code's, or the library's if a WireException), then closes. */
  private void refuse(Throwable error) {
    refuse(error, () -> {});
  }

  /**
   * {@link #refuse(Throwable)}, running {@code sent} once REFUSED and CLOSE are queued, before the
   * close is reported. The close reason is recorded before REFUSED is sent: the client's CLOSE in
   * answer to it cannot become the reason.
   */
  private void refuse(Throwable error, Runnable sent) {
    if (isClosed()) {
      return;
    }
    BinaryWriter w = Frames.start(FrameType.REFUSED);
    if (error instanceof WireException e) {
      WireError.writeInfra(e.code(), e.getMessage(), w);
    } else {
      WireError.writeRemote(error, acceptor.workerName(), w);
    }
    try {
      checkSendable(w, "the refusal");
    } catch (WireException tooLarge) {
      w = Frames.start(FrameType.REFUSED);
      WireError.writeInfra(ErrorCode.REFUSED, "connection refused: " + tooLarge.getMessage(), w);
    }
    closeAfter(w, ErrorCode.REFUSED,
        "connection refused: " + (error instanceof WireException ? error.getMessage() : error.toString()), sent);
  }

  // ---- calls ----

  @Override
  void onOpenFrame(byte type, BinaryReader in, byte[] body) {
    switch (type) {
      case FrameType.CALL -> {
        long id = in.readUnsignedVarLong();
        int index = functionIndex(in);
        onCall(id, index, body, in.position());
      }
      case FrameType.ONE_WAY -> {
        int index = functionIndex(in);
        onOneWay(index, body, in.position());
      }
      case FrameType.ERROR -> {
        long id = in.readUnsignedVarLong();
        RuntimeException e = WireError.read(in);
        InboundStream<?> s = inStreams.remove(id);
        if (s != null) {
          s.onError(e);
        }
      }
      case FrameType.TURN -> {
        byte[] mac = in.readRaw(Auth.MAC_LENGTH);
        ClientSession next = clientNonce == null ? null
            : acceptor.turn(this, link, new ConnectionAcceptor.TurnProof(serverNonce, clientNonce, mac));
        if (next == null) {
          close(ErrorCode.PROTOCOL_ERROR, "unexpected TURN frame from the client");
          return;
        }
        if (handOver(next, "the worker turned its master connection: it serves on it now")) {
          next.startOnHandedOverLink();
        } else { // closed meanwhile (from another thread): the session that would have taken over fails
          next.close(ErrorCode.CONNECTION_CLOSED, "the connection closed as the worker turned it");
        }
      }
      default -> close(ErrorCode.PROTOCOL_ERROR, "unexpected " + FrameType.name(type) + " frame from the client");
    }
  }

  /** A function index: an unsigned varint, numbers past int range (and past 2^63) read as Integer.MAX_VALUE. */
  private static int functionIndex(BinaryReader in) {
    long n = in.readUnsignedVarLong();
    return n < 0 || n > Integer.MAX_VALUE ? Integer.MAX_VALUE : (int) n;
  }

  private void onCall(long id, int index, byte[] body, int offset) {
    if (!activeIds.add(id)) {
      close(ErrorCode.PROTOCOL_ERROR, "duplicate call id " + id + ": a call with this id is in progress");
      return;
    }
    ServerMethod m = dispatch.method(index);
    boolean stream = m != null && m.kind() != FunctionKind.RPC && m.kind() != FunctionKind.ONE_WAY;
    int busy = busyCalls.incrementAndGet(); // both released once the call is over (Call.finishPart)
    int streams = stream ? openStreams.incrementAndGet() : 0;
    Call call = new Call(id, body, offset, stream);
    if (m == null) {
      call.fail(new WireException(ErrorCode.UNKNOWN_FUNCTION, "worker " + acceptor.workerName() + " has no function #" + index));
      return;
    }
    call.name = m.name();
    if (m.kind() == FunctionKind.ONE_WAY) {
      call.fail(new WireException(ErrorCode.PROTOCOL_ERROR, "'" + m.name() + "' is one-way but was called as a call"));
      return;
    }
    if (busy > config.maxConcurrentCalls()) {
      call.fail(new WireException(ErrorCode.LIMIT_EXCEEDED, "worker " + acceptor.workerName() + " runs at most "
          + config.maxConcurrentCalls() + " calls at once per connection"));
      return;
    }
    if (streams > config.maxOpenStreams()) {
      call.fail(new WireException(ErrorCode.LIMIT_EXCEEDED, "worker " + acceptor.workerName() + " keeps at most "
          + config.maxOpenStreams() + " streams open per connection"));
      return;
    }
    Runnable handler = m.accept(call);
    call.handlerGiven();
    Runnable task = heldUntilStarted(() -> {
      try {
        handler.run();
      } finally {
        call.handlerReturned();
      }
    }, body.length);
    if (m.direct() && oneWaysQueued.get() == 0) {
      startDirect(task);
    } else if (oneWaysQueued.get() == 0) {
      start(task);
    } else {
      run(ordered, () -> start(task)); // starts once the one-ways before it were handled
    }
  }

  /**
   * Starts a handler, unless what was already sent to this connection waits unread: then the
   * handler waits too (a peer that does not read its results cannot make the worker compute
   * more of them). Starts resume, in order, when the connection drains.
   */
  private void start(Runnable task) {
    synchronized (notStarted) {
      if (!notStarted.isEmpty() || !link.isWritable()) {
        notStarted.add(task);
      } else {
        run(task);
        return;
      }
    }
    if (link.isWritable()) {
      writable(); // it drained between the check and the queueing: no event will say so again
    }
  }

  /**
   * Runs a direct rpc's handler here, on the link thread, unless handlers already wait for the
   * connection to drain: then it waits behind them, as any handler would.
   */
  private void startDirect(Runnable task) {
    synchronized (notStarted) {
      if (!notStarted.isEmpty() || !link.isWritable()) {
        notStarted.add(task);
        return;
      }
    }
    task.run();
  }

  @Override
  void writable() {
    while (true) {
      Runnable next;
      synchronized (notStarted) {
        if (notStarted.isEmpty() || !link.isWritable()) {
          return;
        }
        next = notStarted.poll();
      }
      run(next);
    }
  }

  private void onOneWay(int index, byte[] body, int offset) {
    ServerMethod m = dispatch.method(index);
    if (m == null || m.kind() != FunctionKind.ONE_WAY) {
      close(ErrorCode.PROTOCOL_ERROR, "one-way message for " + (m == null ? "unknown function #" + index : "'" + m.name() + "', which is not one-way"));
      return;
    }
    Call call = new Call(-1, body, offset, false);
    call.name = m.name();
    Runnable task = heldUntilStarted(m.accept(call), body.length);
    oneWaysQueued.incrementAndGet();
    run(ordered, () -> {
      try {
        task.run();
      } finally {
        oneWaysQueued.decrementAndGet();
      }
    });
  }

  /**
   * A handler's task whose message counts in the read buffer until the handler starts: a peer
   * cannot queue calls or one-way messages without bound behind slow handlers.
   */
  private Runnable heldUntilStarted(Runnable task, int bytes) {
    long cost = bytes + MESSAGE_OVERHEAD;
    hold(cost);
    return () -> {
      release(cost);
      task.run();
    };
  }

  private void run(Runnable task) {
    run(executor, task);
  }

  private void run(Executor on, Runnable task) {
    try {
      on.execute(task);
    } catch (RejectedExecutionException e) {
      close(ErrorCode.SHUTDOWN, "worker shut down");
    }
  }

  @Override
  void closing(ErrorCode code, String reason) {
    switch (code) {
      case PROTOCOL_ERROR, AUTHENTICATION_FAILED, MESSAGE_TOO_LARGE, HANDSHAKE_TIMEOUT, DECODE_FAILED ->
          acceptor.peerMisbehaved(remoteAddress(), reason);
      default -> {}
    }
  }

  @Override
  void onClosed(ConnectionLost e) {
    acceptor.handshakes().remove(this);
  }

  /**
   * One call: its id, query bytes and replies. It holds a call slot (and a stream slot for the
   * stream kinds) until it ends: when it is answered or failed, or, for a call that produces a
   * stream, when that stream closes.
   */
  private final class Call implements IncomingCall {
    private final long id;
    private final byte[] body;
    private final int offset;
    private final boolean stream;
    private final AtomicBoolean ended = new AtomicBoolean();
    /**
     * What must finish before the call's slots are free: its protocol life (answered, or its
     * stream ended) and, once a handler is given it, the handler's return. A peer's ABORT ends the
     * first only: the handler still runs and keeps its slots until it returns (so ABORT cannot
     * get around the limits), though its id is free again.
     */
    private final java.util.concurrent.atomic.AtomicInteger unfinished = new java.util.concurrent.atomic.AtomicInteger(1);
    /** The call was answered (OK or ERROR): later answers are dropped. */
    private final AtomicBoolean answered = new AtomicBoolean();
    private volatile boolean endsWithItsStream;
    private volatile String name = "?";
    /** A handler was given this call ({@link #handlerGiven}). */
    private volatile boolean hasHandler;
    /** The handler's part of the call's slots was freed (when it answered, or returned). */
    private final AtomicBoolean handlerPartFreed = new AtomicBoolean();

    Call(long id, byte[] body, int offset, boolean stream) {
      this.id = id;
      this.body = body;
      this.offset = offset;
      this.stream = stream;
    }

    /**
     * The call's protocol life is over (it is being answered, or its stream ended): its id is free
     * for a new CALL from now on. Runs before the answer or END is sent, so a peer that reuses the
     * id as soon as it has the answer is never refused.
     */
    private void end() {
      if (ended.compareAndSet(false, true)) {
        if (id >= 0) {
          activeIds.remove(id);
        }
        finishPart();
      }
    }

    /** A handler will run this call: its slots stay taken until {@link #handlerReturned}. */
    void handlerGiven() {
      unfinished.incrementAndGet();
      hasHandler = true;
    }

    void handlerReturned() {
      if (handlerPartFreed.compareAndSet(false, true)) {
        finishPart();
      }
    }

    /**
     * A plain rpc's handler answers as the last thing it does (its user code has returned): its
     * slots are freed before the answer goes out, like its id, so that the library's client,
     * which starts a queued call as soon as it has an answer, never finds the worker still
     * counting the answered one ({@code LIMIT_EXCEEDED}). Streams keep theirs until the handler
     * returns, since their handlers may run on after the stream ended.
     */
    private void handlerAnswers() {
      if (!stream && hasHandler && handlerPartFreed.compareAndSet(false, true)) {
        finishPart();
      }
    }

    /** Frees the call's slots once nothing of it is left. */
    private void finishPart() {
      if (unfinished.decrementAndGet() == 0 && id >= 0) {
        busyCalls.decrementAndGet();
        if (stream) {
          openStreams.decrementAndGet();
        }
      }
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public <Q> Q query(Codec<Q> codec) {
      return Frames.decode(codec, body, offset, "the query of '" + name + "'");
    }

    @Override
    public <R> boolean reply(Codec<R> codec, R value) {
      if (isClosed() || answered.get() || (endsWithItsStream && ended.get())) {
        return false; // (the last: the peer aborted its stream; nothing more goes out under its id)
      }
      BinaryWriter w = Frames.start(FrameType.OK);
      w.writeUnsignedVarLong(id);
      try {
        awaitWritable("the result of '" + name + "'"); // before encoding: no bytes held while waiting
        codec.encode(value, w);
        checkSendable(w, "the result of '" + name + "'"); // a result too large fails the call instead
        if (!answered.compareAndSet(false, true)) {
          return false;
        }
        if (!endsWithItsStream) {
          handlerAnswers();
          end(); // before the answer: the id is free once the peer has it
        }
        send(w, "the result of '" + name + "'");
        return true;
      } catch (WireException e) {
        fail(e);
      } catch (RuntimeException e) {
        fail(new WireException(ErrorCode.PROTOCOL_ERROR, "cannot encode the result of '" + name + "': " + e, e));
      }
      return false;
    }

    @Override
    public boolean fail(Throwable error) {
      if (endsWithItsStream && ended.get()) {
        return false; // its stream ended (or the peer aborted it): nothing more goes out under its id
      }
      handlerAnswers();
      end(); // whatever kind: the caller gets no stream after an error
      if (isClosed() || !answered.compareAndSet(false, true)) {
        return false;
      }
      BinaryWriter w = Frames.start(FrameType.ERROR);
      w.writeUnsignedVarLong(id);
      if (error instanceof WireException e) {
        WireError.writeInfra(e.code(), e.getMessage(), w);
      } else {
        WireError.writeRemote(error, acceptor.workerName(), w);
      }
      try {
        send(w, "the error of '" + name + "'");
      } catch (WireException tooLarge) {
        // an error too large to send (a huge message or stack): send a short one so the call ends
        BinaryWriter small = Frames.start(FrameType.ERROR);
        small.writeUnsignedVarLong(id);
        WireError.writeInfra(tooLarge.code(), "the error of '" + name + "' could not be sent: " + tooLarge.getMessage(), small);
        send(small, "the error of '" + name + "'");
      }
      return true;
    }

    @Override
    public <U> OutboundStream<U> outbound(Codec<U> codec) {
      OutboundStream<U> out = new OutboundStream<>(ServerSession.this, id, codec, "'" + name + "'");
      outStreams.put(id, out);
      endsWithItsStream = true;
      out.onClose(this::end);
      return out;
    }

    @Override
    public <U> InboundStream<U> inbound(Codec<U> codec) {
      InboundStream<U> in = new InboundStream<>(ServerSession.this, id, codec, "the updates of '" + name + "'");
      inStreams.put(id, in);
      return in;
    }
  }
}
