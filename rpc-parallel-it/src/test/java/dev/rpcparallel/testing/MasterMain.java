package dev.rpcparallel.testing;

import dev.rpcparallel.Connection;
import dev.rpcparallel.RpcParallel;
import dev.rpcparallel.ShutdownOn;
import dev.rpcparallel.SpawnOptions;
import dev.rpcparallel.Worker;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Test main: a master JVM that spawns 3 HEARTBEAT_TIMEOUT workers, 3 CONNECTION_CLOSED workers
 * (keeping their connections) and 1 CALLED_SHUTDOWN_FUNCTION worker, all {@link LifecycleWorker}s,
 * then prints {@code PID <mode> <pid>} for each, {@code HANDLE <base64 handle>} of the
 * CALLED_SHUTDOWN_FUNCTION worker and {@code READY}, and waits for EOF on stdin (or to be killed).
 *
 * <p>With argument {@code hang}: starts a HEARTBEAT_TIMEOUT worker named {@code hang-hb} and a
 * CONNECTION_CLOSED one named {@code hang-cc} whose initWorkerState never returns, and waits.
 */
public final class MasterMain {
  private MasterMain() {}

  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals("hang")) {
      try (RpcParallel app = RpcParallel.create()) {
        app.spawnAsync(new LifecycleWorker(), -2, SpawnOptions.builder().name("hang-hb").build());
        app.spawnAndConnectAsync(new LifecycleWorker(), -2, null, SpawnOptions.builder().name("hang-cc").build());
        while (System.in.read() >= 0) {
          // wait for EOF
        }
      }
      return;
    }
    try (RpcParallel app = RpcParallel.create()) {
      List<CompletableFuture<Connection<LifecycleWorker>>> conns = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        SpawnOptions hb = SpawnOptions.builder().name("hb-" + i).build();
        conns.add(app.spawnAsync(new LifecycleWorker(), i, hb).thenApply(w -> app.connect(w)));
        conns.add(app.spawnAndConnectAsync(new LifecycleWorker(), i, null, SpawnOptions.builder().name("cc-" + i).build()));
      }
      SpawnOptions csf = SpawnOptions.builder().name("csf").shutdownOn(ShutdownOn.CALLED_SHUTDOWN_FUNCTION).build();
      Worker<LifecycleWorker> survivor = app.spawn(new LifecycleWorker(), 0, csf);
      for (CompletableFuture<Connection<LifecycleWorker>> f : conns) {
        Connection<LifecycleWorker> c = f.join();
        String mode = c.worker().nameOrId().startsWith("hb") ? "HEARTBEAT_TIMEOUT" : "CONNECTION_CLOSED";
        System.out.println("PID " + mode + " " + c.call(LifecycleWorker.PID));
      }
      try (Connection<LifecycleWorker> c = app.connect(survivor)) {
        System.out.println("PID CALLED_SHUTDOWN_FUNCTION " + c.call(LifecycleWorker.PID));
      }
      System.out.println("HANDLE " + Base64.getEncoder().encodeToString(Worker.CODEC.toBytes(survivor)));
      System.out.println("READY");
      System.out.flush();
      while (System.in.read() >= 0) {
        // wait for EOF
      }
    }
  }
}
