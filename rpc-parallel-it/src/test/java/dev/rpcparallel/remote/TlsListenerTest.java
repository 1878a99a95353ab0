package dev.rpcparallel.remote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.rpcparallel.Connection;
import dev.rpcparallel.RpcParallel;
import dev.rpcparallel.RpcParallelException;
import dev.rpcparallel.SpawnOptions;
import dev.rpcparallel.Worker;
import dev.rpcparallel.fixtures.RawPeer;
import dev.rpcparallel.fixtures.TestWorker;
import dev.rpcparallel.testing.NoLeaks;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.security.SecureRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A listener off loopback speaks only TLS 1.3 with the application's certificate. The worker
 * listens on all interfaces ({@code 0.0.0.0}: not loopback, so TLS) and advertises
 * {@code 127.0.0.1}, so this runs on any machine, without the SSH fixture.
 */
@Timeout(60)
@ExtendWith(NoLeaks.class)
class TlsListenerTest {

  private static Worker<TestWorker> spawnOffLoopback(RpcParallel app) {
    return app.spawn(new TestWorker(), 0, SpawnOptions.builder().name("tls")
        .listenAddress("0.0.0.0").advertiseAddress("127.0.0.1").build());
  }

  @Test
  void theApplicationItselfConnectsOverTls() throws Exception {
    try (RpcParallel app = RpcParallel.create()) {
      Worker<TestWorker> w = spawnOffLoopback(app);
      assertThat(w.usesTls()).isTrue();
      try (Connection<TestWorker> c = app.connect(w, "c")) {
        assertThat(c.call(TestWorker.WHO, "over tls")).isEqualTo("c:over tls");
      }
      app.shutdown(w).get(10, TimeUnit.SECONDS);
      assertThat(app.onExit(w).get(10, TimeUnit.SECONDS)).isZero();
    }
  }

  /** Workers run with full JIT by default, those that speak TLS (the JDK's AES-GCM intrinsics are C2's) and loopback ones alike. */
  @Test
  void workersRunWithFullJitByDefault() throws Exception {
    try (RpcParallel app = RpcParallel.create()) {
      Worker<HopWorker> tls = app.spawn(new HopWorker(), null, SpawnOptions.builder().name("tls-jit")
          .listenAddress("0.0.0.0").advertiseAddress("127.0.0.1").build());
      Worker<HopWorker> plain = app.spawn(new HopWorker(), null, SpawnOptions.builder().name("plain-jit").build());
      try (Connection<HopWorker> t = app.connect(tls); Connection<HopWorker> p = app.connect(plain)) {
        assertThat(commandLine(t.call(HopWorker.PID))).doesNotContain("TieredStopAtLevel").contains("-XX:+UseSerialGC");
        assertThat(commandLine(p.call(HopWorker.PID))).doesNotContain("TieredStopAtLevel").contains("-XX:+UseSerialGC");
      }
    }
  }

  private static String commandLine(long pid) throws IOException {
    return new String(java.nio.file.Files.readAllBytes(java.nio.file.Path.of("/proc/" + pid + "/cmdline")),
        java.nio.charset.StandardCharsets.UTF_8).replace('\0', ' ');
  }

  /** A peer speaking our protocol in clear, with a valid credential, gets nothing of it: the link closes. */
  @Test
  void aPlaintextPeerIsRefusedBeforeAnyFrame() throws Exception {
    try (RpcParallel app = RpcParallel.create()) {
      Worker<TestWorker> w = spawnOffLoopback(app);
      Throwable t;
      try (RawPeer peer = new RawPeer(w)) {
        peer.setReadTimeout(15_000);
        t = catchThrowable(() -> peer.openWithHandle(w, dev.rpcparallel.codec.Codecs.STRING.toBytes("x")));
      }
      assertThat(t).as("a plaintext open").isInstanceOf(IOException.class);
      // and raw garbage gets no byte of our protocol back, only the end of the link
      try (Socket s = new Socket("127.0.0.1", w.port())) {
        s.setSoTimeout(15_000);
        byte[] junk = new byte[64];
        new SecureRandom().nextBytes(junk);
        s.getOutputStream().write(junk);
        assertThat(readUntilClosed(s.getInputStream())).as("bytes the worker sent back").doesNotContain("RPCPAR");
      }
      try (Connection<TestWorker> c = app.connect(w, "still")) {
        assertThat(c.call(TestWorker.ECHO, "fine")).isEqualTo("fine");
      }
    }
  }

  /**
   * Off loopback a handle is not enough: another application (another secret, so another TLS key)
   * holding a valid handle is refused by TLS, before the credential is even looked at; a program
   * given the same secret is the same application, with the same key, and gets in.
   */
  @Test
  void aHandleAloneDoesNotOpenATlsListenerButTheSameSecretDoes() throws Exception {
    byte[] secret = new byte[32];
    new SecureRandom().nextBytes(secret);
    try (RpcParallel app = RpcParallel.builder().secret(secret).build();
        RpcParallel stranger = RpcParallel.create();
        RpcParallel sibling = RpcParallel.builder().secret(secret).build()) {
      Worker<TestWorker> w = spawnOffLoopback(app);
      Throwable t = catchThrowable(() -> stranger.connect(w, "stranger").call(TestWorker.ECHO, "x"));
      assertThat(t).isInstanceOf(RpcParallelException.class).hasMessageContaining("TLS handshake")
          .hasMessageContaining("does not hold this application's key");
      try (Connection<TestWorker> c = sibling.connect(w, "sibling")) {
        assertThat(c.call(TestWorker.ECHO, "same secret")).isEqualTo("same secret");
      }
    }
  }

  private static String readUntilClosed(InputStream in) {
    ByteArrayOutputStream got = new ByteArrayOutputStream();
    byte[] buf = new byte[512];
    try {
      int n;
      while ((n = in.read(buf)) >= 0) {
        got.write(buf, 0, n);
      }
    } catch (java.net.SocketTimeoutException e) {
      throw new AssertionError("the worker kept a plaintext link open for 15 s", e);
    } catch (IOException e) {
      // a reset ends the link too
    }
    return got.toString(java.nio.charset.StandardCharsets.ISO_8859_1);
  }
}
