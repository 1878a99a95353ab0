package dev.rpcparallel.internal.session;

import static dev.rpcparallel.internal.session.SessionHarness.await;
import static dev.rpcparallel.internal.session.SessionHarness.sig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rpcparallel.codec.BinaryWriter;
import dev.rpcparallel.codec.Codecs;
import dev.rpcparallel.internal.protocol.ConnectionLost;
import dev.rpcparallel.internal.protocol.ErrorCode;
import dev.rpcparallel.internal.protocol.FrameType;
import dev.rpcparallel.internal.protocol.Frames;
import dev.rpcparallel.internal.protocol.FunctionKind;
import dev.rpcparallel.internal.protocol.RemoteFailure;
import dev.rpcparallel.internal.protocol.WireException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The client and server session state machines over an in-memory link with a manual clock:
 * handshake, every function kind, credit, heartbeats, close reasons, protocol violations.
 */
class SessionTest {
  private final SessionHarness h = new SessionHarness();

  @AfterEach
  void close() {
    h.close();
  }

  private SessionHarness withEcho() {
    return withEcho(h);
  }

  private static SessionHarness withEcho(SessionHarness h) {
    return h.method("echo", FunctionKind.RPC, call -> () -> {
      try {
        call.reply(Codecs.STRING, call.query(Codecs.STRING));
      } catch (Throwable t) {
        call.fail(t);
      }
    });
  }

