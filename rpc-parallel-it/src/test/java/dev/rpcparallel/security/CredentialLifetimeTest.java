package dev.rpcparallel.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rpcparallel.Connection;
import dev.rpcparallel.ConnectionClosedException;
import dev.rpcparallel.RpcParallel;
import dev.rpcparallel.RpcParallelException;
import dev.rpcparallel.SpawnOptions;
import dev.rpcparallel.Worker;
import dev.rpcparallel.fixtures.Await;
import dev.rpcparallel.fixtures.GatedOpenWorker;
import dev.rpcparallel.fixtures.HandleBytes;
import dev.rpcparallel.fixtures.RawPeer;
import dev.rpcparallel.fixtures.SecurityWorker;
import dev.rpcparallel.fixtures.TestWorker;
import dev.rpcparallel.internal.protocol.ErrorCode;
import dev.rpcparallel.internal.protocol.FrameType;
import dev.rpcparallel.testing.NoLeaks;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * <b>Attack: using a leaked handle after it expired or was retired, or keeping a connection it
 * opened.</b> A handle from {@link RpcParallel#issueHandle} is refused once its expiry has passed
 * ({@code AUTHENTICATION_FAILED}, the server says "credential expired"), whether it was issued
 * already expired or expires during the test (connections it opened before stay open, as
 * documented). After {@link RpcParallel#retireCredentials}, every earlier handle of the worker
 * (plain or expiring) is refused ("credential retired"), the connections they opened are closed
 * with reason "credential retired", and only the new handle (and handles issued from it) opens
 * the worker; a connection that was still opening (in {@code initConnectionState}) when the
 * credential was retired is refused ("credential retired") instead of opening. Changing the terms inside a handle (generation, expiry) without the application
 * secret only breaks its proof ("authentication failed").
 */
@Timeout(60)
@ExtendWith(NoLeaks.class)
class CredentialLifetimeTest {

  private static RpcParallel app() {
    return RpcParallel.builder().environment(Map.of()).build();
  }

  private static void refusedBecause(String serverSaid, ThrowingCallable connect) {
    assertThatThrownBy(connect)
        .isInstanceOfSatisfying(RpcParallelException.class,
            e -> assertThat(e.kind()).isEqualTo(RpcParallelException.Kind.AUTHENTICATION_FAILED))
        .hasMessageEndingWith(": authentication failed; the server said \"" + serverSaid + "\"");
  }

  @Test
  void handleIssuedAlreadyExpiredIsRefused() {
    try (RpcParallel app = app()) {
      Worker<TestWorker> w = app.serve(new TestWorker(), 0);
      Worker<TestWorker> expired = app.issueHandle(w, Instant.now().minusSeconds(1));
      assertThat(expired.expiresAt()).isPresent();
      refusedBecause("credential expired", () -> app.connect(expired, "late"));
      // Moving the expiry in the handle does not help: the proof covers the terms.
      Worker<TestWorker> extended = HandleBytes.of(expired)
          .withTerms(0, Instant.now().plus(Duration.ofHours(1)).toEpochMilli()).toWorker(TestWorker.class);
      refusedBecause("authentication failed", () -> app.connect(extended, "extended"));
      Worker<TestWorker> unlimited = HandleBytes.of(expired).withTerms(0, 0).toWorker(TestWorker.class);
      refusedBecause("authentication failed", () -> app.connect(unlimited, "unlimited"));
      try (Connection<TestWorker> c = app.connect(w, "the original")) {
        assertThat(c.call(TestWorker.ECHO, "still fine")).isEqualTo("still fine");
      }
    }
  }

  @Test
  void handleThatExpiresDuringTheTestStopsOpeningConnections() throws Exception {
    try (RpcParallel app = app()) {
      Worker<TestWorker> w = app.serve(new TestWorker(), 0);
      Instant expiry = Instant.now().plusSeconds(5);
      Worker<TestWorker> shortLived = app.issueHandle(w, expiry);
      try (Connection<TestWorker> early = app.connect(shortLived, "early")) {
        assertThat(early.call(TestWorker.ECHO, "before expiry")).isEqualTo("before expiry");
        Await.until(Duration.ofSeconds(10), "the expiry", () -> Instant.now().isAfter(expiry.plusMillis(50)));
        refusedBecause("credential expired", () -> app.connect(shortLived, "late"));
        assertThat(early.call(TestWorker.ECHO, "opened before expiry")).as("a connection opened in time stays open")
            .isEqualTo("opened before expiry");
      }
    }
  }

  @Test
  void retiredHandleIsRefusedAndItsConnectionsAreClosed() throws Exception {
    try (RpcParallel app = app()) {
      Worker<TestWorker> old = app.serve(new TestWorker(), 0);
      Worker<TestWorker> oldExpiring = app.issueHandle(old, Instant.now().plusSeconds(3600));
      try (Connection<TestWorker> viaOld = app.connect(old, "via old");
          Connection<TestWorker> viaOldExpiring = app.connect(oldExpiring, "via old expiring")) {
        assertThat(viaOld.call(TestWorker.ECHO, "x")).isEqualTo("x");

        Worker<TestWorker> fresh = app.retireCredentials(old).get(10, TimeUnit.SECONDS);
        assertThat(fresh.id()).isEqualTo(old.id());
        assertThat(HandleBytes.of(fresh).credential()).isNotEqualTo(HandleBytes.of(old).credential());

        assertThat(viaOld.closeFuture().get(10, TimeUnit.SECONDS)).isEqualTo("credential retired");
        assertThat(viaOldExpiring.closeFuture().get(10, TimeUnit.SECONDS)).isEqualTo("credential retired");
        assertThatThrownBy(() -> viaOld.call(TestWorker.ECHO, "after"))
            .isInstanceOfSatisfying(ConnectionClosedException.class, e -> assertThat(e.reason()).isEqualTo("credential retired"));

        refusedBecause("credential retired", () -> app.connect(old, "old again"));
        refusedBecause("credential retired", () -> app.connect(oldExpiring, "old expiring again"));
        // Claiming the new generation with the old credential only breaks the proof.
        refusedBecause("authentication failed",
            () -> app.connect(HandleBytes.of(old).withTerms(1, 0).toWorker(TestWorker.class), "forged generation"));

        try (Connection<TestWorker> viaFresh = app.connect(fresh, "via fresh");
            Connection<TestWorker> viaFreshExpiring = app.connect(app.issueHandle(fresh, Instant.now().plusSeconds(3600)), "f")) {
          assertThat(viaFresh.call(TestWorker.ECHO, "new")).isEqualTo("new");
          assertThat(viaFreshExpiring.call(TestWorker.ECHO, "new, expiring")).isEqualTo("new, expiring");
          assertThat(viaFresh.call(TestWorker.CLOSE_REASONS)).as("what the worker recorded")
              .contains("credential retired");
          // The worker's own handle (WorkerContext.worker()) moved to the new generation too.
          Worker<TestWorker> self = viaFresh.call(TestWorker.SELF);
          try (Connection<TestWorker> viaSelf = app.connect(self, "via the worker's own handle")) {
            assertThat(viaSelf.call(TestWorker.ECHO, "self")).isEqualTo("self");
          }
        }
      }
    }
  }

  /**
   * After a retirement, the retiring application shuts the worker down and issues handles with the
   * new generation even when given an old handle; another application cannot issue handles for it.
   */
  @Test
  void theRetiringApplicationUsesTheNewGenerationForShutdownAndIssuedHandles() throws Exception {
    try (RpcParallel app = app(); RpcParallel stranger = app()) {
      Worker<TestWorker> old = app.serve(new TestWorker(), 0);
      assertThatThrownBy(() -> stranger.issueHandle(old, Instant.now().plusSeconds(60)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("does not belong to this application");
      app.retireCredentials(old).get(10, TimeUnit.SECONDS);
      Worker<TestWorker> issued = app.issueHandle(old, Instant.now().plusSeconds(3600));
      try (Connection<TestWorker> c = app.connect(issued, "issued from the old handle")) {
        assertThat(c.call(TestWorker.ECHO, "x")).isEqualTo("x");
        app.shutdown(old).get(10, TimeUnit.SECONDS);
        assertThat(c.closeFuture().get(10, TimeUnit.SECONDS)).isEqualTo("worker shut down");
      }
    }
  }

  /**
   * A connection still in its handshake (its {@code initConnectionState} running) when its
   * credential is retired must not come out of it as a working connection: it is refused, or closed
   * as retired.
   */
  @Test
  void connectionOpeningWhileItsCredentialIsRetiredDoesNotSurvive() throws Exception {
    try (RpcParallel app = app()) {
      Worker<GatedOpenWorker> old = app.serve(new GatedOpenWorker(), 0);
      GatedOpenWorker.Gate gate = GatedOpenWorker.newGate();
      CompletableFuture<Connection<GatedOpenWorker>> opening = app.connectAsync(old, true);
      assertThat(gate.entered.await(10, TimeUnit.SECONDS)).as("initConnectionState started").isTrue();
      Worker<GatedOpenWorker> fresh = app.retireCredentials(old).get(10, TimeUnit.SECONDS);
      gate.release.countDown();
      Connection<GatedOpenWorker> opened = null;
      try {
        opened = opening.get(10, TimeUnit.SECONDS);
      } catch (ExecutionException e) {
        assertThat(e.getCause())
            .isInstanceOfSatisfying(RpcParallelException.class,
                r -> assertThat(r.kind()).isEqualTo(RpcParallelException.Kind.AUTHENTICATION_FAILED))
            .hasMessageEndingWith(": credential retired");
      }
      if (opened != null) {
        try (Connection<GatedOpenWorker> c = opened) {
          String reason;
          try {
            reason = c.closeFuture().get(10, TimeUnit.SECONDS);
          } catch (TimeoutException stillOpen) {
            throw new AssertionError("a connection opened with a retired credential is still open: "
                + c.call(GatedOpenWorker.ECHO, "the retired handle still works"));
          }
          assertThat(reason).isEqualTo("credential retired");
        }
      }
      try (Connection<GatedOpenWorker> c = app.connect(fresh, false)) {
        assertThat(c.call(GatedOpenWorker.ECHO, "fresh")).isEqualTo("fresh");
      }
    }
  }

  /** The same for a spawned worker, which the application must still be able to shut down with the new handle. */
  @Test
  void retiredHandleOfASpawnedWorkerIsRefusedAndTheWorkerStillShutsDown() throws Exception {
    try (RpcParallel app = app()) {
      Worker<SecurityWorker> old = app.spawn(new SecurityWorker(), 0, SpawnOptions.builder().name("retiring").build());
      try (Connection<SecurityWorker> viaOld = app.connect(old)) {
        Worker<SecurityWorker> fresh = app.retireCredentials(old).get(10, TimeUnit.SECONDS);
        assertThat(viaOld.closeFuture().get(10, TimeUnit.SECONDS)).isEqualTo("credential retired");
        refusedBecause("credential retired", () -> app.connect(old));
        try (RawPeer p = new RawPeer(old)) {
          HandleBytes h = HandleBytes.of(old);
          RawPeer.Frame f = p.authenticate(h.credential(), h.terms());
          assertThat(f.type()).isEqualTo(FrameType.CLOSE);
          assertThat(RawPeer.close(f)).isEqualTo(new RawPeer.Close(ErrorCode.AUTHENTICATION_FAILED, "credential retired"));
        }
        try (Connection<SecurityWorker> viaFresh = app.connect(fresh)) {
          assertThat(viaFresh.call(SecurityWorker.PID)).isPositive();
        }
        app.shutdown(fresh).get(10, TimeUnit.SECONDS);
        assertThat(app.onExit(fresh).get(20, TimeUnit.SECONDS)).isZero();
      }
    }
  }
}
