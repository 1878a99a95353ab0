package dev.rpcparallel.internal.session;

import dev.rpcparallel.codec.BinaryReader;
import dev.rpcparallel.codec.BinaryWriter;
import dev.rpcparallel.codec.Codecs;
import dev.rpcparallel.internal.concurrent.ManualScheduler;
import dev.rpcparallel.internal.protocol.Auth;
import dev.rpcparallel.internal.protocol.ErrorCode;
import dev.rpcparallel.internal.protocol.FrameReader;
import dev.rpcparallel.internal.protocol.FrameType;
import dev.rpcparallel.internal.protocol.Frames;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One {@link ClientSession} (the master's end, connecting to a worker) driven by a fuzz target
 * that plays the server, deterministically on the calling thread, as {@link FuzzServer} does for
 * the other end. Checks, besides what {@link FuzzServer} checks for a session (nothing escapes,
 * a frame the client cannot accept in its state closes it, CLOSE with the recorded code and never
 * {@code INTERNAL_ERROR}, frames within the server's limits, every session ends by itself):
 *
 * <ul>
 *   <li>a server that did not prove it holds the credential cannot choose the error: the connect
 *       fails with {@code AUTHENTICATION_FAILED} or {@code CONNECT_FAILED}, and the text of its
 *       CLOSE appears only quoted (printable ASCII, bounded) in the client's own sentence;
 *   <li>every call, stream and the connect itself end, with a value or one of the library's
 *       errors ({@link WireException}, {@link RemoteFailure}), never another exception.
 * </ul>
 */
final class FuzzClient implements Link {
  static final byte[] SERVER_NONCE = new byte[Auth.NONCE_LENGTH];
  static final byte[] KEY = Auth.credential(FuzzServer.APP_SECRET, FuzzServer.TERMS);
  /** The worker's functions as its OPENED frame lists them; the client calls them by name and signature. */
  static final List<String> FUNCTIONS = List.of("echo", "pipe", "state", "reverse", "oneway");

  static {
    Arrays.fill(SERVER_NONCE, (byte) 9);
  }

  final ManualScheduler clock = new ManualScheduler();
  final ClientSession session;
  final List<byte[]> sent = new ArrayList<>();
  private final ArrayDeque<Runnable> linkTasks = new ArrayDeque<>();
  private final List<String> violations = new ArrayList<>();
  private final FrameReader reader;
  private final List<CompletableFuture<?>> calls = new ArrayList<>();
  private final List<InboundStream<?>> streams = new ArrayList<>();

  private boolean linkClosed;
  private boolean inputStopped;
  private boolean closeSent;
  private ErrorCode closeSentCode;
  private ErrorCode framingErrorWhileOpen;
  private boolean closedByPeer;
  private boolean closedByPeerBeforeAuthentication;
  private boolean preambleSent;
  private boolean everAuthenticated;
  private int lastType = -1;

  FuzzClient(boolean control) {
    this.reader = new FrameReader(new FrameReader.Sink() {
      @Override
      public void onPreamble(byte[] preamble) {
        throw new AssertionError("a client's reader expects no preamble");
      }

      @Override
      public void onFrame(byte[] body) {
        deliver(body);
      }
    }, false, Preamble.HANDSHAKE_FRAME_LIMIT);
    ClientSession.Target target = new ClientSession.Target(FuzzServer.TERMS, "w", "fuzz:1", KEY,
        "arg".getBytes(StandardCharsets.US_ASCII), control);
    this.session = new ClientSession(this, FuzzServer.CONFIG, target);
    session.onConnected();
    drain();
    if (!preambleSent) {
      violations.add("the client did not send its preamble first");
    }
  }

  // ---- driving ----

  void feed(byte[] chunk) {
    if (inputStopped || linkClosed) {
      return;
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

  void feedFrame(byte[] body) {
    feed(FuzzServer.framed(body));
  }

  void advance(int seconds) {
    for (int i = 0; i < seconds; i++) {
      clock.advance(Duration.ofSeconds(1));
      drain();
    }
  }

  /** The server's HELLO (version 2, a fixed nonce). */
  void hello() {
    BinaryWriter w = Frames.start(FrameType.HELLO).writeByte(Preamble.MAX_VERSION);
    w.writeRaw(SERVER_NONCE, 0, SERVER_NONCE.length);
    feedFrame(w.toByteArray());
  }

  /** The server's proof, for the client nonce of the AUTH the client sent; returns whether the client accepted it. */
  boolean authOk() {
    byte[] auth = sent.stream().filter(f -> f[0] == FrameType.AUTH).findFirst()
        .orElseThrow(() -> new AssertionError("no AUTH after a valid HELLO"));
    byte[] clientNonce = Arrays.copyOfRange(auth, 1, 1 + Auth.NONCE_LENGTH);
    byte[] proof = Auth.serverProof(KEY, SERVER_NONCE, clientNonce, FuzzServer.TERMS);
    BinaryWriter w = Frames.start(FrameType.AUTH_OK);
    w.writeRaw(proof, 0, proof.length);
    feedFrame(w.toByteArray());
    return session.isAuthenticated();
  }

  static byte[] openedFrame() {
    List<Menu.Entry> entries = new ArrayList<>();
    for (int i = 0; i < FUNCTIONS.size(); i++) {
      entries.add(new Menu.Entry(i, FUNCTIONS.get(i), "sig-" + FUNCTIONS.get(i)));
    }
    BinaryWriter w = Frames.start(FrameType.OPENED);
    new Menu(entries).write(w);
    return w.toByteArray();
  }

  /**
   * Makes one call of every kind, ids 1 to 4 in this order: echo (RPC), pipe, state, reverse
   * (which writes an update); then a one-way message and a call of a function the worker lacks.
   */
  void callEverything() {
    calls.add(session.call("echo", "sig-echo", FuzzServer.STRINGS, List.of("a"), FuzzServer.STRINGS));
    streams.add(session.open("pipe", "sig-pipe", Codecs.INT, 3, Codecs.INT));
    CompletableFuture<ClientSession.StateResult<String, String>> state =
        session.openState("state", "sig-state", Codecs.STRING, "q", Codecs.STRING, Codecs.STRING);
    calls.add(state.thenAccept(r -> streams.add(r.updates())));
    ClientSession.ReverseCall<String, Void> reverse =
        session.openReverse("reverse", "sig-reverse", Codecs.VOID, null, Codecs.STRING, Codecs.VOID);
    reverse.updates().offer("update");
    calls.add(reverse.result());
    calls.add(session.send("oneway", "sig-oneway", Codecs.STRING, "x"));
    calls.add(session.call("missing", "sig-missing", Codecs.VOID, null, Codecs.VOID));
    drain();
  }

  /** Ends the input; time passes until the session closed itself; every invariant is checked. */
  void finish() {
    for (int i = 0; i < 120 && !session.isClosed(); i++) {
      advance(1);
    }
    if (!session.isClosed()) {
      violations.add("the session is still open after two minutes without input");
    }
    drain();
    checkEnded(session.opened(), "the connect");
    if (!everAuthenticated && session.opened().isCompletedExceptionally()) {
      Throwable e = cause(session.opened());
      if (!(e instanceof WireException w)
          || (w.code() != ErrorCode.AUTHENTICATION_FAILED && w.code() != ErrorCode.CONNECT_FAILED)) {
        violations.add("a server that never authenticated failed the connect with " + e);
      }
    }
    for (CompletableFuture<?> f : calls) {
      checkEnded(f, "a call");
    }
    for (InboundStream<?> s : streams) {
      try {
        for (int i = 0; i < 100_000 && s.hasNext(); i++) {
          s.next();
        }
      } catch (WireException | RemoteFailure expected) {
        // how a stream ends with an error
      }
    }
    drain();
    if (closedByPeerBeforeAuthentication) {
      String reason = session.closeReason();
      boolean ours = reason.startsWith("authentication failed; the server said \"")
          || reason.startsWith("closed during the handshake (");
      if (!ours || reason.length() > 100 + 6 * 200 || !reason.chars().allMatch(c -> c >= 0x20 && c < 0x7F)) {
        violations.add("an unauthenticated server's CLOSE made the reason: " + reason);
      }
    }
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
          + ") without sending CLOSE, and the server did not close it");
    }
    if (framingErrorWhileOpen != null && closeSentCode != framingErrorWhileOpen) {
      violations.add("a framing error of " + framingErrorWhileOpen + " closed with " + closeSentCode);
    }
    if (!session.outStreams.isEmpty() || !session.inStreams.isEmpty()) {
      violations.add("streams still registered after the close: " + session.outStreams.keySet() + " out, "
          + session.inStreams.keySet() + " in");
    }
    if (!violations.isEmpty()) {
      throw new AssertionError(String.join("\n", violations) + "\n(last frame type from the server: "
          + (lastType < 0 ? "none" : FrameType.name(lastType)) + ", close: " + session.closeCode() + " "
          + session.closeReason() + ")");
    }
  }

  private void checkEnded(CompletableFuture<?> f, String what) {
    if (!f.isDone()) {
      violations.add(what + " did not end after the close");
    } else if (f.isCompletedExceptionally()) {
      Throwable e = cause(f);
      if (!(e instanceof WireException) && !(e instanceof RemoteFailure)) {
        violations.add(what + " failed with " + e);
      }
    }
  }

  private static Throwable cause(CompletableFuture<?> f) {
    try {
      f.get();
      return null;
    } catch (ExecutionException | CompletionException e) {
      Throwable c = e.getCause();
      return c instanceof CompletionException ce && ce.getCause() != null ? ce.getCause() : c;
    } catch (InterruptedException | java.util.concurrent.CancellationException e) {
      return e;
    }
  }

  private void deliver(byte[] body) {
    boolean wasClosed = session.isClosed();
    boolean wasOpen = session.isOpen();
    boolean wasAuthenticated = session.isAuthenticated();
    boolean helloBefore = sent.stream().anyMatch(f -> f[0] == FrameType.AUTH);
    lastType = body[0] & 0xFF;
    session.onFrame(body);
    everAuthenticated |= session.isAuthenticated();
    if (wasClosed) {
      return;
    }
    byte type = body[0];
    boolean closed = session.isClosed();
    if (closed && type == FrameType.CLOSE && !closeSent) {
      closedByPeer = true;
      closedByPeerBeforeAuthentication = !wasAuthenticated;
    }
    boolean mayStayOpen;
    if (type == FrameType.CLOSE) {
      mayStayOpen = false;
    } else if (wasOpen) {
      mayStayOpen = switch (type) {
        case FrameType.OK, FrameType.ERROR, FrameType.ITEM, FrameType.END, FrameType.ABORT, FrameType.CREDIT,
            FrameType.HEARTBEAT -> true;
        default -> false;
      };
    } else if (!wasAuthenticated) {
      mayStayOpen = (type == FrameType.HELLO && !helloBefore) || (type == FrameType.AUTH_OK && session.isAuthenticated());
    } else {
      mayStayOpen = type == FrameType.OPENED;
    }
    if (!mayStayOpen && !closed) {
      violations.add("a " + FrameType.name(type) + " frame of " + body.length + " bytes was accepted "
          + (wasOpen ? "on an open connection" : wasAuthenticated ? "during the handshake" : "before the server authenticated"));
    }
  }

  private void drain() {
    int steps = 0;
    for (Runnable r; (r = linkTasks.poll()) != null; ) {
      if (++steps > 100_000) {
        throw new AssertionError("more than 100000 tasks for one read: a livelock");
      }
      r.run();
    }
  }

  // ---- Link ----

  @Override
  public void sendPreamble(byte[] preamble) {
    if (preambleSent || !sent.isEmpty()) {
      violations.add("a preamble after frames or a second preamble");
    }
    if (!Arrays.equals(preamble, Preamble.clientPreamble())) {
      violations.add("preamble " + Arrays.toString(preamble));
    }
    preambleSent = true;
  }

  @Override
  public void send(BinaryWriter frameBody, CompletableFuture<Void> written) {
    byte[] body = frameBody.toByteArray();
    if (body.length == 0) {
      violations.add("an empty frame was sent");
      return;
    }
    byte type = body[0];
    // The server trusts the client once it verified the client's AUTH, before its AUTH_OK.
    long limit = session.isAuthenticated() ? FuzzServer.MAX_MESSAGE : Preamble.HANDSHAKE_FRAME_LIMIT;
    if (body.length > limit) {
      violations.add("a " + FrameType.name(type) + " frame of " + body.length + " bytes exceeds the server's limit of " + limit);
    }
    if (closeSent) {
      violations.add("a " + FrameType.name(type) + " frame was sent after CLOSE");
    } else if (session.isClosed() && type != FrameType.CLOSE) {
      violations.add("a " + FrameType.name(type) + " frame was sent after the session closed");
    }
    if (type == FrameType.CLOSE) {
      closeSent = true;
      BinaryReader in = new BinaryReader(body, 1, body.length - 1);
      closeSentCode = ErrorCode.fromWire(in.readUnsignedVarLong());
      in.readString();
      in.expectEnd("CLOSE");
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
}
