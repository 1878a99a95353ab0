package dev.rpcparallel.internal.spawn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rpcparallel.Redirect;
import dev.rpcparallel.RpcParallel;
import dev.rpcparallel.ShutdownOn;
import dev.rpcparallel.Worker;
import dev.rpcparallel.codec.CodecException;
import dev.rpcparallel.testing.TestWorker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The hand-written bootstrap codec round-trips every field and rejects truncated input. */
class BootstrapConfigTest {

  @Test
  void roundTripsEveryFieldAndRejectsEveryTruncation() {
    try (RpcParallel app = RpcParallel.create()) {
      Worker master = app.serve(new TestWorker(), 0);
      BootstrapConfig c = new BootstrapConfig(new byte[] {1, 2, 3}, app.settings(), master, UUID.randomUUID(),
          Optional.of("w1"), "a.b.Spec", new byte[] {9}, ShutdownOn.CONNECTION_CLOSED, Duration.ofMillis(1500),
          Redirect.appendTo(Path.of("out.log")), Redirect.discard());
      byte[] bytes = BootstrapConfig.CODEC.toBytes(c);
      BootstrapConfig back = BootstrapConfig.CODEC.fromBytes(bytes);
      assertThat(back.secret()).containsExactly(1, 2, 3);
      assertThat(back.initArg()).containsExactly(9);
      assertThat(back).usingRecursiveComparison().ignoringFields("secret", "initArg").isEqualTo(c);
      for (int n = 0; n < bytes.length; n++) {
        byte[] cut = Arrays.copyOf(bytes, n);
        assertThatThrownBy(() -> BootstrapConfig.CODEC.fromBytes(cut)).isInstanceOf(CodecException.class);
      }
    }
  }
}
