package dev.rpcparallel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rpcparallel.fixtures.TestWorker;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Responses are matched to calls by id, with many calls in flight on one connection. */
@Timeout(120)
class ManyInFlightTest {

  @Test
  void tenThousandConcurrentCallsAllCompleteWithTheirOwnResults() throws Exception {
    try (RpcParallel app = RpcParallel.create()) {
      Worker<TestWorker> w = app.serve(new TestWorker(), 0);
      try (Connection<TestWorker> c = app.connect(w, "c")) {
        List<CompletableFuture<String>> futures = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
          futures.add(c.callAsync(TestWorker.ECHO, "call-" + i));
        }
        CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        for (int i = 0; i < 10_000; i++) {
          assertThat(futures.get(i).get()).isEqualTo("call-" + i);
        }
      }
    }
  }
}
