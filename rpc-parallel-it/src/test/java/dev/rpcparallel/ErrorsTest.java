package dev.rpcparallel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rpcparallel.RpcParallelException.Kind;
import dev.rpcparallel.codec.Codecs;
import dev.rpcparallel.testing.TestWorker;
import java.util.Arrays;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What callers see when user code or the machinery fails. */
@Timeout(60)
class ErrorsTest {
  private RpcParallel app;
  private Worker worker;

  @BeforeEach
  void start() {
    app = RpcParallel.create();
    worker = app.serve(new TestWorker(), 0);
  }

  @AfterEach
  void stop() {
    app.close();
  }

  @Test
  void handlerExceptionArrivesAsRemoteExceptionAndTheConnectionKeepsServing() {
    try (Connection c = app.connect(worker, "c")) {
      assertThatThrownBy(() -> c.call(TestWorker.FAIL, "text of expected failure"))
          .isInstanceOfSatisfying(RemoteException.class, e -> {
            assertThat(e.remoteClassName()).isEqualTo("java.lang.IllegalStateException");
            assertThat(e.remoteMessage()).isEqualTo("text of expected failure");
            assertThat(e.worker()).isEqualTo(worker.nameOrId());
            assertThat(Arrays.stream(e.getStackTrace()).map(StackTraceElement::getClassName))
                .anyMatch(cls -> cls.startsWith(TestWorker.class.getName()));
          });
      assertThat(c.call(TestWorker.ECHO, "next")).isEqualTo("next");
    }
  }