  private static Throwable cause(CompletableFuture<?> f) throws InterruptedException {
    try {
      f.get(5, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      return e.getCause();
    } catch (java.util.concurrent.TimeoutException e) {
      throw new AssertionError("future did not complete", e);
    }
    throw new AssertionError("future completed normally");
  }

  // ---- limits ----

  /**
   * A plain rpc's slot is free once it is answered, even if its handler's thread has not yet
   * returned: the client starts a queued call as soon as it has an answer, so the worker must not
   * refuse that call with LIMIT_EXCEEDED (it did, now and then, with 10,000 calls in flight).
   */
  @Test
  void anAnsweredCallNoLongerCountsAgainstTheCallLimit() throws Exception {
    java.util.concurrent.CountDownLatch linger = new java.util.concurrent.CountDownLatch(1);
    SessionHarness one = SessionHarness.withMaxConcurrentCalls(1);
    try {
      one.method("answer_then_linger", FunctionKind.RPC, call -> () -> {
        call.reply(Codecs.STRING, call.query(Codecs.STRING));
        try {
          linger.await(10, TimeUnit.SECONDS); // the gap between the answer and the handler's return, held open
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }).open();
      assertThat(await(one.client.call("answer_then_linger", sig("answer_then_linger"), Codecs.STRING, "a", Codecs.STRING))).isEqualTo("a");
      assertThat(await(one.client.call("answer_then_linger", sig("answer_then_linger"), Codecs.STRING, "b", Codecs.STRING))).isEqualTo("b");
    } finally {
      linger.countDown();
      one.close();
    }
  }

  // ---- handshake ----

  @Test
  void handshakeOpensBothEndsAndDeliversTheConnectionArgument() throws Exception {
    withEcho().open();
    assertThat(h.client.isOpen()).isTrue();
    assertThat(h.opens).containsExactly("arg");
    assertThat(await(h.client.call("echo", sig("echo"), Codecs.STRING, "hi", Codecs.STRING))).isEqualTo("hi");
  }

  @Test
  void aWrongCredentialFailsAuthenticationWithItsCode() throws Exception {
    Throwable e = cause(h.connect("another key, 32 bytes long......".getBytes(), SessionHarness.WORKER, new byte[0]));
    assertThat(e).isInstanceOf(WireException.class);
    assertThat(((WireException) e).code()).isEqualTo(ErrorCode.AUTHENTICATION_FAILED);
    assertThat(e.getMessage()).contains("authentication failed");
    assertThat(h.server.closeCode()).isEqualTo(ErrorCode.AUTHENTICATION_FAILED);
    assertThat(h.opens).isEmpty();
  }

  @Test
  void aCredentialForAnotherWorkerFailsAuthenticationWithoutNamingThisOne() throws Exception {
    UUID other = UUID.randomUUID();
    byte[] otherKey = dev.rpcparallel.internal.protocol.Auth.credential(SessionHarness.APP_SECRET,
        new dev.rpcparallel.internal.protocol.Auth.Terms(other, 0, 0));
    Throwable e = cause(h.connect(otherKey, other, new byte[0]));
    assertThat(((WireException) e).code()).isEqualTo(ErrorCode.AUTHENTICATION_FAILED);
    assertThat(e.getMessage()).doesNotContain(SessionHarness.WORKER.toString());
    assertThat(h.misbehaviour).containsExactly("authentication failed");
  }

  @Test
  void aProofForOneWorkerCannotOpenAnother() throws Exception {
    // The right key for WORKER, but the client claims (and its proof covers) another worker id.
    Throwable e = cause(h.connect(SessionHarness.KEY, UUID.randomUUID(), new byte[0]));
    assertThat(((WireException) e).code()).isEqualTo(ErrorCode.AUTHENTICATION_FAILED);
  }

  @Test
  void aRefusalByTheWorkerCarriesItsException() throws Exception {
    h.onOpen = arg -> {
      throw new IllegalArgumentException("text of expected failure");
    };
    Throwable e = cause(h.connect(SessionHarness.KEY, SessionHarness.WORKER, new byte[0]));
    assertThat(e).isInstanceOf(RemoteFailure.class);
    assertThat(((RemoteFailure) e).className()).isEqualTo(IllegalArgumentException.class.getName());
    assertThat(((RemoteFailure) e).remoteMessage()).isEqualTo("text of expected failure");
    assertThat(await(h.server.closeFuture())).startsWith("connection refused");
  }

  @Test
  void theHandshakeTimesOutWhenThePeerNeverAnswers() throws Exception {
    SessionHarness silent = new SessionHarness();
    try {
      silent.onOpen = arg -> {
        throw new AssertionError("never opened");
      };
      // Drop everything the server sends, from the start: the client never gets HELLO.
      CompletableFuture<ClientSession> opened = new CompletableFuture<>();
      ClientSession.Target t = new ClientSession.Target(SessionHarness.TERMS, "w", "x", SessionHarness.KEY, new byte[0], false);
      InMemoryLink.connect(silent.inline, silent.clock,
          link -> {
            ClientSession c = new ClientSession(link, silent.config, t);
            c.opened().whenComplete((s, e) -> {
              if (e != null) {
                opened.completeExceptionally(e);
              }
            });
            return c;
          },
          link -> {
            ((InMemoryLink) link).dropOutbound(true);
            return new ServerSession(link, silent.config, silent.acceptor());
          });
      silent.clock.advance(Duration.ofSeconds(29));
      assertThat(opened).isNotDone();
      silent.clock.advance(Duration.ofSeconds(1));
      Throwable e = cause(opened);
      assertThat(((WireException) e).code()).isEqualTo(ErrorCode.CONNECT_FAILED);
      assertThat(e.getMessage()).contains("handshake not completed within 30s");
    } finally {
      silent.close();
    }
  }

  // ---- function kinds ----

  @Test
  void rpcAnswersAndUserExceptionsArriveAsRemoteFailures() throws Exception {
    h.method("boom", FunctionKind.RPC, call -> () -> call.fail(new IllegalStateException("boom")));
    withEcho().open();
    Throwable e = cause(h.client.call("boom", sig("boom"), Codecs.VOID, null, Codecs.VOID));
    assertThat(e).isInstanceOf(RemoteFailure.class);
    assertThat(((RemoteFailure) e).worker()).isEqualTo("w");
    assertThat(await(h.client.call("echo", sig("echo"), Codecs.STRING, "still open", Codecs.STRING))).isEqualTo("still open");
  }

  @Test
  void unknownFunctionsAndSignatureMismatchesFailBeforeSending() throws Exception {
    withEcho().open();
    assertThat(((WireException) cause(h.client.call("nope", "x", Codecs.VOID, null, Codecs.VOID))).code())
        .isEqualTo(ErrorCode.UNKNOWN_FUNCTION);
    WireException e = (WireException) cause(h.client.call("echo", "rpc(i32)->i32", Codecs.INT, 1, Codecs.INT));
    assertThat(e.code()).isEqualTo(ErrorCode.SHAPE_MISMATCH);
    assertThat(e.getMessage()).contains("echo").contains("rpc(i32)->i32").contains(sig("echo"));
  }

  @Test
  void aQueryThatDoesNotDecodeFailsWithTheLibrarysDecodeError() throws Exception {
    withEcho().open();
    WireException e = (WireException) cause(h.client.call("echo", sig("echo"), Codecs.INT, -1, Codecs.STRING));
    assertThat(e.code()).isEqualTo(ErrorCode.DECODE_FAILED);
    assertThat(e.getMessage()).contains("cannot decode the query of 'echo'");
  }

  @Test
  void aResultThatDoesNotDecodeFailsWithTheSameDecodeError() throws Exception {
    withEcho().open();
    WireException e = (WireException) cause(h.client.call("echo", sig("echo"), Codecs.STRING, "abc", Codecs.LONG));
    assertThat(e.code()).isEqualTo(ErrorCode.DECODE_FAILED);
    assertThat(e.getMessage()).contains("cannot decode the result of 'echo'");
  }

  @Test
  void oneWaysRunInOrderAndACallAfterOneStartsAfterIt() throws Exception {
    List<String> seen = new CopyOnWriteArrayList<>();
    h.method("note", FunctionKind.ONE_WAY, call -> () -> {
      String s = call.query(Codecs.STRING);
      if (s.equals("slow")) {
        sleepQuietly(50); // a slow one-way must still finish before what follows it
      }
      seen.add(s);
    });
    h.method("last", FunctionKind.RPC, call -> () -> call.reply(Codecs.STRING, seen.isEmpty() ? "" : seen.get(seen.size() - 1)));
    h.open();
    for (int i = 0; i < 200; i++) {
      h.client.send("note", sig("note"), Codecs.STRING, i == 100 ? "slow" : "n" + i);
    }
    assertThat(await(h.client.call("last", sig("last"), Codecs.VOID, null, Codecs.STRING))).isEqualTo("n199");
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      expected.add(i == 100 ? "slow" : "n" + i);
    }
    assertThat(seen).containsExactlyElementsOf(expected);
  }

  /**
   * A direct rpc that arrives while a one-way of its connection is being handled waits behind it
   * (on a handler thread); one that arrives when none is runs on the link's thread. The method's
   * {@code accept} runs on the link's thread as the call arrives: the test knows the call is there
   * before it lets the one-way finish.
   */
  @Test
  void aDirectCallArrivingWhileAOneWayIsHandledRunsAfterItAndOtherwiseOnTheLinkThread() throws Exception {
    java.util.concurrent.CountDownLatch oneWayStarted = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.CountDownLatch gate = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.CountDownLatch directArrived = new java.util.concurrent.CountDownLatch(1);
    List<String> order = new CopyOnWriteArrayList<>();
    h.method("slow", FunctionKind.ONE_WAY, call -> () -> {
      oneWayStarted.countDown();
      try {
        gate.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      order.add("one-way");
    });
    h.method("direct", FunctionKind.RPC, true, call -> {
      directArrived.countDown();
      return () -> {
        order.add("direct");
        call.reply(Codecs.STRING, Thread.currentThread().getName());
      };
    });
    h.open();
    h.client.send("slow", sig("slow"), Codecs.VOID, null);
    assertThat(oneWayStarted.await(10, TimeUnit.SECONDS)).isTrue();
    CompletableFuture<String> behind = h.client.call("direct", sig("direct"), Codecs.VOID, null, Codecs.STRING);
    assertThat(directArrived.await(10, TimeUnit.SECONDS)).as("the direct call reached the server").isTrue();
    assertThat(order).as("it did not run while the one-way waits").isEmpty();
    gate.countDown();
    String behindThread = await(behind);
    assertThat(order).containsExactly("one-way", "direct");

    String alone = await(h.client.call("direct", sig("direct"), Codecs.VOID, null, Codecs.STRING));
    // The harness's in-memory links deliver inline: the server's link thread is the sender's.
    assertThat(alone).as("with no one-way being handled: the link's thread").isEqualTo(Thread.currentThread().getName());
    assertThat(behindThread).as("behind a one-way: a handler thread").isNotEqualTo(alone);
  }

  /**
   * One-way messages queued behind a slow handler count in the read buffer: past its limit the
   * server stops reading (the rest waits in the link, as it would in TCP), and everything is
   * handled, in order, once the handler goes on.
   */
  @Test
  void queuedOneWaysStopTheReadingPastTheReadBufferLimit() throws Exception {
    long limit = 256 << 10;
    try (SessionHarness small = new SessionHarness(1 << 20, limit, false)) {
      java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
      java.util.concurrent.atomic.AtomicLong maxHeld = new java.util.concurrent.atomic.AtomicLong();
      List<Integer> seen = new CopyOnWriteArrayList<>();
      small.method("blob", FunctionKind.ONE_WAY, call -> () -> {
        byte[] b = call.query(Codecs.BYTES);
        try {
          go.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        seen.add((int) b[0]);
      });
      small.method("seen", FunctionKind.RPC, call -> () -> call.reply(Codecs.INT, seen.size()));
      small.open();
      for (int i = 0; i < 40; i++) {
        byte[] blob = new byte[32 << 10];
        blob[0] = (byte) i;
        small.client.send("blob", sig("blob"), Codecs.BYTES, blob);
        maxHeld.accumulateAndGet(small.server.heldBytes(), Math::max);
      }
      // Frames reach the server on the client's send path (inline here) or a hand-off; wait for the pause to show.
      InMemoryLink serverLink = small.clientLink.peer();
      long deadline = System.nanoTime() + 10_000_000_000L;
      while (serverLink.unreadCount() == 0 && System.nanoTime() < deadline) {
        maxHeld.accumulateAndGet(small.server.heldBytes(), Math::max);
        Thread.onSpinWait();
      }
      maxHeld.accumulateAndGet(small.server.heldBytes(), Math::max);
      assertThat(serverLink.unreadCount()).as("frames left unread while reading is stopped").isPositive();
      assertThat(maxHeld.get()).as("bytes held by the server").isLessThanOrEqualTo(limit + (33 << 10)).isGreaterThan(limit / 2);
      go.countDown();
      assertThat(await(small.client.call("seen", sig("seen"), Codecs.VOID, null, Codecs.INT))).isEqualTo(40);
      assertThat(seen).containsExactlyElementsOf(java.util.stream.IntStream.range(0, 40).boxed().toList());
      assertThat(small.server.heldBytes()).isZero();
    }
  }

  /**
   * A stream the client has not read yet, of small items whose counted cost (128 bytes each
   * besides their own) is far past the read-buffer limit, does not stop the client reading: the
   * answer to another call on the connection still arrives (found on JDK 25, where such a call
   * waited for ever). Credit bounds the stream instead.
   */
  @Test
  void anUnreadStreamOfSmallItemsDoesNotHoldUpTheClientsOtherCalls() throws Exception {
    long limit = 256 << 10;
    try (SessionHarness small = withEcho(new SessionHarness(1 << 20, limit, false))) {
      int items = 5_000; // about 5000 x 134 = 670 KB counted, 30 KB of items: within the 1 MiB window
      java.util.concurrent.atomic.AtomicInteger written = new java.util.concurrent.atomic.AtomicInteger();
      small.method("count", FunctionKind.PIPE, call -> {
        OutboundStream<Integer> out = call.outbound(Codecs.INT);
        return () -> {
          for (int i = 0; i < items; i++) {
            out.write(i);
            written.incrementAndGet();
          }
          out.close();
        };
      });
      small.open();
      InboundStream<Integer> unread = small.client.open("count", sig("count"), Codecs.VOID, null, Codecs.INT);
      awaitCondition(() -> written.get() == items);
      assertThat(await(small.client.call("echo", sig("echo"), Codecs.STRING, "still answered", Codecs.STRING)))
          .isEqualTo("still answered");
      assertThat(small.client.heldBytes()).as("the client's read buffer").isZero();
      int read = 0;
      while (unread.hasNext()) {
        assertThat(unread.next()).isEqualTo(read++);
      }
      assertThat(read).isEqualTo(items);
    }
  }

  private static void sleepQuietly(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Test
  void pipeStreamsItemsThenEnds() throws Exception {
    h.method("count", FunctionKind.PIPE, call -> {
      OutboundStream<Integer> out = call.outbound(Codecs.INT);
      return () -> {
        int n = call.query(Codecs.INT);
        for (int i = 0; i < n; i++) {
          out.write(i);
        }
        out.close();
      };
    });
    h.open();
    InboundStream<Integer> in = h.client.open("count", sig("count"), Codecs.INT, 1000, Codecs.INT);
    int expected = 0;
    while (in.hasNext()) {
      assertThat(in.next()).isEqualTo(expected++);
    }
    assertThat(expected).isEqualTo(1000);
  }

  @Test
  void creditStopsTheProducerAtOneWindowUntilTheConsumerReads() throws Exception {
    SessionHarness small = new SessionHarness(1024, false);
    try {
      AtomicInteger written = new AtomicInteger();
      CountDownLatch stuck = new CountDownLatch(1);
      small.method("bytes", FunctionKind.PIPE, call -> {
        OutboundStream<byte[]> out = call.outbound(Codecs.BYTES);
        return () -> {
          for (int i = 0; i < 100; i++) {
            if (written.get() == 10) {
              stuck.countDown();
            }
            out.write(new byte[200]);
            written.incrementAndGet();
          }
          out.close();
        };
      });
      small.open();
      InboundStream<byte[]> in = small.client.open("bytes", sig("bytes"), Codecs.VOID, null, Codecs.BYTES);
      // 200-byte items in a 1024-byte window: the producer stops after 6 (credit goes below zero on the 6th).
      awaitCondition(() -> written.get() >= 6);
      assertThat(stuck.await(200, TimeUnit.MILLISECONDS)).isFalse();
      assertThat(written.get()).isEqualTo(6);
      int read = 0;
      while (in.hasNext()) {
        in.next();
        read++;
      }
      assertThat(read).isEqualTo(100);
    } finally {
      small.close();
    }
  }

  private static void awaitCondition(java.util.function.BooleanSupplier c) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (!c.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met within 5 s");
      }
      Thread.onSpinWait();
      Thread.yield();
    }
  }

  @Test
  void creditBeyondTheWindowIsAProtocolError() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    h.method("hold", FunctionKind.PIPE, call -> {
      OutboundStream<Integer> out = call.outbound(Codecs.INT);
      return () -> {
        out.write(1);
        awaitQuietly(release);
      };
    });
    h.open();
    InboundStream<Integer> in = h.client.open("hold", sig("hold"), Codecs.VOID, null, Codecs.INT);
    assertThat(in.hasNext()).isTrue();
    BinaryWriter credit = Frames.start(FrameType.CREDIT);
    credit.writeUnsignedVarLong(1).writeUnsignedVarLong(1L << 31);
    h.clientLink.send(credit, null);
    assertThat(await(h.server.closeFuture())).contains("flow control violated");
    assertThat(h.server.closeCode()).isEqualTo(ErrorCode.PROTOCOL_ERROR);
    release.countDown();
  }

  /**
   * A server that sends a client's stream more than two windows without credit is a protocol
   * error (the client's read buffer does not count its streams, so this check is what bounds them).
   */
  @Test
  void itemsPastTwoWindowsWithoutCreditCloseTheClientsConnection() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    h.method("hold", FunctionKind.PIPE, call -> {
      OutboundStream<Integer> out = call.outbound(Codecs.INT);
      return () -> {
        out.write(1);
        awaitQuietly(release);
      };
    });
    h.open();
    InboundStream<Integer> in = h.client.open("hold", sig("hold"), Codecs.VOID, null, Codecs.INT);
    assertThat(in.hasNext()).isTrue();
    byte[] filler = new byte[300 << 10];
    for (int i = 0; i < 8; i++) { // 2.4 MB in all: past 2 windows of 1 MiB
      BinaryWriter item = Frames.start(FrameType.ITEM);
      item.writeUnsignedVarLong(1).writeRaw(filler, 0, filler.length);
      h.clientLink.peer().send(item, null);
    }
    assertThat(await(h.client.closeFuture())).contains("flow control violated");
    assertThat(h.client.closeCode()).isEqualTo(ErrorCode.PROTOCOL_ERROR);
    release.countDown();
  }

