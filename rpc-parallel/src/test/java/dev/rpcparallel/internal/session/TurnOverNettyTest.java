package dev.rpcparallel.internal.session;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rpcparallel.codec.Codecs;
import dev.rpcparallel.internal.protocol.FunctionKind;
import dev.rpcparallel.internal.transport.NettyTransport;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * TURN over real sockets. The master server's session handles TURN inside its own frame handler,
 * and the session taking over queues its OPEN there: an OPEN over the write-buffer limit once made
 * the session that handed over stop reading (its writes "backed up"), and the link's "writable"
 * then went to the new session, so OPENED was never read (found by an attacker's review).
 */
class TurnOverNettyTest {
  private final SessionHarness h = new SessionHarness();
  private final NettyTransport transport = new NettyTransport(2, refusal -> {});
  /** Write-buffer limit 64 KiB, handshake timeout 3 s, messages up to 64 MiB. */
  private final SessionConfig cfg = new SessionConfig(64 << 20, Duration.ofSeconds(3), Duration.ofSeconds(1),
      Duration.ofSeconds(30), 1 << 20, 64 << 10, 16 << 20, 16, 16);

  @AfterEach
  void close() {
    transport.shutdown();
    h.close();
  }

  private CompletableFuture<ClientSession> turnWith(byte[] initialArg) throws Exception {
    h.method("echo", FunctionKind.RPC, call -> () -> call.reply(Codecs.STRING, call.query(Codecs.STRING)));
    CompletableFuture<ClientSession> master = new CompletableFuture<>();
    h.onTurn = (connection, link) -> {
      ClientSession s = new ClientSession(link, cfg,
          new ClientSession.Target(SessionHarness.TERMS, "w", "x", new byte[0], initialArg, false));
      master.complete(s);
      return s;
    };
    ConnectionAcceptor acceptor = h.acceptor();
    int port = transport.listen("127.0.0.1", 0, Optional.empty(), link -> new ServerSession(link, cfg, acceptor)).port();
    ClientSession[] worker = new ClientSession[1];
    transport.connect("127.0.0.1", port, Duration.ofSeconds(5), Optional.empty(), link -> worker[0] = new ClientSession(link, cfg,
        new ClientSession.Target(SessionHarness.TERMS, "w", "x", SessionHarness.KEY, "arg".getBytes(), false)))
        .get(5, TimeUnit.SECONDS);
    worker[0].opened().get(5, TimeUnit.SECONDS);
    worker[0].turn(SessionHarness.KEY, link -> new ServerSession(link, cfg, h.acceptor())).get(5, TimeUnit.SECONDS);
    return master.get(5, TimeUnit.SECONDS).opened();
  }

  @Test
  void aSmallInitialArgumentOpens() throws Exception {
    ClientSession m = turnWith(new byte[1000]).get(10, TimeUnit.SECONDS);
    assertThat(m.call("echo", SessionHarness.sig("echo"), Codecs.STRING, "hi", Codecs.STRING).get(5, TimeUnit.SECONDS)).isEqualTo("hi");
  }

  @Test
  void anInitialArgumentOverTheWriteBufferLimitOpens() throws Exception {
    ClientSession m = turnWith(new byte[1 << 20]).get(10, TimeUnit.SECONDS);
    assertThat(m.call("echo", SessionHarness.sig("echo"), Codecs.STRING, "hi", Codecs.STRING).get(5, TimeUnit.SECONDS)).isEqualTo("hi");
    assertThat(h.opens).hasSize(2);
  }
}
