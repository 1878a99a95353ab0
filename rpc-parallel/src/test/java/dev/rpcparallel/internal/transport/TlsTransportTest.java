package dev.rpcparallel.internal.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rpcparallel.codec.BinaryWriter;
import dev.rpcparallel.internal.protocol.ErrorCode;
import dev.rpcparallel.internal.protocol.Preamble;
import dev.rpcparallel.internal.protocol.WireException;
import dev.rpcparallel.internal.session.Link;
import dev.rpcparallel.internal.session.LinkHandler;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Arrays;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.security.interfaces.EdECPublicKey;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SSLSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * TLS links over real sockets on 127.0.0.1: frames flow through TLS 1.3 (Ed25519 certificates)
 * between holders of the same application key, generated or derived from the same secret by each
 * side; every other peer (another key on either side, plain TCP on either side, a silent peer) is
 * refused, and no session is made for it.
 */
class TlsTransportTest {
  private static final String HOST = "127.0.0.1";
  private static final Duration TIMEOUT = Duration.ofSeconds(10);
  private static final AppCertificate APP = AppCertificate.generate();
  private static final AppCertificate OTHER = AppCertificate.generate();
  private static final Tls TLS = new Tls(TlsContexts.of(APP), TIMEOUT);
  private static final Tls OTHER_TLS = new Tls(TlsContexts.of(OTHER), TIMEOUT);
  /** Presents another certificate yet trusts ours: only our side's check can refuse it. */
  private static final Tls IMPOSTOR = new Tls(TlsContexts.of(OTHER, APP), TIMEOUT);
  private static final byte[] SECRET = "the application's secret, shared".getBytes();
  private static final Tls DERIVED = new Tls(TlsContexts.of(AppCertificate.derive(SECRET)), TIMEOUT);

  private final BlockingQueue<String> refusals = new LinkedBlockingQueue<>();
  private final NettyTransport transport = new NettyTransport(2, refusals::add);
  private final List<Probe> serverProbes = new CopyOnWriteArrayList<>();
  private final Function<Link, LinkHandler> servers = link -> {
    Probe p = new Probe(link, true, null);
    serverProbes.add(p);
    return p;
  };

  @AfterEach
  void shutdown() {
    transport.shutdown();
  }

  @Test
  void framesFlowBothWaysOverTls13AndEachSideSeesTheOthersCertificate() throws Exception {
    int port = transport.listen(HOST, 0, Optional.of(TLS), servers).port();
    byte[] big = new byte[3 * 1024 * 1024 + 17]; // over NettyLink's 1 MiB write slices and TLS's 16 KiB records
    new Random(42).nextBytes(big);
    Probe client = connect(port, TLS, "hello over TLS".getBytes(), big).open();

    assertThat(await(client.echoes.get(0))).isEqualTo("hello over TLS".getBytes());
    assertThat(await(client.echoes.get(1))).isEqualTo(big);
    assertThat(serverProbes).hasSize(1);
    for (Probe p : List.of(client, serverProbes.get(0))) {
      SSLSession tls = ((NettyLink) p.link).tlsSession();
      assertThat(tls.getProtocol()).isEqualTo("TLSv1.3");
      assertThat(tls.getPeerCertificates()[0]).isEqualTo(APP.certificate());
    }
    assertThat(refusals).isEmpty();

    client.link.close(); // close_notify, then FIN
    assertThat(await(serverProbes.get(0).disconnected)).isEqualTo("EOF");
  }

  @Test
  void aPlaintextLinkHasNoTlsHandlerInItsPipeline() throws Exception {
    int port = transport.listen(HOST, 0, servers).port();
    Probe client = connect(port, null, "plain".getBytes()).open();
    assertThat(await(client.echoes.get(0))).isEqualTo("plain".getBytes());
    assertThat(((NettyLink) client.link).tlsSession()).isNull();
    assertThat(((NettyLink) serverProbes.get(0).link).tlsSession()).isNull();
  }

