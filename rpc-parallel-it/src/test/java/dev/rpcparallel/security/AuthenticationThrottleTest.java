package dev.rpcparallel.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rpcparallel.Connection;
import dev.rpcparallel.RpcParallel;
import dev.rpcparallel.Worker;
import dev.rpcparallel.fixtures.RawPeer;
import dev.rpcparallel.fixtures.TestWorker;
import dev.rpcparallel.internal.protocol.Auth;
import dev.rpcparallel.internal.protocol.ErrorCode;
import dev.rpcparallel.internal.protocol.FrameType;
import dev.rpcparallel.testing.NoLeaks;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * <b>Attack: guessing credentials online, as fast as the worker answers.</b> Each failed
 * authentication against a worker makes its next refusal wait 50 ms longer (up to 1 s), so the
 * n-th wrong guess in a row is answered no sooner than 50 × (n − 1) ms after its AUTH: the 10th no
 * sooner than 450 ms. Only lower bounds are asserted (the refusal is scheduled, never early); a
 * legitimate client still connects afterwards.
 */
@Timeout(60)
@ExtendWith(NoLeaks.class)
class AuthenticationThrottleTest {

  @Test
  void tenthWrongCredentialIsAnsweredNoSoonerThan450Milliseconds() throws Exception {
    try (RpcParallel app = RpcParallel.builder().environment(Map.of()).build()) {
      Worker<TestWorker> w = app.serve(new TestWorker(), 0);
      byte[] guess = "a guess at the application secret".getBytes(StandardCharsets.US_ASCII);
      Auth.Terms terms = new Auth.Terms(w.id(), 0, 0);
      List<Long> millis = new ArrayList<>();
      for (int attempt = 1; attempt <= 10; attempt++) {
        try (RawPeer p = new RawPeer(w)) {
          long t0 = System.nanoTime(); // before the AUTH is sent: the elapsed time only overestimates the wait
          RawPeer.Frame f = p.authenticate(Auth.credential(guess, terms), terms);
          long elapsed = (System.nanoTime() - t0) / 1_000_000;
          millis.add(elapsed);
          assertThat(f.type()).isEqualTo(FrameType.CLOSE);
          assertThat(RawPeer.close(f)).isEqualTo(new RawPeer.Close(ErrorCode.AUTHENTICATION_FAILED, "authentication failed"));
          assertThat(elapsed).as("attempt %d answered after", attempt).isGreaterThanOrEqualTo(50L * (attempt - 1));
        }
      }
      System.out.println("wrong-credential attempts answered after (ms): " + millis);
      assertThat(millis.get(9)).as("the 10th wrong attempt").isGreaterThanOrEqualTo(450);
      try (Connection<TestWorker> c = app.connect(w, "legitimate")) {
        assertThat(c.call(TestWorker.ECHO, "in")).isEqualTo("in");
      }
    }
  }
}
