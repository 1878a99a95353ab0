package dev.rpcparallel.spawn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.rpcparallel.Connection;
import dev.rpcparallel.RpcParallel;
import dev.rpcparallel.RpcParallelException;
import dev.rpcparallel.RpcSettings;
import dev.rpcparallel.SpawnOptions;
import dev.rpcparallel.fixtures.ProcFs;
import dev.rpcparallel.fixtures.TestWorker;
import dev.rpcparallel.testing.NoLeaks;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The connection argument of spawnAndConnect travels in the OPEN the master sends on the worker's
 * turned master connection: large ones arrive (an attacker's review found one over the
 * write-buffer limit never opened), and one over the maximum message size fails before anything
 * starts.
 */
@Timeout(60)
@ExtendWith(NoLeaks.class)
class SpawnAndConnectArgumentTest {
  private static final long SELF = ProcessHandle.current().pid();
  private static final RpcSettings SETTINGS = RpcSettings.defaults().toBuilder()
      .writeBufferLimit(64 * 1024).maxMessageSize(1 << 20).build();

  @Test
  void anArgumentOverTheWriteBufferLimitReachesInitConnectionState() throws Exception {
    String big = "x".repeat(200_000);
    try (RpcParallel app = RpcParallel.builder().settings(SETTINGS).build();
        Connection<TestWorker> c = app.spawnAndConnect(new TestWorker(), 0, big, SpawnOptions.builder().name("big").build())) {
      assertThat(c.call(TestWorker.WHO, "me")).isEqualTo(big + ":me");
      c.close();
      assertThat(app.onExit(c.worker()).get(10, TimeUnit.SECONDS)).isZero();
    }
  }

  @Test
  void anArgumentOverTheMaximumMessageSizeFailsBeforeAnythingStarts() {
    try (RpcParallel app = RpcParallel.builder().settings(SETTINGS).build()) {
      Throwable e = catchThrowable(() -> app.spawnAndConnect(new TestWorker(), 0, "y".repeat(2 << 20), SpawnOptions.defaults()));

      assertThat(e).isInstanceOf(RpcParallelException.class).hasMessageContaining("exceeds the maximum message size of 1048576 bytes");
      assertThat(((RpcParallelException) e).kind()).isEqualTo(RpcParallelException.Kind.CONNECT_FAILED);
      assertThat(ProcFs.childrenOf(SELF)).as("processes started").isEmpty();
    }
  }
}
