package dev.rpcparallel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rpcparallel.fixtures.Await;
import dev.rpcparallel.fixtures.SecurityWorker;
import dev.rpcparallel.fixtures.TestWorker;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Settings precedence (reference timeouts.ml rpc-settings): defaults < application < env, per field. */
@Timeout(60)
class SettingsTest {

  private static RpcSettings observed(RpcParallel app) {
    Worker<TestWorker> w = app.serve(new TestWorker(), 0);
    try (Connection<TestWorker> c = app.connect(w, "c")) {
      RpcSettings client = c.settings();
      RpcSettings server = c.workerSettings();
      assertThat(client).isEqualTo(server);
      assertThat(w.settings()).isEqualTo(server);
      assertThat(Worker.CODEC.fromBytes(Worker.CODEC.toBytes(w)).settings()).isEqualTo(server);
      return server;
    }
  }

  @Test
  void defaultsAreTheOriginals() {
    try (RpcParallel app = RpcParallel.builder().environment(Map.of()).build()) {
      RpcSettings s = observed(app);
      assertThat(s).isEqualTo(RpcSettings.defaults());
      assertThat(s.maxMessageSize()).isEqualTo(100L * 1024 * 1024);
      assertThat(s.handshakeTimeout()).isEqualTo(Duration.ofSeconds(30));
      assertThat(s.heartbeatInterval()).isEqualTo(Duration.ofSeconds(10));
      assertThat(s.heartbeatTimeout()).isEqualTo(Duration.ofSeconds(30));
    }
  }

  @Test
  void applicationValuesApplyOnBothEnds() {
    RpcSettings app1s = RpcSettings.builder().handshakeTimeout(Duration.ofSeconds(1)).build();
    try (RpcParallel app = RpcParallel.builder().settings(app1s).environment(Map.of()).build()) {
      assertThat(observed(app).handshakeTimeout()).isEqualTo(Duration.ofSeconds(1));
    }
  }

  @Test
  void environmentBeatsApplicationPerField() {
    RpcSettings appValues = RpcSettings.builder().handshakeTimeout(Duration.ofSeconds(1)).maxMessageSize(1500).build();
    Map<String, String> env = Map.of(RpcSettings.ENV_VAR, "handshakeTimeout=2s");
    try (RpcParallel app = RpcParallel.builder().settings(appValues).environment(env).build()) {
      RpcSettings s = observed(app);
      assertThat(s.handshakeTimeout()).isEqualTo(Duration.ofSeconds(2));
      assertThat(s.maxMessageSize()).isEqualTo(1500);
      assertThat(s.heartbeatTimeout()).isEqualTo(Duration.ofSeconds(30));
    }
  }

  @Test
  void envSyntaxCoversEveryField() {
    RpcSettings s = RpcSettings.defaults().withOverrides(Map.of(RpcSettings.ENV_VAR,
        " maxMessageSize=2m, handshakeTimeout=1500ms,heartbeatInterval=2s,heartbeatTimeout=1m,streamWindow=64k,readBufferLimit=4m"));
    assertThat(s.maxMessageSize()).isEqualTo(2L << 20);
    assertThat(s.handshakeTimeout()).isEqualTo(Duration.ofMillis(1500));
    assertThat(s.heartbeatInterval()).isEqualTo(Duration.ofSeconds(2));
    assertThat(s.heartbeatTimeout()).isEqualTo(Duration.ofMinutes(1));
    assertThat(s.streamWindow()).isEqualTo(64 * 1024);
    assertThat(s.readBufferLimit()).isEqualTo(4L << 20);
    assertThat(RpcSettings.defaults().withOverrides(Map.of(RpcSettings.ENV_VAR, s.toEnvString()))).isEqualTo(s);
  }

  /**
   * A handle carries its worker's settings, but the connecting application never accepts more
   * than its own limits: a worker allowing 100 MiB messages still cannot send 2 MiB to an
   * application whose limit is 1 MiB.
   */
  @Test
  void aHandleCannotRaiseTheConnectingApplicationsLimits() {
    RpcSettings small = RpcSettings.builder().maxMessageSize(1 << 20).build();
    try (RpcParallel generous = RpcParallel.builder().environment(Map.of()).build();
        RpcParallel strict = RpcParallel.builder().settings(small).environment(Map.of()).build()) {
      Worker<SecurityWorker> w = generous.serve(new SecurityWorker(), 0);
      assertThat(w.settings().maxMessageSize()).isEqualTo(100L << 20);
      try (Connection<SecurityWorker> c = strict.connect(w)) {
        assertThat(c.call(SecurityWorker.BLOB, 1000)).hasSize(1000);
        assertThatThrownBy(() -> c.call(SecurityWorker.BLOB, 2 << 20))
            .isInstanceOf(RpcParallelException.class)
            .satisfies(e -> assertThat(((RpcParallelException) e).kind()).isIn(
                RpcParallelException.Kind.MESSAGE_TOO_LARGE, RpcParallelException.Kind.CONNECTION_CLOSED));
      }
    }
  }

  /** A stream beyond maxOpenStreams is refused at once (queued, it could wait for ever); calls go on. */
  @Test
  void aStreamBeyondMaxOpenStreamsIsRefusedAtOnce() {
    RpcSettings two = RpcSettings.builder().maxConcurrentCalls(4).maxOpenStreams(2).build();
    try (RpcParallel app = RpcParallel.builder().settings(two).environment(Map.of()).build();
        Connection<TestWorker> c = app.connect(app.serve(new TestWorker(), 0), "c")) {
      StreamReader<Integer> first = c.open(TestWorker.COUNT, 100_000);
      StreamReader<Integer> second = c.open(TestWorker.COUNT, 100_000);
      assertThatThrownBy(() -> c.open(TestWorker.COUNT, 3))
          .isInstanceOf(RpcParallelException.class)
          .satisfies(e -> assertThat(((RpcParallelException) e).kind()).isEqualTo(RpcParallelException.Kind.LIMIT_EXCEEDED))
          .hasMessage("cannot open 'count': this connection to worker " + c.worker().nameOrId()
              + " already has 2 streams open (maxOpenStreams); close one, or use another connection");
      assertThat(c.call(TestWorker.ECHO, "calls still run")).isEqualTo("calls still run");
      first.close();
      second.close();
      Await.until(Duration.ofSeconds(10), "a stream slot to free up", () -> {
        try (StreamReader<Integer> third = c.open(TestWorker.COUNT, 3)) {
          return third.stream().toList().equals(java.util.List.of(0, 1, 2));
        } catch (RpcParallelException e) {
          return false;
        }
      });
    }
  }

  @Test
  void malformedEnvNamesTheField() {
    assertThatThrownBy(() -> RpcSettings.defaults().withOverrides(Map.of(RpcSettings.ENV_VAR, "heartbeatTimeout=soon")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("heartbeatTimeout")
        .hasMessageContaining(RpcSettings.ENV_VAR);
    assertThatThrownBy(() -> RpcSettings.defaults().withOverrides(Map.of(RpcSettings.ENV_VAR, "colour=blue")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("colour");
    assertThatThrownBy(() -> RpcSettings.defaults().withOverrides(Map.of(RpcSettings.ENV_VAR, "heartbeatInterval=1m")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must not be shorter than heartbeatInterval");
  }
}
