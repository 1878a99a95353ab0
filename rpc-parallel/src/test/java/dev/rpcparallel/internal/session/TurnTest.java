package dev.rpcparallel.internal.session;

import static dev.rpcparallel.internal.session.SessionHarness.await;
import static dev.rpcparallel.internal.session.SessionHarness.sig;
import static org.assertj.core.api.Assertions.assertThat;

import dev.rpcparallel.codec.BinaryWriter;
import dev.rpcparallel.codec.Codecs;
import dev.rpcparallel.internal.protocol.Auth;
import dev.rpcparallel.internal.protocol.ErrorCode;
import dev.rpcparallel.internal.protocol.FrameType;
import dev.rpcparallel.internal.protocol.Frames;
import dev.rpcparallel.internal.protocol.FunctionKind;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * TURN: a spawned worker's master connection becomes the connection its spawn waits for. The
 * worker (client of the first session) sends TURN and serves on the link; the master (server of
 * the first session) hands the link to a client session that sends OPEN. In memory, on a manual
 * clock.
 */
class TurnTest {
  private final SessionHarness h = new SessionHarness();

  @AfterEach
  void close() {
    h.close();
  }

  private SessionHarness withEcho() {
    return h.method("echo", FunctionKind.RPC, call -> () -> call.reply(Codecs.STRING, call.query(Codecs.STRING)));
  }

  /** The master's end after the turn: opens the worker's "initial" connection. */
  private ClientSession masterEnd(Link link) {
    ClientSession.Target t = new ClientSession.Target(SessionHarness.TERMS, "w", "in-memory:1", new byte[0], "initial".getBytes(), false);
    return new ClientSession(link, h.config, t);
  }

  @Test
  void aTurnedConnectionCarriesCallsTheOtherWayAndClosesAsOne() throws Exception {
    CompletableFuture<ClientSession> master = new CompletableFuture<>();
    h.onTurn = (connection, link) -> {
      ClientSession s = masterEnd(link);
      master.complete(s);
      return s;
    };
    ClientSession worker = withEcho().open();
    ServerSession[] served = new ServerSession[1];

    await(worker.turn(SessionHarness.KEY, link -> served[0] = new ServerSession(link, h.config, h.acceptor())));
    ClientSession m = await(await(master).opened());

    assertThat(h.opens).containsExactly("arg", "initial");
    assertThat(await(m.call("echo", sig("echo"), Codecs.STRING, "the other way", Codecs.STRING))).isEqualTo("the other way");
    assertThat(worker.isOpen()).isFalse();
    assertThat(h.server.isOpen()).isFalse();
    // The first sessions end with the link, not before: it is still open.
    assertThat(worker.closeFuture()).isNotDone();
    assertThat(h.server.closeFuture()).isNotDone();
    worker.close(ErrorCode.CLOSED, "a session that handed its link over closes nothing");
    assertThat(m.isOpen()).isTrue();

    m.close(ErrorCode.CLOSED, "closed by client");
    assertThat(await(served[0].closeFuture())).isEqualTo("closed by client");
    assertThat(await(worker.closeFuture())).isEqualTo("closed by client");
    assertThat(await(h.server.closeFuture())).isEqualTo("closed by client");
  }

