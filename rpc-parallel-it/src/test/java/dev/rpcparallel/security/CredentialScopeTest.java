package dev.rpcparallel.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rpcparallel.Connection;
import dev.rpcparallel.RpcParallel;
import dev.rpcparallel.RpcParallelException;
import dev.rpcparallel.SpawnOptions;
import dev.rpcparallel.Worker;
import dev.rpcparallel.fixtures.HandleBytes;
import dev.rpcparallel.fixtures.MasterServer;
import dev.rpcparallel.fixtures.RawPeer;
import dev.rpcparallel.fixtures.SecurityWorker;
import dev.rpcparallel.fixtures.TestWorker;
import dev.rpcparallel.internal.protocol.Auth;
import dev.rpcparallel.internal.protocol.ErrorCode;
import dev.rpcparallel.internal.protocol.FrameType;
import dev.rpcparallel.testing.NoLeaks;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * <b>Attack: using one worker's handle to open another worker of the same application, or the
 * application's master server.</b> A handle carries only its own worker's credential
 * (HMAC(appSecret, id, generation, expiry)), and the client's proof covers the target's id and
 * the credential's terms. So a handle re-encoded (through {@link dev.rpcparallel.Worker#CODEC}'s
 * documented layout) to pair A's credential with B's address, or with B's id and address, is
 * refused by B ({@code AUTHENTICATION_FAILED}, "authentication failed"), as is a raw AUTH that
 * states B's id with A's credential; and neither a served worker's nor a spawned worker's
 * credential opens the master server the application hosts for its spawned workers. B is never
 * opened by any of these attempts.
 */
@Timeout(90)
@ExtendWith(NoLeaks.class)
class CredentialScopeTest {
  private static final byte[] SECRET = "scope-test secret, 32 bytes long".getBytes(StandardCharsets.US_ASCII);

  private static RpcParallel app() {
    return RpcParallel.builder().environment(Map.of()).secret(SECRET).build();
  }

  private static void refusedAsUnauthenticated(ThrowingCallable connect) {
    assertThatThrownBy(connect)
        .isInstanceOfSatisfying(RpcParallelException.class,
            e -> assertThat(e.kind()).isEqualTo(RpcParallelException.Kind.AUTHENTICATION_FAILED))
        .hasMessageEndingWith(": authentication failed; the server said \"authentication failed\"");
  }

  /** A raw AUTH with {@code credential} for {@code terms} at {@code host:port}: the frame that answers it. */
  private static RawPeer.Frame rawAuth(String host, int port, byte[] credential, Auth.Terms terms) throws Exception {
    try (RawPeer p = new RawPeer(host, port, terms.workerId())) {
      return p.authenticate(credential, terms);
    }
  }

  private static void assertRefusal(RawPeer.Frame f) {
    assertThat(f.type()).isEqualTo(FrameType.CLOSE);
    assertThat(RawPeer.close(f)).isEqualTo(new RawPeer.Close(ErrorCode.AUTHENTICATION_FAILED, "authentication failed"));
  }

  @Test
  void handleOfAWithTheAddressOfBDoesNotOpenB() throws Exception {
    try (RpcParallel app = app()) {
      Worker<TestWorker> a = app.serve(new TestWorker(), 0);
      Worker<TestWorker> b = app.serve(new TestWorker(), 0);
      HandleBytes ha = HandleBytes.of(a);
      HandleBytes hb = HandleBytes.of(b);
      assertThat(ha.credential()).as("A's and B's credentials").isNotEqualTo(hb.credential()).isNotEqualTo(SECRET);

      // A's id and credential, B's address: B is not the worker the proof is for.
      refusedAsUnauthenticated(() -> app.connect(ha.withAddress(b.host(), b.port()).toWorker(TestWorker.class), "a at b"));
      // B's id and address, A's credential: the proof does not verify under B's credential.
      refusedAsUnauthenticated(() -> app.connect(hb.withCredential(ha.credential()).toWorker(TestWorker.class), "b with a"));
      // The same by hand: AUTH stating B's terms, or A's, proved with A's credential, sent to B.
      assertRefusal(rawAuth(b.host(), b.port(), ha.credential(), hb.terms()));
      assertRefusal(rawAuth(b.host(), b.port(), ha.credential(), ha.terms()));

      try (Connection<TestWorker> c = app.connect(b, "check")) {
        assertThat(c.call(TestWorker.CLOSE_REASONS)).as("connections B opened before this one").isEmpty();
      }
      try (Connection<TestWorker> c = app.connect(a, "A's own handle")) {
        assertThat(c.call(TestWorker.ECHO, "a")).isEqualTo("a");
      }
    }
  }

  @Test
  void credentialOfAWorkerDoesNotOpenTheMasterServer() throws Exception {
    try (RpcParallel app = app()) {
      Worker<SecurityWorker> spawned = app.spawn(new SecurityWorker(), 0, SpawnOptions.builder().name("scope").build());
      Worker<TestWorker> served = app.serve(new TestWorker(), 0);
      HandleBytes master = MasterServer.of(app);
      HandleBytes hs = HandleBytes.of(spawned);
      HandleBytes ha = HandleBytes.of(served);

      // Workers' handles pointed at the master server.
      refusedAsUnauthenticated(() -> app.connect(ha.withAddress(master.host(), master.port()).toWorker(TestWorker.class), "x"));
      refusedAsUnauthenticated(() -> app.connect(hs.withAddress(master.host(), master.port()).toWorker(SecurityWorker.class)));
      // The master's id with a worker's credential.
      refusedAsUnauthenticated(() -> app.connect(
          master.withCredential(hs.credential()).withSpecClass(SecurityWorker.class.getName()).toWorker(SecurityWorker.class)));
      assertRefusal(rawAuth(master.host(), master.port(), hs.credential(), master.terms()));
      assertRefusal(rawAuth(master.host(), master.port(), ha.credential(), master.terms()));

      // Control: the master's own credential does authenticate, so the refusals above are the credentials'.
      RawPeer.Frame ok = rawAuth(master.host(), master.port(), master.credential(), master.terms());
      assertThat(ok.type()).isEqualTo(FrameType.AUTH_OK);

      try (Connection<SecurityWorker> c = app.connect(spawned)) {
        assertThat(c.call(SecurityWorker.PID)).isPositive();
      }
      app.shutdown(spawned).get(10, TimeUnit.SECONDS);
      assertThat(app.onExit(spawned).get(20, TimeUnit.SECONDS)).isZero();
    }
  }
}
