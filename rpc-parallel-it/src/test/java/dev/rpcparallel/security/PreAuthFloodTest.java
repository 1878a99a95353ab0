package dev.rpcparallel.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rpcparallel.Connection;
import dev.rpcparallel.RpcParallel;
import dev.rpcparallel.Worker;
import dev.rpcparallel.fixtures.TestWorker;
import dev.rpcparallel.internal.protocol.Preamble;
import dev.rpcparallel.testing.NoLeaks;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * <b>Attack: holding a worker's port with idle connections that never authenticate</b> (a
 * slowloris), so that legitimate clients cannot get in. 1,000 plain sockets connect to a worker;
 * half send nothing, half only the preamble. A worker keeps at most 64 unauthenticated connections
 * per listener (256 per application): each one more pushes the oldest out, and a peer must
 * authenticate within 5 s. Once the worker has taken the flood in (the 936th connection was pushed
 * out when the 1,000th arrived; 64 idle ones still wait), a legitimate {@code connect} and call
 * succeed in less than 1 s, and every idle socket is closed by the worker (the last ones by the
 * authentication timeout, or pushed out by the legitimate connection). How fast the worker
 * accepts connections is not what this tests: a connect made while the kernel still queues the
 * flood's connections waits its turn in the accept queue.
 */
@Timeout(120)
@ExtendWith(NoLeaks.class)
class PreAuthFloodTest {
  private static final int IDLE = 1000;

  @Test
  void thousandIdleUnauthenticatedConnectionsDoNotLockOutALegitimateClient() throws Exception {
    try (RpcParallel app = RpcParallel.builder().environment(Map.of()).build()) {
      Worker<TestWorker> w = app.serve(new TestWorker(), 0);
      try (Connection<TestWorker> warm = app.connect(w, "warm-up")) {
        assertThat(warm.call(TestWorker.ECHO, "ready")).isEqualTo("ready");
      }
      List<Socket> idle = new ArrayList<>();
      try {
        for (int i = 0; i < IDLE; i++) {
          Socket s = new Socket(w.host(), w.port());
          if (i % 2 == 1) {
            s.getOutputStream().write(Preamble.clientPreamble());
          }
          idle.add(s);
        }

        // The worker has taken the whole flood in once the last connection pushed out the
        // (IDLE - 64)-th: from then on 64 idle connections wait, as many as a listener keeps.
        long tA = System.nanoTime();
        Socket lastPushedOut = idle.get(IDLE - 65);
        lastPushedOut.setSoTimeout(20_000);
        assertThat(drainToEof(lastPushedOut.getInputStream())).as("connection %d pushed out", IDLE - 64).isTrue();
        System.out.printf("the worker took in %d idle connections %d ms after the last connected%n",
            IDLE, (System.nanoTime() - tA) / 1_000_000);

        long t0 = System.nanoTime();
        long millis;
        try (Connection<TestWorker> c = app.connect(w, "legitimate")) {
          assertThat(c.call(TestWorker.ECHO, "got in")).isEqualTo("got in");
          millis = (System.nanoTime() - t0) / 1_000_000;
        }
        System.out.printf("connect + call after %d idle unauthenticated connections: %d ms%n", IDLE, millis);
        assertThat(millis).as("connect + call (ms)").isLessThan(1000);

        long t1 = System.nanoTime();
        for (Socket s : idle) {
          s.setSoTimeout(20_000);
          assertThat(drainToEof(s.getInputStream())).as("the worker closed idle socket %s", s).isTrue();
        }
        System.out.printf("all %d idle sockets closed by the worker within %d ms after the legitimate call%n",
            IDLE, (System.nanoTime() - t1) / 1_000_000);
      } finally {
        for (Socket s : idle) {
          s.close();
        }
      }
    }
  }

  /** Reads (and drops: a HELLO, a CLOSE) until the worker closes; false if it did not within the read timeout. */
  private static boolean drainToEof(InputStream in) throws IOException {
    byte[] buf = new byte[1024];
    try {
      while (in.read(buf) >= 0) {
        // skip
      }
      return true;
    } catch (java.net.SocketTimeoutException stillOpen) {
      return false;
    } catch (java.net.SocketException reset) {
      return true; // closed by the worker with our bytes unread: a reset is a close too
    }
  }
}
