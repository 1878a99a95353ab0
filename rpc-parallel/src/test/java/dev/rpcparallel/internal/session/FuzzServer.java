package dev.rpcparallel.internal.session;

import dev.rpcparallel.codec.BinaryReader;
import dev.rpcparallel.codec.BinaryWriter;
import dev.rpcparallel.codec.Codec;
import dev.rpcparallel.codec.Codecs;
import dev.rpcparallel.internal.concurrent.ManualScheduler;
import dev.rpcparallel.internal.protocol.Auth;
import dev.rpcparallel.internal.protocol.ErrorCode;
import dev.rpcparallel.internal.protocol.FrameReader;
import dev.rpcparallel.internal.protocol.FrameType;
import dev.rpcparallel.internal.protocol.Frames;
import dev.rpcparallel.internal.protocol.FunctionKind;
import dev.rpcparallel.internal.protocol.Menu;
import dev.rpcparallel.internal.protocol.Preamble;
import dev.rpcparallel.internal.protocol.RemoteFailure;
import dev.rpcparallel.internal.protocol.WireException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One {@link ServerSession} driven by a fuzz target, deterministically, on the calling thread: a
 * {@link Link} that records what the server sends, a {@link FrameReader} in front of the session
 * as the socket transport has, link tasks and handler tasks in queues drained after every read,
 * and timers on a {@link ManualScheduler}. It checks, as it goes and in {@link #finish()}, what a
 * server owes a hostile client:
 *
 * <ul>
 *   <li>nothing escapes {@code onPreamble}, {@code onFrame}, {@code onFramingError} or a task
 *       (the target fails with whatever escaped);
 *   <li>a frame the server cannot accept in its state closes the session at once;
 *   <li>a session that closes on its own sends a CLOSE frame with its code, as its last frame,
 *       never with {@code INTERNAL_ERROR} (that code means an unexpected exception), and closes
 *       the link; a framing error closes with the framing error's code;
 *   <li>every frame sent fits the limit the client enforces (512 bytes before AUTH_OK);
 *   <li>without further input every session ends by itself (handshake, authentication or
 *       heartbeat timeout), leaves no stream registered and leaves the handshake queue.
 * </ul>
 */
final class FuzzServer implements Link {
  static final byte[] APP_SECRET = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
  static final UUID WORKER = UUID.fromString("00000000-0000-0000-0000-000000000042");
  /** The terms of the credential the harness authenticates with. */
  static final Auth.Terms TERMS = new Auth.Terms(WORKER, 0, 0);
  /** A credential that expired in 1970: a valid proof, refused. */
  static final Auth.Terms EXPIRED = new Auth.Terms(WORKER, 0, 1);
  static final int MAX_MESSAGE = 64 << 10;
  static final SessionConfig CONFIG = new SessionConfig(MAX_MESSAGE, Duration.ofSeconds(30), Duration.ofSeconds(10),
      Duration.ofSeconds(30), 16 << 10, 1 << 20, 1 << 20, 8, 4);
  /** The client nonce of the harness's AUTH frames. */
  static final byte[] CLIENT_NONCE = filled(Auth.NONCE_LENGTH, 7);

  /** The functions on the menu, by index (the fuzzer's CALL and ONE_WAY frames name them). */
  static final List<String> FUNCTIONS = List.of("echo", "record", "pipe", "state", "reverse", "oneway", "fails", "big");

  record Entry(String name, Map<String, Optional<Integer>> counts, List<UUID> ids, Optional<Entry> next) {}

  static final Codec<List<String>> STRINGS = Codecs.list(Codecs.STRING);
  static final Codec<Entry> ENTRY = Codecs.derive(Entry.class);

  final ManualScheduler clock = new ManualScheduler();
  final HandshakeQueue handshakes = new HandshakeQueue(HandshakeQueue.PER_LISTENER, null);
  final ServerSession session;
  /** Frames the server sent, in order. */
  final List<byte[]> sent = new ArrayList<>();
  private final ArrayDeque<Runnable> linkTasks = new ArrayDeque<>();
  private final ArrayDeque<Runnable> handlerTasks = new ArrayDeque<>();
  /** Handler work that would block while the connection is open (consuming a stream): run after the close. */
  private final List<Runnable> afterClose = new ArrayList<>();
  private final List<String> violations = new ArrayList<>();
  private final FrameReader reader;
  private final Duration authFailureDelay;

  private boolean linkClosed;
  private boolean inputStopped;
  private boolean closeSent;
  private boolean refusedSent;
  private ErrorCode closeSentCode;
  private boolean authOkSent;
  private ErrorCode framingErrorWhileOpen;
  /** The client failed authentication and the close waits for the acceptor's delay. */
  private boolean rejectedPending;
  private boolean sawOpenFrame;
  /** Whether the session closed while it handled a CLOSE frame from the client. */
  private boolean closedByPeer;
  /** The last frame type the client sent, for messages. */
  private int lastType = -1;

  FuzzServer(Duration authFailureDelay) {
    this.authFailureDelay = authFailureDelay;
    this.reader = new FrameReader(new FrameReader.Sink() {
      @Override
      public void onPreamble(byte[] preamble) {
        session.onPreamble(preamble);
      }

      @Override
      public void onFrame(byte[] body) {
        deliver(body);
      }
    }, true, Preamble.HANDSHAKE_FRAME_LIMIT);
    this.session = new ServerSession(this, CONFIG, acceptor());
    session.onConnected();
    drain();
  }

  // ---- driving ----

  /** One read from the socket. */
  void feed(byte[] chunk) {
    if (inputStopped || linkClosed) {
      return; // the transport stops reading once it failed or the session closed the link
    }
    session.onBytes();
    try {
      reader.feed(ByteBuffer.wrap(chunk));
    } catch (FrameReader.FramingException e) {
      inputStopped = true;
      boolean wasClosed = session.isClosed();
      session.onFramingError(e.code(), e.getMessage());
      close();
      if (!wasClosed) {
        framingErrorWhileOpen = e.code();
      }
    }
    drain();
  }

  /** Sends {@code body} as one well-framed frame. */
  void feedFrame(byte[] body) {
    feed(framed(body));
  }

  static byte[] framed(byte[] body) {
    return ByteBuffer.allocate(4 + body.length).putInt(body.length).put(body).array();
  }

  /** Lets {@code seconds} pass, a second at a time, running the timers that fall due. */
  void advance(int seconds) {
    for (int i = 0; i < seconds; i++) {
      clock.advance(Duration.ofSeconds(1));
      drain();
    }
  }

  /** Sends the preamble and a valid AUTH frame for {@code terms}; returns whether the server accepted it. */
  boolean authenticate(Auth.Terms terms) {
    feed(Preamble.clientPreamble());
    byte[] hello = sent.stream().filter(f -> f[0] == FrameType.HELLO).findFirst()
        .orElseThrow(() -> new AssertionError("no HELLO after a valid preamble"));
    byte[] serverNonce = Arrays.copyOfRange(hello, 2, 2 + Auth.NONCE_LENGTH);
    byte[] proof = Auth.clientProof(Auth.credential(APP_SECRET, terms), serverNonce, CLIENT_NONCE, terms);
    BinaryWriter w = Frames.start(FrameType.AUTH);
    w.writeRaw(CLIENT_NONCE, 0, CLIENT_NONCE.length);
    w.writeFixedLong(terms.workerId().getMostSignificantBits()).writeFixedLong(terms.workerId().getLeastSignificantBits());
    w.writeUnsignedVarLong(terms.generation()).writeUnsignedVarLong(terms.expiresAtMillis());
    w.writeRaw(proof, 0, proof.length);
    feedFrame(w.toByteArray());
    return session.isAuthenticated();
  }

  /** Sends OPEN with {@code arg} ("X..." makes the acceptor refuse the connection). */
  void open(byte[] arg, boolean control) {
    BinaryWriter w = Frames.start(FrameType.OPEN);
    w.writeFixedLong(WORKER.getMostSignificantBits()).writeFixedLong(WORKER.getLeastSignificantBits());
    w.writeBytes(arg).writeBoolean(control);
    feedFrame(w.toByteArray());
  }

  /**
   * Ends the input: time passes until the session has closed itself, then the handlers that
   * waited for it run; every invariant is checked.
   */
  void finish() {
    for (int i = 0; i < 120 && !session.isClosed(); i++) {
      advance(1);
    }
    if (!session.isClosed()) {
      violations.add("the session is still open after two minutes without input");
    }
    drain();
    List<Runnable> late = new ArrayList<>(afterClose);
    afterClose.clear();
    late.forEach(Runnable::run);
    drain();

    if (!linkClosed) {
      violations.add("the session closed (" + session.closeCode() + ") but did not close the link");
    }
    if (closeSent) {
      if (closeSentCode != session.closeCode()) {
        violations.add("CLOSE sent with " + closeSentCode + " but the session recorded " + session.closeCode());
      }
      if (closeSentCode == ErrorCode.INTERNAL_ERROR) {
        violations.add("closed with INTERNAL_ERROR (an unexpected exception): " + session.closeReason());
      }
    } else if (!closedByPeer) {
      violations.add("the session closed (" + session.closeCode() + ": " + session.closeReason()
          + ") without sending CLOSE, and the client did not close it");
    }
    if (framingErrorWhileOpen != null && closeSentCode != framingErrorWhileOpen) {
      violations.add("a framing error of " + framingErrorWhileOpen + " closed with " + closeSentCode);
    }
    if (!session.outStreams.isEmpty() || !session.inStreams.isEmpty()) {
      violations.add("streams still registered after the close: " + session.outStreams.keySet() + " out, "
          + session.inStreams.keySet() + " in");
    }
    if (handshakes.size() != 0) {
      violations.add("the closed session is still in the handshake queue");
    }
    if (!violations.isEmpty()) {
      throw new AssertionError(String.join("\n", violations) + "\n(last frame type from the client: "
          + (lastType < 0 ? "none" : FrameType.name(lastType)) + ", close: " + session.closeCode() + " "
          + session.closeReason() + ")");
    }
  }

  private void deliver(byte[] body) {
    boolean wasClosed = session.isClosed();
    boolean wasOpen = session.isOpen();
    boolean wasAuthenticated = session.isAuthenticated();
    lastType = body[0] & 0xFF;
    session.onFrame(body);
    if (wasClosed) {
      return; // ignored
    }
    byte type = body[0];
    boolean closed = session.isClosed();
    if (closed && type == FrameType.CLOSE && !closeSent) {
      closedByPeer = true;
    }
    boolean mayStayOpen;
    if (type == FrameType.CLOSE) {
      mayStayOpen = false;
    } else if (wasOpen) {
      mayStayOpen = switch (type) {
        case FrameType.CALL, FrameType.ONE_WAY, FrameType.ERROR, FrameType.ITEM, FrameType.END, FrameType.ABORT,
            FrameType.CREDIT, FrameType.HEARTBEAT -> true;
        default -> false;
      };
    } else if (rejectedPending) {
      mayStayOpen = true; // frames are ignored until the delayed close
    } else if (type == FrameType.AUTH && !wasAuthenticated) {
      mayStayOpen = true;
      if (!session.isAuthenticated() && !closed) {
        if (authFailureDelay.isZero()) {
          violations.add("a failed AUTH left the session open");
        }
        rejectedPending = true;
      }
    } else if (type == FrameType.OPEN && wasAuthenticated && !sawOpenFrame) {
      mayStayOpen = true;
      sawOpenFrame = true;
    } else {
      mayStayOpen = false;
    }
    if (!mayStayOpen && !closed) {
      violations.add("a " + FrameType.name(type) + " frame of " + body.length + " bytes was accepted "
          + (wasOpen ? "on an open connection" : wasAuthenticated ? "during the handshake" : "before authentication"));
    }
    if (rejectedPending && session.isAuthenticated()) {
      violations.add("authenticated after a failed AUTH");
    }
  }

  private void drain() {
    int steps = 0;
    while (true) {
      Runnable r = linkTasks.poll();
      if (r == null) {
        r = handlerTasks.poll();
      }
      if (r == null) {
        return;
      }
      if (++steps > 100_000) {
        throw new AssertionError("more than 100000 tasks for one read: a livelock");
      }
      r.run();
    }
  }

  // ---- Link ----

  @Override
  public void sendPreamble(byte[] preamble) {
    violations.add("the server sent a preamble");
  }

  @Override
  public void send(BinaryWriter frameBody, CompletableFuture<Void> written) {
    byte[] body = frameBody.toByteArray();
    if (body.length == 0) {
      violations.add("an empty frame was sent");
      return;
    }
    byte type = body[0];
    long limit = authOkSent ? MAX_MESSAGE : Preamble.HANDSHAKE_FRAME_LIMIT;
    if (body.length > limit) {
      violations.add("a " + FrameType.name(type) + " frame of " + body.length + " bytes exceeds the client's limit of " + limit);
    }
    if (closeSent) {
      violations.add("a " + FrameType.name(type) + " frame was sent after CLOSE");
    } else if (session.isClosed() && type != FrameType.CLOSE
        && !(type == FrameType.REFUSED && session.closeCode() == ErrorCode.REFUSED && !refusedSent)) {
      // A refusal records its close first (so that the client's answer cannot become the
      // reason), then sends REFUSED and CLOSE: nothing else may follow the close.
      violations.add("a " + FrameType.name(type) + " frame was sent after the session closed");
    }
    if (type == FrameType.REFUSED) {
      refusedSent = true;
    }
    if (type == FrameType.CLOSE) {
      closeSent = true;
      BinaryReader in = new BinaryReader(body, 1, body.length - 1);
      closeSentCode = ErrorCode.fromWire(in.readUnsignedVarLong());
      in.readString();
      in.expectEnd("CLOSE");
    } else if (type == FrameType.AUTH_OK) {
      authOkSent = true;
    }
    sent.add(body);
    if (written != null) {
      written.complete(null);
    }
  }

  @Override
  public void replaceHandler(LinkHandler next) {
    throw new AssertionError("no session of this fuzz target hands its link over");
  }

  @Override
  public void limitWriteBuffer(long bytes) {}

  @Override
  public void pauseReading(boolean paused) {
    // The fuzzer's input is handed over whole; a pause would only delay the same frames.
  }

  @Override
  public void awaitWritable() {}

  @Override
  public boolean isWritable() {
    return true;
  }

  @Override
  public void trust(long maxFrame) {
    reader.trust(maxFrame);
  }

  @Override
  public void close() {
    if (!linkClosed) {
      linkClosed = true;
      linkTasks.add(() -> session.onDisconnected("closed by this side"));
    }
  }

  @Override
  public void execute(Runnable task) {
    linkTasks.add(task);
  }

  @Override
  public Timer schedule(Runnable task, Duration delay) {
    ScheduledFuture<?> f = clock.schedule(() -> execute(task), delay.toNanos(), TimeUnit.NANOSECONDS);
    return () -> f.cancel(false);
  }

  @Override
  public String remoteAddress() {
    return "fuzzer";
  }

  // ---- the worker side ----

  private ConnectionAcceptor acceptor() {
    List<ServerMethod> methods = List.of(
        method("echo", FunctionKind.RPC, call -> () -> {
          try {
            call.reply(STRINGS, call.query(STRINGS));
          } catch (Throwable t) {
            call.fail(t);
          }
        }),
        method("record", FunctionKind.RPC, call -> () -> {
          try {
            call.reply(ENTRY, call.query(ENTRY));
          } catch (Throwable t) {
            call.fail(t);
          }
        }),
        method("pipe", FunctionKind.PIPE, call -> {
          OutboundStream<Integer> out = call.outbound(Codecs.INT);
          return () -> {
            try {
              int n = Math.min(16, Math.max(0, call.query(Codecs.INT)));
              for (int i = 0; i < n && out.offer(i); i++) {
                // offer never waits for credit
              }
              out.close();
            } catch (WireException e) {
              out.failWith(e.code(), e.getMessage());
            } catch (Throwable t) {
              out.fail(t);
            }
          };
        }),
        method("state", FunctionKind.STATE, call -> {
          OutboundStream<String> out = call.outbound(Codecs.STRING);
          out.defer();
          return () -> {
            String state;
            try {
              state = call.query(Codecs.STRING);
              out.offer("update 1");
              out.offer("update 2");
            } catch (Throwable t) {
              out.abandon();
              call.fail(t);
              return;
            }
            if (!call.reply(Codecs.STRING, state)) {
              out.abandon();
              return;
            }
            out.release(); // two small updates: within the window, never waits
            out.close();
          };
        }),
        method("reverse", FunctionKind.REVERSE_PIPE, call -> {
          InboundStream<String> in = call.inbound(Codecs.STRING);
          return () -> afterClose.add(() -> {
            try {
              call.query(Codecs.VOID);
              for (int i = 0; i < 100_000 && in.hasNext(); i++) {
                in.next();
              }
              call.reply(Codecs.VOID, null);
            } catch (WireException | RemoteFailure e) { // ConnectionLost is a WireException
              call.fail(e);
            } finally {
              in.close();
            }
          });
        }),
        method("oneway", FunctionKind.ONE_WAY, call -> () -> {
          try {
            call.query(Codecs.STRING);
          } catch (WireException e) {
            session.close(ErrorCode.PROTOCOL_ERROR, e.getMessage()); // as the engine does
          }
        }),
        method("fails", FunctionKind.RPC, call -> () -> call.fail(new IllegalStateException("boom"))),
        method("big", FunctionKind.RPC, call -> () -> call.reply(Codecs.BYTES, new byte[MAX_MESSAGE + 1])));
    List<Menu.Entry> entries = new ArrayList<>();
    for (int i = 0; i < methods.size(); i++) {
      entries.add(new Menu.Entry(i, methods.get(i).name(), "sig-" + methods.get(i).name()));
    }
    Menu menu = new Menu(entries);
    return new ConnectionAcceptor() {
      @Override
      public UUID workerId() {
        return WORKER;
      }

      @Override
      public String workerName() {
        return "fuzzed";
      }

      @Override
      public byte[] credential(Auth.Terms terms) {
        return Auth.credential(APP_SECRET, terms);
      }

      @Override
      public String refusal(Auth.Terms terms) {
        return terms.expiresAtMillis() != 0 && terms.expiresAtMillis() < 1_000_000 ? "credential expired" : null;
      }

      @Override
      public HandshakeQueue handshakes() {
        return handshakes;
      }

      @Override
      public void peerMisbehaved(String remoteAddress, String reason) {}

      @Override
      public Duration authenticationFailed() {
        return authFailureDelay;
      }

      @Override
      public Menu menu() {
        return menu;
      }

      @Override
      public java.util.concurrent.Executor executor() {
        return handlerTasks::add;
      }

      @Override
      public Dispatch open(ServerConnection connection, Auth.Terms terms, byte[] arg, boolean control) {
        if (arg.length > 0 && arg[0] == 'X') {
          throw new IllegalStateException("the fuzzing acceptor refuses arguments starting with X");
        }
        return control ? index -> null : index -> index < methods.size() ? methods.get(index) : null;
      }
    };
  }

  private static ServerMethod method(String name, FunctionKind kind, java.util.function.Function<IncomingCall, Runnable> accept) {
    return new ServerMethod() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public FunctionKind kind() {
        return kind;
      }

      @Override
      public Runnable accept(IncomingCall call) {
        return accept.apply(call);
      }
    };
  }

  private static byte[] filled(int n, int value) {
    byte[] b = new byte[n];
    Arrays.fill(b, (byte) value);
    return b;
  }
}