  @Test
  void callsPendingOnTheTurnedSessionFailAndLaterOnesAreRefused() throws Exception {
    java.util.concurrent.CountDownLatch hold = new java.util.concurrent.CountDownLatch(1);
    h.method("slow", FunctionKind.RPC, call -> () -> {
      try {
        hold.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      call.reply(Codecs.STRING, "late");
    });
    h.onTurn = (connection, link) -> masterEnd(link);
    ClientSession worker = h.open();
    CompletableFuture<String> pending = worker.call("slow", sig("slow"), Codecs.VOID, null, Codecs.STRING);

    await(worker.turn(SessionHarness.KEY, link -> new ServerSession(link, h.config, h.acceptor())));
    hold.countDown();

    assertThat(pending).failsWithin(java.time.Duration.ofSeconds(5));
    assertThat(worker.call("slow", sig("slow"), Codecs.VOID, null, Codecs.STRING)).failsWithin(java.time.Duration.ofSeconds(5));
  }

  @Test
  void aTurnTheServerDoesNotExpectIsAProtocolError() throws Exception {
    ClientSession worker = withEcho().open(); // the harness's acceptor refuses TURN by default
    ServerSession[] served = new ServerSession[1];

    await(worker.turn(SessionHarness.KEY, link -> served[0] = new ServerSession(link, h.config, h.acceptor())));

    assertThat(await(h.server.closeFuture())).isEqualTo("unexpected TURN frame from the client");
    assertThat(h.server.closeCode()).isEqualTo(ErrorCode.PROTOCOL_ERROR);
    assertThat(await(served[0].closeFuture())).isEqualTo("unexpected TURN frame from the client");
    assertThat(h.opens).containsExactly("arg");
  }

  @Test
  void aTurnNotProvenWithTheWorkersOwnCredentialIsRefused() throws Exception {
    boolean[] asked = new boolean[1];
    h.onTurn = (connection, link) -> {
      asked[0] = true;
      return masterEnd(link);
    };
    ClientSession worker = withEcho().open();
    byte[] another = dev.rpcparallel.internal.protocol.Auth.credential(SessionHarness.APP_SECRET,
        new dev.rpcparallel.internal.protocol.Auth.Terms(java.util.UUID.randomUUID(), 0, 0));

    await(worker.turn(another, link -> new ServerSession(link, h.config, h.acceptor())));

    assertThat(await(h.server.closeFuture())).isEqualTo("TURN not proven with the credential of worker w");
    assertThat(h.server.closeCode()).isEqualTo(ErrorCode.AUTHENTICATION_FAILED);
    assertThat(asked[0]).isFalse();
    assertThat(h.opens).containsExactly("arg");
  }

  @Test
  void aClosedConnectionCannotTurn() throws Exception {
    ClientSession worker = withEcho().open();
    worker.close(ErrorCode.CLOSED, "closed by client");

    assertThat(worker.turn(SessionHarness.KEY, link -> new ServerSession(link, h.config, h.acceptor()))).failsWithin(java.time.Duration.ofSeconds(5));
  }

  @Test
  void anOpenOverTheMaximumMessageSizeFailsTheTurnedConnectionAtOnce() throws Exception {
    withEcho();
    CompletableFuture<ClientSession> master = new CompletableFuture<>();
    h.onTurn = (connection, link) -> {
      ClientSession s = new ClientSession(link, h.config, new ClientSession.Target(
          SessionHarness.TERMS, "w", "in-memory:1", new byte[0], new byte[(int) h.config.maxMessageSize() + 1], false));
      master.complete(s);
      return s;
    };
    ClientSession worker = h.open();

    await(worker.turn(SessionHarness.KEY, link -> new ServerSession(link, h.config, h.acceptor())));

    Throwable e = org.assertj.core.api.Assertions.catchThrowable(() -> await(await(master).opened()));
    assertThat(e).hasRootCauseInstanceOf(dev.rpcparallel.internal.protocol.WireException.class)
        .rootCause().hasMessageContaining("over its master connection").hasMessageContaining("exceeds the maximum message size");
  }

  @Test
  void theMastersTurnedSessionTakesNothingButOpenedOrRefused() throws Exception {
    RawPeer worker = new RawPeer();
    ClientSession master = onHandedOverLink(worker, this::masterEnd);
    assertThat(await(worker.first)[0]).isEqualTo(FrameType.OPEN);

    BinaryWriter hello = Frames.start(FrameType.HELLO);
    hello.writeByte(2);
    hello.writeRaw(new byte[Auth.NONCE_LENGTH], 0, Auth.NONCE_LENGTH);
    worker.send(hello);

    assertThat(await(master.closeFuture())).isEqualTo("unexpected HELLO frame during the handshake");
    assertThat(worker.received).hasSize(2); // OPEN, then CLOSE: no AUTH
    assertThat(worker.received.get(1)[0]).isEqualTo(FrameType.CLOSE);
  }

  // ---- a turned server session against a raw peer ----

  /** A peer that sends raw frames and records those it receives. */
  private static final class RawPeer implements LinkHandler {
    final List<byte[]> received = new CopyOnWriteArrayList<>();
    final CompletableFuture<byte[]> first = new CompletableFuture<>();
    Link link;

    @Override
    public void onConnected() {}

    @Override
    public void onPreamble(byte[] preamble) {}

    @Override
    public void onFrame(byte[] body) {
      received.add(body);
      first.complete(body);
    }

    @Override
    public void onFramingError(ErrorCode code, String reason) {}

    @Override
    public void onDisconnected(String detail) {}

    void send(BinaryWriter frame) {
      link.send(frame, null);
    }
  }

  /** A server session started on a handed-over link whose other end is {@code peer}. */
  private ServerSession turnedServer(RawPeer peer) {
    return onHandedOverLink(peer, link -> new ServerSession(link, h.config, h.acceptor()));
  }

  /** The session {@code make} makes, started on a handed-over link whose other end is {@code peer}. */
  private <S extends Session> S onHandedOverLink(RawPeer peer, java.util.function.Function<Link, S> make) {
    java.util.List<S> made = new java.util.ArrayList<>();
    LinkHandler idle = new RawPeer();
    peer.link = InMemoryLink.connect(h.inline, h.clock, link -> peer, link -> {
      made.add(make.apply(link));
      return idle; // what the previous session was: the one handed the link starts without onConnected
    });
    InMemoryLink link = peerOf(peer.link);
    link.execute(() -> {
      link.replaceHandler(made.get(0));
      made.get(0).startOnHandedOverLink();
    });
    return made.get(0);
  }

  private static InMemoryLink peerOf(Link link) {
    try {
      java.lang.reflect.Field f = InMemoryLink.class.getDeclaredField("peer");
      f.setAccessible(true);
      return (InMemoryLink) f.get(link);
    } catch (ReflectiveOperationException e) {
      throw new AssertionError(e);
    }
  }

  private static BinaryWriter open(String arg) {
    return open(SessionHarness.WORKER, arg);
  }

  private static BinaryWriter open(java.util.UUID worker, String arg) {
    BinaryWriter w = Frames.start(FrameType.OPEN);
    w.writeFixedLong(worker.getMostSignificantBits()).writeFixedLong(worker.getLeastSignificantBits());
    w.writeBytes(arg.getBytes());
    w.writeBoolean(false);
    return w;
  }

  @Test
  void framesThePreviousSessionSentBeforeTheTurnAreDroppedUntilOpen() throws Exception {
    withEcho();
    RawPeer master = new RawPeer();
    ServerSession server = turnedServer(master);

    master.send(Frames.start(FrameType.HEARTBEAT));
    BinaryWriter ok = Frames.start(FrameType.OK);
    ok.writeUnsignedVarLong(7);
    ok.writeBoolean(true);
    master.send(ok); // an answer to a call of the worker's previous session
    master.send(open("initial"));

    assertThat(await(master.first)[0]).isEqualTo(FrameType.OPENED);
    assertThat(h.opens).containsExactly("initial");
    assertThat(server.isOpen()).isTrue();
    assertThat(master.received).singleElement().satisfies(b -> assertThat(b[0]).isEqualTo(FrameType.OPENED));
  }

  @Test
  void anythingElseBeforeOpenIsAProtocolError() throws Exception {
    withEcho();
    RawPeer master = new RawPeer();
    ServerSession server = turnedServer(master);

    BinaryWriter call = Frames.start(FrameType.CALL);
    call.writeUnsignedVarLong(1).writeUnsignedVarLong(0);
    master.send(call);

    assertThat(await(server.closeFuture())).isEqualTo("unexpected CALL frame during the handshake");
    assertThat(h.opens).isEmpty();
  }

  @Test
  void aTurnedServerWaitsForOpenNoLongerThanTheHandshakeTimeout() throws Exception {
    withEcho();
    ServerSession server = turnedServer(new RawPeer());

    h.clock.advance(h.config.handshakeTimeout());

    assertThat(await(server.closeFuture())).startsWith("handshake not completed within");
    assertThat(server.closeCode()).isEqualTo(ErrorCode.HANDSHAKE_TIMEOUT);
  }

  @Test
  void openOnATurnedLinkStillNamesThisWorker() throws Exception {
    withEcho();
    RawPeer master = new RawPeer();
    ServerSession server = turnedServer(master);

    master.send(open(java.util.UUID.randomUUID(), ""));

    assertThat(await(server.closeFuture())).isEqualTo("connection refused: OPEN names another worker than the one serving this connection");
    assertThat(h.opens).isEmpty();
  }
}
