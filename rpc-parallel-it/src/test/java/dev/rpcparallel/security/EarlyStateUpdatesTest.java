package dev.rpcparallel.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rpcparallel.Connection;
import dev.rpcparallel.RpcParallel;
import dev.rpcparallel.RpcSettings;
import dev.rpcparallel.StateStream;
import dev.rpcparallel.StreamReader;
import dev.rpcparallel.Worker;
import dev.rpcparallel.fixtures.SecurityWorker;
import dev.rpcparallel.testing.NoLeaks;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * <b>Stall: a state function that writes more than a window of updates before it returns its
 * state.</b> The caller cannot read (or give credit for) updates before it has the state, so a
 * handler that waited for credit there would never return: the call would hang until its
 * connection closed (deviation P1 of PROTOCOL.md, version 2). Updates written before the state
 * are now kept compactly in the worker and sent after the state, under credit. A handler writing
 * 1,000,000 updates (about 4 MiB of frames, four times the default 1 MiB window) before returning,
 * and one writing 1,000 updates with a 4 KiB stream window, both deliver their state and then
 * every update, in order, then the end of the stream. (The early updates arrive as fast as the
 * items of an ordinary pipe of the same size.)
 */
@Timeout(300) // a million small frames take ~20-30 s under the module's paranoid Netty leak detection
@ExtendWith(NoLeaks.class)
class EarlyStateUpdatesTest {

  private static void allUpdatesInOrder(RpcSettings settings, int n) {
    try (RpcParallel app = RpcParallel.builder().environment(Map.of()).settings(settings).build()) {
      Worker<SecurityWorker> w = app.serve(new SecurityWorker(), 0);
      try (Connection<SecurityWorker> c = app.connect(w);
          StateStream<String, Integer> s = c.openState(SecurityWorker.EARLY_UPDATES, n)) {
        assertThat(s.state()).isEqualTo(n + " updates");
        StreamReader<Integer> updates = s.updates();
        for (int i = 0; i < n; i++) {
          if (!updates.hasNext()) {
            throw new AssertionError("the stream ended after " + i + " of " + n + " updates");
          }
          int u = updates.next();
          if (u != i) {
            throw new AssertionError("update " + i + " of " + n + " was " + u);
          }
        }
        assertThat(updates.hasNext()).as("the stream ends after the last update").isFalse();
        assertThat(c.call(SecurityWorker.BLOB, 3)).as("the connection still serves").hasSize(3);
      }
    }
  }

  @Test
  void millionUpdatesWrittenBeforeTheStateAllArriveInOrder() {
    allUpdatesInOrder(RpcSettings.defaults(), 1_000_000);
  }

  @Test
  void thousandEarlyUpdatesWithA4KiBWindowAllArriveInOrder() {
    allUpdatesInOrder(RpcSettings.builder().streamWindow(4096).build(), 1_000);
  }
}
