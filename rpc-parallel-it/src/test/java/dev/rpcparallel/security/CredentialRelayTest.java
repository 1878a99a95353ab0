package dev.rpcparallel.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rpcparallel.Connection;
import dev.rpcparallel.RpcParallel;
import dev.rpcparallel.RpcParallelException;
import dev.rpcparallel.Worker;
import dev.rpcparallel.fixtures.RawPeer;
import dev.rpcparallel.fixtures.Relay;
import dev.rpcparallel.fixtures.TestWorker;
import dev.rpcparallel.internal.protocol.ErrorCode;
import dev.rpcparallel.internal.protocol.FrameType;
import dev.rpcparallel.internal.protocol.Preamble;
import dev.rpcparallel.testing.NoLeaks;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * <b>Attack: relaying a client's handshake to another worker of the same application.</b> Worker A
 * stops (its port is free), an attacker binds A's port and relays every byte a client sends there
 * to worker B of the same application. A client that connects with A's handle proves it holds
 * A's credential for A's id; B refuses that proof ({@code CLOSE AUTHENTICATION_FAILED},
 * "authentication failed", naming no worker), because the proof is bound to the target worker's
 * id and B's credential differs from A's. The client fails with kind {@code
 * AUTHENTICATION_FAILED}, and B never accepted the connection: it sent no {@code AUTH_OK}, and no
 * connection of B ever ran {@code initConnectionState}.
 */
@Timeout(60)
@ExtendWith(NoLeaks.class)
class CredentialRelayTest {

  @Test
  void relayThroughTakenOverPortToAnotherWorkerIsRefused() throws Exception {
    try (RpcParallel app = RpcParallel.builder().environment(Map.of()).build()) {
      Worker<TestWorker> a = app.serve(new TestWorker(), 0);
      Worker<TestWorker> b = app.serve(new TestWorker(), 0);
      try (Connection<TestWorker> c = app.connect(a, "before")) {
        assertThat(c.call(TestWorker.ECHO, "A answers")).isEqualTo("A answers");
      }
      app.shutdown(a).get(10, TimeUnit.SECONDS);

      try (Relay relay = new Relay(bindWhenFree(a.host(), a.port()), b.host(), b.port())) {
        assertThatThrownBy(() -> app.connect(a, "through the relay"))
            .isInstanceOfSatisfying(RpcParallelException.class,
                e -> assertThat(e.kind()).isEqualTo(RpcParallelException.Kind.AUTHENTICATION_FAILED))
            .hasMessageEndingWith(": authentication failed; the server said \"authentication failed\"");
        relay.awaitDone();

        // The client's handshake did reach B: preamble, then an AUTH for A's id.
        List<RawPeer.Frame> sent = RawPeer.parse(relay.bytesFromClient(), Preamble.LENGTH);
        assertThat(sent).extracting(RawPeer.Frame::type).startsWith((int) FrameType.AUTH);
        RawPeer.Frame auth = sent.get(0);
        auth.body().readRaw(32); // client nonce
        assertThat(new java.util.UUID(auth.body().readFixedLong(), auth.body().readFixedLong())).isEqualTo(a.id());

        // B answered HELLO, then refused: no AUTH_OK, so nothing after the handshake was possible.
        List<RawPeer.Frame> answered = RawPeer.parse(relay.bytesFromTarget(), 0);
        assertThat(answered).extracting(RawPeer.Frame::type).containsExactly((int) FrameType.HELLO, (int) FrameType.CLOSE);
        RawPeer.Close refusal = RawPeer.close(answered.get(1));
        assertThat(refusal).isEqualTo(new RawPeer.Close(ErrorCode.AUTHENTICATION_FAILED, "authentication failed"));
        assertThat(refusal.reason()).doesNotContain(a.id().toString()).doesNotContain(b.id().toString());
      }

      try (Connection<TestWorker> c = app.connect(b, "check")) {
        assertThat(c.call(TestWorker.CLOSE_REASONS)).as("connections B opened and closed before this one").isEmpty();
      }
    }
  }

  /** Binds {@code host:port} as soon as the stopped worker's listener has let go of it. */
  static ServerSocket bindWhenFree(String host, int port) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (true) {
      ServerSocket s = new ServerSocket();
      try {
        s.setReuseAddress(true);
        s.bind(new InetSocketAddress(host, port));
        return s;
      } catch (BindException e) {
        s.close();
        if (System.nanoTime() > deadline) {
          throw new IOException("port " + port + " still taken 10 s after the worker shut down", e);
        }
        Thread.sleep(20);
      }
    }
  }
}
