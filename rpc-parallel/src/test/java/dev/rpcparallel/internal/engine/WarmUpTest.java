package dev.rpcparallel.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rpcparallel.RpcParallel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A spare's warm-up, run in this JVM: every round completes, the turn of each connection included. */
@Timeout(120)
class WarmUpTest {

  @Test
  void everyRoundCompletesAndTheApplicationIsClosed() {
    List<RpcParallel> apps = new ArrayList<>();
    int rounds = WarmUp.run(p -> {
      RpcParallel app = RpcParallel.builder().settings(p.settings()).environment(Map.of()).secret(p.secret())
          .bindHost(p.bindHost()).advertiseHost(p.advertiseHost()).build();
      apps.add(app);
      return EngineProviderImpl.engineOf(app);
    });

    assertThat(rounds).isEqualTo(WarmUp.CONNECTIONS);
    assertThat(apps).singleElement();
    Engine engine = EngineProviderImpl.engineOf(apps.get(0));
    assertThat(catchClosed(engine)).as("the warm-up closes its application").isTrue();
  }

  private static boolean catchClosed(Engine engine) {
    try {
      engine.checkOpen();
      return false;
    } catch (IllegalStateException e) {
      return true;
    }
  }
}