  private static void awaitQuietly(CountDownLatch l) {
    try {
      l.await(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Test
  void stateFunctionAnswersTheStateThenItsUpdates() throws Exception {
    h.method("state", FunctionKind.STATE, call -> {
      OutboundStream<Character> out = call.outbound(Codecs.CHAR);
      return () -> {
        call.reply(Codecs.STRING, "hello world ");
        for (char c = 'a'; c <= 'j'; c++) {
          out.write(c);
        }
        out.close();
      };
    });
    h.open();
    ClientSession.StateResult<String, Character> r =
        await(h.client.openState("state", sig("state"), Codecs.VOID, null, Codecs.STRING, Codecs.CHAR));
    StringBuilder sb = new StringBuilder(r.state());
    while (r.updates().hasNext()) {
      sb.append(r.updates().next());
    }
    assertThat(sb).hasToString("hello world abcdefghij");
  }

  @Test
  void reversePipeStreamsTheCallersUpdatesToTheWorker() throws Exception {
    h.method("sum", FunctionKind.REVERSE_PIPE, call -> {
      InboundStream<Integer> in = call.inbound(Codecs.INT);
      return () -> {
        long total = 0;
        while (in.hasNext()) {
          total += in.next();
        }
        call.reply(Codecs.LONG, total);
      };
    });
    h.open();
    ClientSession.ReverseCall<Integer, Long> call = h.client.openReverse("sum", sig("sum"), Codecs.VOID, null, Codecs.INT, Codecs.LONG);
    for (int i = 0; i < 1000; i++) {
      call.updates().write(i);
    }
    call.updates().close();
    assertThat(await(call.result())).isEqualTo(499_500L);
  }

  // ---- heartbeats ----

  @Test
  void heartbeatsKeepALiveConnectionOpen() throws Exception {
    SessionHarness h = SessionHarness.deterministic();
    withEcho(h).open();
    h.clock.advance(Duration.ofMinutes(5));
    assertThat(h.client.isOpen()).isTrue();
    assertThat(h.server.isOpen()).isTrue();
  }

  @Test
  void aSilentPeerIsDroppedAfterTheHeartbeatTimeoutWithThatReason() throws Exception {
    SessionHarness h = SessionHarness.deterministic();
    withEcho(h).open();
    assertThat(await(h.client.call("echo", sig("echo"), Codecs.STRING, "x", Codecs.STRING))).isEqualTo("x");
    h.clientLink.peer().dropOutbound(true); // the server goes silent, as behind a cut link
    CompletableFuture<String> call = h.client.call("echo", sig("echo"), Codecs.STRING, "y", Codecs.STRING);
    // Ticks every 10 s; the tick at 10 s still counts the answer above, then three silent ticks:
    // detection between the timeout and the timeout plus one interval after the last frame.
    h.clock.advance(Duration.ofSeconds(39));
    assertThat(h.client.isOpen()).isTrue();
    h.clock.advance(Duration.ofSeconds(1));
    assertThat(h.client.isClosed()).isTrue();
    assertThat(h.client.closeReason()).isEqualTo("no heartbeat received for 30s");
    assertThat(h.client.closeCode()).isEqualTo(ErrorCode.HEARTBEAT_TIMEOUT);
    Throwable e = cause(call);
    assertThat(e).isInstanceOf(ConnectionLost.class);
    assertThat(((ConnectionLost) e).reason()).isEqualTo("no heartbeat received for 30s");
  }

  // ---- closing ----

  @Test
  void closingFailsPendingCallsAndTellsThePeerWhy() throws Exception {
    CountDownLatch never = new CountDownLatch(1);
    h.method("hang", FunctionKind.RPC, call -> () -> awaitQuietly(never));
    h.open();
    CompletableFuture<Void> pending = h.client.call("hang", sig("hang"), Codecs.VOID, null, Codecs.VOID);
    h.client.close();
    Throwable e = cause(pending);
    assertThat(((ConnectionLost) e).reason()).isEqualTo("closed by client");
    assertThat(await(h.server.closeFuture())).isEqualTo("closed by client");
    assertThat(h.server.closeCode()).isEqualTo(ErrorCode.CLOSED);
    never.countDown();
    assertThatThrownBy(() -> await(h.client.call("hang", sig("hang"), Codecs.VOID, null, Codecs.VOID)))
        .hasCauseInstanceOf(ConnectionLost.class);
  }

  @Test
  void theServerClosingFailsPendingCallsWithItsReason() throws Exception {
    CountDownLatch never = new CountDownLatch(1);
    h.method("hang", FunctionKind.RPC, call -> () -> awaitQuietly(never));
    h.open();
    CompletableFuture<Void> pending = h.client.call("hang", sig("hang"), Codecs.VOID, null, Codecs.VOID);
    h.server.close(ErrorCode.SHUTDOWN, "worker shut down");
    assertThat(((ConnectionLost) cause(pending)).reason()).isEqualTo("worker shut down");
    assertThat(h.client.closeCode()).isEqualTo(ErrorCode.SHUTDOWN);
    never.countDown();
  }

  // ---- protocol violations ----

  @Test
  void anUnknownFrameTypeClosesTheConnection() throws Exception {
    withEcho().open();
    h.clientLink.send(Frames.start((byte) 0x7E), null);
    assertThat(await(h.server.closeFuture())).contains("unexpected unknown(0x7e) frame");
    assertThat(h.server.closeCode()).isEqualTo(ErrorCode.PROTOCOL_ERROR);
  }

  @Test
  void aMalformedFrameClosesTheConnection() throws Exception {
    withEcho().open();
    BinaryWriter w = Frames.start(FrameType.CALL);
    w.writeByte(0x80); // a varint that never ends
    h.clientLink.send(w, null);
    assertThat(await(h.server.closeFuture())).startsWith("malformed CALL frame");
  }

  @Test
  void aFrameBeforeAuthenticationIsRefused() throws Exception {
    SessionHarness raw = new SessionHarness();
    try {
      CompletableFuture<String> closed = new CompletableFuture<>();
      InMemoryLink.connect(raw.inline, raw.clock,
          link -> new LinkHandler() {
            @Override
            public void onConnected() {
              link.sendPreamble(dev.rpcparallel.internal.protocol.Preamble.clientPreamble());
              BinaryWriter call = Frames.start(FrameType.CALL);
              call.writeUnsignedVarLong(1).writeUnsignedVarLong(0);
              link.send(call, null);
            }

            @Override
            public void onPreamble(byte[] p) {}

            @Override
            public void onFrame(byte[] body) {
              if (body[0] == FrameType.CLOSE) {
                dev.rpcparallel.codec.BinaryReader in = new dev.rpcparallel.codec.BinaryReader(body, 1, body.length - 1);
                in.readUnsignedVarLong();
                closed.complete(in.readString());
              }
            }

            @Override
            public void onFramingError(ErrorCode code, String reason) {}

            @Override
            public void onDisconnected(String detail) {}
          },
          link -> new ServerSession(link, raw.config, raw.acceptor()));
      assertThat(await(closed)).isEqualTo("unexpected CALL frame before authentication");
    } finally {
      raw.close();
    }
  }

  @Test
  void anOversizedFrameBeforeAuthenticationIsRefusedByItsLength() throws Exception {
    SessionHarness raw = new SessionHarness();
    try {
      CompletableFuture<String> serverClosed = new CompletableFuture<>();
      InMemoryLink.connect(raw.inline, raw.clock,
          link -> new LinkHandler() {
            @Override
            public void onConnected() {
              link.sendPreamble(dev.rpcparallel.internal.protocol.Preamble.clientPreamble());
              BinaryWriter big = Frames.start(FrameType.AUTH, 1024);
              big.writeRaw(new byte[600], 0, 600);
              link.send(big, null);
            }

            @Override
            public void onPreamble(byte[] p) {}

            @Override
            public void onFrame(byte[] body) {}

            @Override
            public void onFramingError(ErrorCode code, String reason) {}

            @Override
            public void onDisconnected(String detail) {}
          },
          link -> {
            ServerSession s = new ServerSession(link, raw.config, raw.acceptor());
            s.closeFuture().thenAccept(serverClosed::complete);
            return s;
          });
      assertThat(await(serverClosed)).isEqualTo("frame of 601 bytes exceeds the limit of 512 bytes");
    } finally {
      raw.close();
    }
  }
}