  @Test
  void aClientPresentingAnotherCertificateIsRefusedByTheServerWhichMakesNoSession() throws Exception {
    int port = transport.listen(HOST, 0, Optional.of(TLS), servers).port();
    Connection c = connect(port, IMPOSTOR, "intruder".getBytes());

    String refusal = refusals.poll(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    assertThat(refusal).startsWith("refused a connection: TLS handshake with 127.0.0.1:")
        .endsWith("the client's certificate does not hold this application's key");
    // TLS 1.3: the client's handshake may complete before the server checked its certificate;
    // then its link closes under the session it started.
    assertThat(c.outcome()).containsIgnoringCase("TLS");
    assertThat(serverProbes).isEmpty();
  }

  @Test
  void aServerPresentingAnotherCertificateIsRefusedByTheClient() throws Exception {
    int port = transport.listen(HOST, 0, Optional.of(IMPOSTOR), servers).port();
    Connection c = connect(port, TLS, "hello".getBytes());

    assertThatThrownBy(() -> await(c.connected))
        .isInstanceOf(WireException.class)
        // JDK 25 puts the alert's name before the reason: "(certificate_unknown) the server's..."
        .hasMessageStartingWith("TLS handshake with 127.0.0.1:" + port + " failed: ")
        .hasMessageEndingWith("the server's certificate does not hold this application's key")
        .satisfies(e -> assertThat(((WireException) e).code()).isEqualTo(ErrorCode.CONNECT_FAILED));
    assertThat(c.probes).isEmpty(); // no client session either
    assertThat(refusals.poll(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).contains("TLS handshake with 127.0.0.1:");
    assertThat(serverProbes).isEmpty();
  }

  @Test
  void aClientOfAnotherApplicationIsRefused() throws Exception {
    int port = transport.listen(HOST, 0, Optional.of(TLS), servers).port();
    Connection c = connect(port, OTHER_TLS, "hello".getBytes());

    assertThatThrownBy(() -> await(c.connected))
        .isInstanceOf(WireException.class).hasMessageContaining("the server's certificate does not hold this application's key");
    assertThat(refusals.poll(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).contains("TLS handshake with 127.0.0.1:");
    assertThat(serverProbes).isEmpty();
  }

  // ---- identities derived from the application's secret ----

  @Test
  void twoIdentitiesDerivedIndependentlyFromTheSameSecretTalkOverTls13() throws Exception {
    AppCertificate serverSide = AppCertificate.derive(SECRET.clone());
    AppCertificate clientSide = AppCertificate.derive(SECRET.clone());
    int port = transport.listen(HOST, 0, Optional.of(new Tls(TlsContexts.of(serverSide), TIMEOUT)), servers).port();
    Probe client = connect(port, new Tls(TlsContexts.of(clientSide), TIMEOUT), "same secret".getBytes()).open();

    assertThat(await(client.echoes.get(0))).isEqualTo("same secret".getBytes());
    assertThat(serverProbes).hasSize(1);
    for (Probe p : List.of(client, serverProbes.get(0))) {
      ExtendedSSLSession tls = (ExtendedSSLSession) ((NettyLink) p.link).tlsSession();
      assertThat(tls.getProtocol()).isEqualTo("TLSv1.3");
      assertThat(tls.getPeerCertificates()[0].getEncoded()).isEqualTo(serverSide.encodedCertificate());
      assertThat(tls.getLocalCertificates()[0].getPublicKey()).isInstanceOf(EdECPublicKey.class);
      // An Ed25519 key signs only with the ed25519 scheme (RFC 8446 §4.2.3); JSSE names it "Ed25519".
      assertThat(tls.getPeerSupportedSignatureAlgorithms()).contains("Ed25519");
    }
    assertThat(refusals).isEmpty();
  }

  @Test
  void anIdentityDerivedFromAnotherSecretIsRefusedByTheServer() throws Exception {
    int port = transport.listen(HOST, 0, Optional.of(DERIVED), servers).port();
    byte[] otherSecret = SECRET.clone();
    otherSecret[0] ^= 1;
    // presents the other secret's identity, yet trusts ours: only the server's check can refuse it
    Tls other = new Tls(TlsContexts.of(AppCertificate.derive(otherSecret), AppCertificate.derive(SECRET)), TIMEOUT);
    Connection c = connect(port, other, "intruder".getBytes());

    assertThat(refusals.poll(TIMEOUT.toSeconds(), TimeUnit.SECONDS))
        .startsWith("refused a connection: TLS handshake with 127.0.0.1:")
        .endsWith("the client's certificate does not hold this application's key");
    assertThat(c.outcome()).containsIgnoringCase("TLS");
    assertThat(serverProbes).isEmpty();
  }

  @Test
  void anIdentityDerivedFromAnotherSecretIsRefusedByTheClient() throws Exception {
    byte[] otherSecret = SECRET.clone();
    otherSecret[0] ^= 1;
    Tls other = new Tls(TlsContexts.of(AppCertificate.derive(otherSecret), AppCertificate.derive(SECRET)), TIMEOUT);
    int port = transport.listen(HOST, 0, Optional.of(other), servers).port();
    Connection c = connect(port, DERIVED, "hello".getBytes());

    assertThatThrownBy(() -> await(c.connected))
        .isInstanceOf(WireException.class)
        .hasMessageStartingWith("TLS handshake with 127.0.0.1:" + port + " failed: ")
        .hasMessageEndingWith("the server's certificate does not hold this application's key");
    assertThat(c.probes).isEmpty();
    assertThat(refusals.poll(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).contains("TLS handshake with 127.0.0.1:");
    assertThat(serverProbes).isEmpty();
  }

  @Test
  void aPlaintextClientIsRefusedByATlsListener() throws Exception {
    int port = transport.listen(HOST, 0, Optional.of(TLS), servers).port();
    Probe client = connect(port, null, "plain frame".getBytes()).open(); // TCP connects

    assertThat(await(client.disconnected)).isNotEmpty(); // closed under it: EOF or a reset
    assertThat(client.echoes.get(0)).isNotDone();
    assertThat(refusals.poll(TIMEOUT.toSeconds(), TimeUnit.SECONDS))
        .contains("TLS handshake with 127.0.0.1:").contains("failed: not an SSL/TLS record");
    assertThat(serverProbes).isEmpty();
  }

  @Test
  void aTlsClientFailsClearlyAgainstAPlaintextListener() throws Exception {
    int port = transport.listen(HOST, 0, servers).port();
    Connection c = connect(port, TLS, "hello".getBytes());

    assertThatThrownBy(() -> await(c.connected))
        .isInstanceOf(WireException.class)
        .hasMessageStartingWith("TLS handshake with 127.0.0.1:" + port + " failed: ");
    assertThat(c.probes).isEmpty();
  }

  @Test
  void aSilentServerFailsTheHandshakeWithinTheConnectTimeout() throws Exception {
    try (ServerSocket silent = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
      long start = System.nanoTime();
      // The TLS handshake timeout (10 s) is bounded by the connect timeout.
      CompletableFuture<Void> f = transport.connect(HOST, silent.getLocalPort(), Duration.ofMillis(300),
          Optional.of(TLS), link -> new Probe(link, false, List.of()));
      assertThatThrownBy(() -> await(f))
          .isInstanceOf(WireException.class)
          .hasMessageStartingWith("TLS handshake with 127.0.0.1:" + silent.getLocalPort() + " failed: ")
          .hasMessageContaining("timed out");
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    }
  }

  @Test
  void aSilentClientIsDroppedAfterTheHandshakeTimeout() throws Exception {
    Tls quick = new Tls(TLS.contexts(), Duration.ofMillis(300));
    int port = transport.listen(HOST, 0, Optional.of(quick), servers).port();
    try (Socket s = new Socket(HOST, port)) {
      s.setSoTimeout(5_000);
      InputStream in = s.getInputStream();
      assertThat(in.read()).isEqualTo(-1); // closed by the server
    }
    assertThat(refusals.poll(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).contains("timed out");
    assertThat(serverProbes).isEmpty();
  }

  /**
   * Idle connections that never start TLS cannot hold a listener: past 64 in their handshake, the
   * oldest is closed, and a real client still gets in at once (not after the handshake timeout).
   */
  @Test
  void connectionsStuckBeforeTlsAreBoundedOldestFirst() throws Exception {
    // One I/O thread: connections are set up in the order they are accepted.
    NettyTransport oneLoop = new NettyTransport(1, refusals::add);
    int port = oneLoop.listen(HOST, 0, Optional.of(TLS), servers).port();
    List<Socket> idle = new ArrayList<>();
    try {
      for (int i = 0; i < TlsHandshakeLimit.MAX_PENDING + 36; i++) {
        Socket s = new Socket(HOST, port);
        s.setSoTimeout(10_000);
        idle.add(s);
      }
      // The first 36 are closed by the listener (EOF), the last 64 wait in their handshake.
      for (int i = 0; i < 36; i++) {
        assertThat(idle.get(i).getInputStream().read()).as("idle connection " + i).isEqualTo(-1);
      }
      Probe client = connect(port, TLS, "still served".getBytes()).open();
      assertThat(await(client.echoes.get(0))).isEqualTo("still served".getBytes());
    } finally {
      for (Socket s : idle) {
        s.close();
      }
      oneLoop.shutdown();
    }
  }

  @Test
  void theInMemoryTransportRefusesTls() {
    InMemoryTransport mem = new InMemoryTransport(Runnable::run, null);
    assertThatThrownBy(() -> mem.listen(InMemoryTransport.HOST, 0, Optional.of(TLS), servers))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no TLS");
    assertThatThrownBy(() -> await(mem.connect(InMemoryTransport.HOST, 1, TIMEOUT, Optional.of(TLS), servers)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no TLS");
  }

  @Test
  void aHandshakeTimeoutMustBePositive() {
    assertThatThrownBy(() -> new Tls(TLS.contexts(), Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
  }

  // ---- helpers ----

  /** An outgoing connection: its future, and the client sessions made (at most one). */
  private record Connection(CompletableFuture<Void> connected, List<Probe> probes) {
    /** The client session, once connected. */
    Probe open() throws Exception {
      await(connected);
      assertThat(probes).hasSize(1);
      return probes.get(0);
    }

    /** Why the connection failed: the connect future's error or the link's close reason. */
    String outcome() throws Exception {
      try {
        await(connected);
      } catch (WireException e) {
        return e.getMessage();
      }
      return await(probes.get(0).disconnected);
    }
  }

  private Connection connect(int port, Tls tls, byte[]... frames) {
    List<Probe> probes = new CopyOnWriteArrayList<>();
    CompletableFuture<Void> f = transport.connect(HOST, port, TIMEOUT, Optional.ofNullable(tls), link -> {
      Probe p = new Probe(link, false, List.of(frames));
      probes.add(p);
      return p;
    });
    return new Connection(f, probes);
  }

  private static <T> T await(CompletableFuture<T> f) throws Exception {
    try {
      return f.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof Exception x ? x : e;
    }
  }

  /**
   * A session stand-in. A client sends the preamble and its frames once connected and collects the
   * echoes; a server checks the preamble (closing the link if it is not one) and echoes frames.
   */
  static final class Probe implements LinkHandler {
    final Link link;
    final boolean server;
    final List<byte[]> frames;
    final List<CompletableFuture<byte[]>> echoes = new CopyOnWriteArrayList<>();
    final CompletableFuture<String> disconnected = new CompletableFuture<>();
    private int received;

    Probe(Link link, boolean server, List<byte[]> frames) {
      this.link = link;
      this.server = server;
      this.frames = frames;
      if (!server) {
        frames.forEach(x -> echoes.add(new CompletableFuture<>()));
      }
    }

    @Override
    public void onConnected() {
      link.trust(16 << 20);
      if (!server) {
        link.sendPreamble(Preamble.clientPreamble());
        frames.forEach(f -> link.send(new BinaryWriter(f.length).writeRaw(f, 0, f.length), null));
      }
    }

    @Override
    public void onPreamble(byte[] preamble) {
      if (!Arrays.equals(preamble, Preamble.clientPreamble())) {
        link.close();
      }
    }

    @Override
    public void onFrame(byte[] body) {
      if (server) {
        link.send(new BinaryWriter(body.length).writeRaw(body, 0, body.length), null);
      } else {
        echoes.get(received++).complete(body);
      }
    }

    @Override
    public void onFramingError(ErrorCode code, String reason) {}

    @Override
    public void onDisconnected(String detail) {
      disconnected.complete(detail);
    }
  }
}