  @Test
  void asyncFormCompletesExceptionally() {
    try (Connection c = app.connect(worker, "c")) {
      assertThatThrownBy(() -> c.callAsync(TestWorker.FAIL, "async boom").get(10, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class)
          .hasCauseInstanceOf(RemoteException.class)
          .hasMessageContaining("async boom");
    }
  }

  @Test
  void initConnectionStateFailureFailsConnectWithItsText() {
    assertThatThrownBy(() -> app.connect(worker, "fail"))
        .isInstanceOf(RemoteException.class)
        .hasMessageContaining("text of expected failure");
    try (Connection c = app.connect(worker, "ok")) {
      assertThat(c.call(TestWorker.ECHO, "x")).isEqualTo("x");
    }
  }

  @Test
  void initWorkerStateFailureFailsServeWithItsText() {
    assertThatThrownBy(() -> app.serve(new TestWorker(), -1))
        .isInstanceOfSatisfying(RpcParallelException.class, e -> assertThat(e.kind()).isEqualTo(Kind.SPAWN_FAILED))
        .hasMessageContaining("boom: init refused -1");
  }

  @Test
  void unknownFunctionFailsWithoutSending() {
    Rpc<Integer, Integer> missing = Rpc.of("no_such_function", Codecs.INT, Codecs.INT);
    try (Connection c = app.connect(worker, "c")) {
      assertThatThrownBy(() -> c.call(missing, 1))
          .isInstanceOfSatisfying(RpcParallelException.class, e -> assertThat(e.kind()).isEqualTo(Kind.UNKNOWN_FUNCTION))
          .hasMessageContaining("no function named 'no_such_function'");
      assertThat(c.call(TestWorker.ECHO, "x")).isEqualTo("x");
    }
  }

  @Test
  void wrongSecretIsRefused() {
    try (RpcParallel other = RpcParallel.builder().secret(new byte[32]).build()) {
      Worker foreign = other.serve(new TestWorker(), 0);
      // Same address and id, but this app's secret: the worker must refuse it.
      Worker forged = Worker.CODEC.fromBytes(Worker.CODEC.toBytes(foreign));
      byte[] bytes = Worker.CODEC.toBytes(forged);
      // Flip the last byte of the encoded secret.
      bytes[bytes.length - 1] ^= 1;
      Worker wrong = Worker.CODEC.fromBytes(bytes);
      assertThatThrownBy(() -> app.connect(wrong, "c"))
          .isInstanceOfSatisfying(RpcParallelException.class, e -> assertThat(e.kind()).isEqualTo(Kind.AUTHENTICATION_FAILED))
          .hasMessageContaining("authentication failed");
    }
  }

  @Test
  void connectionLossFailsPendingCallsWithTheReason() throws Exception {
    Connection c = app.connect(worker, "c");
    var pending = c.callAsync(TestWorker.SLEEP, 10_000);
    c.close();
    assertThatThrownBy(() -> pending.get(10, TimeUnit.SECONDS))
        .hasCauseInstanceOf(ConnectionClosedException.class)
        .hasMessageContaining("closed by client");
    assertThat(c.closeReason()).contains("closed by client");
    assertThat(c.closeFuture().get(10, TimeUnit.SECONDS)).isEqualTo("closed by client");
    assertThatThrownBy(() -> c.call(TestWorker.ECHO, "x")).isInstanceOf(ConnectionClosedException.class);
    assertThatThrownBy(() -> c.sendAsync(TestWorker.NOTE, "x").get(10, TimeUnit.SECONDS))
        .hasCauseInstanceOf(ConnectionClosedException.class);
    assertThatThrownBy(() -> c.send(TestWorker.NOTE, "x")).isInstanceOf(ConnectionClosedException.class);
  }

  @Test
  void oversizedQueryFailsWithoutSendingAndConnectionSurvives() {
    try (RpcParallel small = RpcParallel.builder().settings(RpcSettings.builder().maxMessageSize(4096).build()).build()) {
      Worker w = small.serve(new TestWorker(), 0);
      try (Connection c = small.connect(w, "c")) {
        assertThatThrownBy(() -> c.call(TestWorker.ECHO, "x".repeat(5000)))
            .isInstanceOfSatisfying(RpcParallelException.class, e -> assertThat(e.kind()).isEqualTo(Kind.MESSAGE_TOO_LARGE))
            .hasMessageContaining("exceeds the maximum message size of 4096 bytes");
        assertThat(c.call(TestWorker.ECHO, "small")).isEqualTo("small");
      }
    }
  }

  @Test
  void oversizedResultAndOversizedErrorArriveAsTheLibrarysErrors() {
    try (RpcParallel small = RpcParallel.builder().settings(RpcSettings.builder().maxMessageSize(4096).build()).build()) {
      Worker w = small.serve(new TestWorker(), 0);
      try (Connection c = small.connect(w, "label".repeat(40))) {
        // The query fits; the worker's answer (the 200-character connection label prefixed) does not.
        assertThatThrownBy(() -> c.call(TestWorker.WHO, "y".repeat(4080)))
            .isInstanceOfSatisfying(RpcParallelException.class, e -> assertThat(e.kind()).isEqualTo(Kind.MESSAGE_TOO_LARGE))
            .hasMessageContaining("result of 'who'");
        assertThatThrownBy(() -> c.openState(TestWorker.BIG_STATE, 5000))
            .isInstanceOfSatisfying(RpcParallelException.class, e -> assertThat(e.kind()).isEqualTo(Kind.MESSAGE_TOO_LARGE));
        assertThat(c.call(TestWorker.STATE_WRITER_CLOSED, null)).as("the failed state's update writer").isTrue();
        assertThatThrownBy(() -> c.call(TestWorker.FAIL, "z".repeat(4070)))
            .isInstanceOfSatisfying(RpcParallelException.class, e -> assertThat(e.kind()).isEqualTo(Kind.MESSAGE_TOO_LARGE))
            .hasMessageContaining("the error response could not be sent");
        assertThat(c.call(TestWorker.ECHO, "small")).isEqualTo("small");
      }
    }
  }

  @Test
  void controlConnectionsMayOnlyCallBuiltins() throws Exception {
    try (Connection control = app.connectControl(worker).get(10, TimeUnit.SECONDS)) {
      assertThat(control.workerSettings()).isEqualTo(app.settings());
      assertThatThrownBy(() -> control.call(TestWorker.ECHO, "x"))
          .isInstanceOfSatisfying(RpcParallelException.class, e -> assertThat(e.kind()).isEqualTo(Kind.PROTOCOL_ERROR))
          .hasMessageContaining("control connections may only call built-in functions");
    }
  }
}
