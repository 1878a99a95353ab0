package dev.rpcparallel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rpcparallel.codec.Codecs;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code Implementations.directRpc}: the handler runs on the I/O thread only when asked. */
@Timeout(60)
class DirectRpcTest {

  /** Three functions answering with the name of the thread their handler ran on. */
  public static final class ThreadsWorker extends SimpleWorkerSpec<Void, Void> {
    static final Rpc<ThreadsWorker, Void, String> DIRECT = Rpc.of("direct", Codecs.VOID, Codecs.STRING);
    static final Rpc<ThreadsWorker, Void, String> POOLED = Rpc.of("pooled", Codecs.VOID, Codecs.STRING);
    static final Rpc<ThreadsWorker, String, String> DIRECT_FAIL = Rpc.of("direct_fail", Codecs.STRING, Codecs.STRING);
    static final OneWay<ThreadsWorker, Void> SLOW_ONE_WAY = OneWay.of("slow_one_way", Codecs.VOID);
    static final CountDownLatch ONE_WAY_GATE = new CountDownLatch(1);
    static final List<String> ORDER = java.util.Collections.synchronizedList(new ArrayList<>());

    public ThreadsWorker() {
      super(Codecs.VOID);
    }

    @Override
    public Void initWorkerState(Void arg, WorkerContext context) {
      return null;
    }

    @Override
    public void implement(Implementations<Void, Void> table) {
      table.directRpc(DIRECT, (s, c, q) -> {
            ORDER.add("direct");
            return Thread.currentThread().getName();
          })
          .rpc(POOLED, (s, c, q) -> Thread.currentThread().getName())
          .directRpc(DIRECT_FAIL, (s, c, q) -> {
            throw new IllegalArgumentException("refused " + q);
          })
          .oneWay(SLOW_ONE_WAY, (s, c, q) -> {
            ONE_WAY_GATE.await();
            ORDER.add("one-way");
          });
    }
  }

  @Test
  void aDirectRpcRunsOnTheIoThreadAndAPlainOneOnAHandlerThread() {
    try (RpcParallel app = RpcParallel.create()) {
      Worker<ThreadsWorker> w = app.serve(new ThreadsWorker(), null);
      try (Connection<ThreadsWorker> c = app.connect(w)) {
        for (int i = 0; i < 100; i++) {
          assertThat(c.call(ThreadsWorker.DIRECT)).startsWith("rpc-parallel-io");
          assertThat(c.call(ThreadsWorker.POOLED)).doesNotStartWith("rpc-parallel-io");
        }
        assertThatThrownBy(() -> c.call(ThreadsWorker.DIRECT_FAIL, "x"))
            .isInstanceOf(RemoteException.class).hasMessageContaining("refused x");
        assertThat(c.call(ThreadsWorker.DIRECT)).as("the connection is still usable").startsWith("rpc-parallel-io");
      }
    }
  }

  @Test
  void aDirectRpcDoesNotOvertakeAOneWayStillBeingHandled() throws Exception {
    ThreadsWorker.ORDER.clear();
    try (RpcParallel app = RpcParallel.create()) {
      Worker<ThreadsWorker> w = app.serve(new ThreadsWorker(), null);
      try (Connection<ThreadsWorker> c = app.connect(w)) {
        c.send(ThreadsWorker.SLOW_ONE_WAY, null);
        CompletableFuture<String> after = c.callAsync(ThreadsWorker.DIRECT, null);
        // Nothing observable says the call has reached the worker: give it time to, so that a
        // direct call overtaking the one-way would put "direct" first below. (When it arrives
        // after the one-way is over, it may run on the I/O thread: the order holds either way.)
        Thread.sleep(300);
        ThreadsWorker.ONE_WAY_GATE.countDown();
        after.get(10, TimeUnit.SECONDS);
        assertThat(ThreadsWorker.ORDER).containsExactly("one-way", "direct");
      }
    }
  }
}
