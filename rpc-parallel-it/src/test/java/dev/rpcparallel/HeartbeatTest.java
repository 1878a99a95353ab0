package dev.rpcparallel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rpcparallel.codec.Codecs;
import dev.rpcparallel.internal.protocol.ErrorCode;
import dev.rpcparallel.internal.protocol.FrameType;
import dev.rpcparallel.internal.protocol.Preamble;
import dev.rpcparallel.fixtures.Await;
import dev.rpcparallel.fixtures.RawPeer;
import dev.rpcparallel.fixtures.TestWorker;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Heartbeats run on the I/O threads: silence is detected, slow handlers are not mistaken for it. */
@Timeout(60)
class HeartbeatTest {
  private static final byte[] SECRET = "0123456789abcdef0123456789abcdef".getBytes();
  private RpcParallel app;
  private Worker<TestWorker> worker;

  @BeforeEach
  void start() {
    RpcSettings fast = RpcSettings.builder()
        .heartbeatInterval(Duration.ofMillis(100))
        .heartbeatTimeout(Duration.ofMillis(500))
        .handshakeTimeout(Duration.ofSeconds(1))
        .build();
    app = RpcParallel.builder().settings(fast).environment(Map.of()).secret(SECRET).build();
    worker = app.serve(new TestWorker(), 0);
  }

  @AfterEach
  void stop() {
    app.close();
  }

  @Test
  void silentPeerIsDroppedWithANoHeartbeatReason() throws Exception {
    try (RawPeer peer = new RawPeer(worker)) {
      peer.open(worker, SECRET, Codecs.STRING.toBytes("silent"));
      // From here on the peer sends nothing; the worker heartbeats and then gives up.
      assertThat(peer.readClose()).isEqualTo(new RawPeer.Close(ErrorCode.HEARTBEAT_TIMEOUT, "no heartbeat received for 500ms"));
    }
    try (Connection<TestWorker> c = app.connect(worker, "observer")) {
      Await.until(Duration.ofSeconds(10), "worker to record the close reason",
          () -> c.call(TestWorker.CLOSE_REASONS).contains("no heartbeat received for 500ms"));
    }
  }

  /** A peer that stops in the middle of the handshake is closed when the handshake timeout ends. */
  @Test
  void peerSilentDuringTheHandshakeIsDroppedWithAHandshakeTimeout() throws Exception {
    try (RawPeer peer = new RawPeer(worker)) {
      peer.sendRaw(Preamble.clientPreamble());
      assertThat(peer.readFrame().type()).isEqualTo(FrameType.HELLO);
      // No AUTH follows.
      assertThat(peer.readClose()).isEqualTo(new RawPeer.Close(ErrorCode.HANDSHAKE_TIMEOUT, "handshake not completed within 1s"));
      assertThat(peer.readFrame()).as("EOF after the CLOSE").isNull();
    }
  }

  @Test
  void aHandlerRunningFourTimesTheTimeoutDoesNotBreakTheConnection() {
    try (Connection<TestWorker> c = app.connect(worker, "c")) {
      assertThat(c.call(TestWorker.SLEEP, 2000)).isEqualTo(2000);
      assertThat(c.isClosed()).isFalse();
      assertThat(c.call(TestWorker.ECHO, "alive")).isEqualTo("alive");
    }
  }
}
