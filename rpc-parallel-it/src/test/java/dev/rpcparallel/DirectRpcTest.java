package dev.rpcparallel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rpcparallel.codec.Codecs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code Implementations.directRpc}: the handler runs on the I/O thread only when asked. */
@Timeout(60)
class DirectRpcTest {

  /** Functions answering with the name of the thread their handler ran on. */
  public static final class ThreadsWorker extends SimpleWorkerSpec<Void, Void> {
    static final Rpc<ThreadsWorker, Void, String> DIRECT = Rpc.of("direct", Codecs.VOID, Codecs.STRING);
    static final Rpc<ThreadsWorker, Void, String> POOLED = Rpc.of("pooled", Codecs.VOID, Codecs.STRING);
    static final Rpc<ThreadsWorker, String, String> DIRECT_FAIL = Rpc.of("direct_fail", Codecs.STRING, Codecs.STRING);

    public ThreadsWorker() {
      super(Codecs.VOID);
    }

    @Override
    public Void initWorkerState(Void arg, WorkerContext context) {
      return null;
    }

    @Override
    public void implement(Implementations<Void, Void> table) {
      table.directRpc(DIRECT, (s, c, q) -> Thread.currentThread().getName())
          .rpc(POOLED, (s, c, q) -> Thread.currentThread().getName())
          .directRpc(DIRECT_FAIL, (s, c, q) -> {
            throw new IllegalArgumentException("refused " + q);
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

  // That a direct rpc does not overtake a one-way still being handled is tested without timing in
  // SessionTest.aDirectCallArrivingWhileAOneWayIsHandledRunsAfterItAndOtherwiseOnTheLinkThread
  // (the server method's accept hook says when the call has arrived).
}
