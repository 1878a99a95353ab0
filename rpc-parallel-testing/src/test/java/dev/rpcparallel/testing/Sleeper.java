package dev.rpcparallel.testing;

import dev.rpcparallel.Implementations;
import dev.rpcparallel.Rpc;
import dev.rpcparallel.StatelessWorkerSpec;
import dev.rpcparallel.codec.Codecs;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** A worker whose "hold" call waits until released (in-process only), and an echo. */
public final class Sleeper extends StatelessWorkerSpec {
  public static final Rpc<Sleeper, String, String> ECHO = Rpc.of("echo", Codecs.STRING, Codecs.STRING);
  public static final Rpc<Sleeper, Void, Boolean> HOLD = Rpc.of("hold", Codecs.VOID, Codecs.BOOLEAN);
  static volatile CountDownLatch release = new CountDownLatch(1);

  @Override
  public void implement(Implementations<Void, Void> table) {
    table.rpc(ECHO, (s, c, q) -> q).rpc(HOLD, (s, c, q) -> release.await(10, TimeUnit.SECONDS));
  }
}
