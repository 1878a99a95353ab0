package dev.rpcparallel.remote;

import dev.rpcparallel.Connection;
import dev.rpcparallel.RpcParallel;
import dev.rpcparallel.RpcSettings;
import dev.rpcparallel.ShutdownOn;
import dev.rpcparallel.SpawnOptions;
import dev.rpcparallel.SshLauncher;
import dev.rpcparallel.Worker;
import java.time.Duration;
import java.util.Map;

/**
 * Test main: a master that spawns two remote {@link HopWorker}s on host {@code args[0]} (user
 * {@code args[1]}, cache {@code args[2]}, ssh options after), one in heartbeat mode and one that
 * keeps its connection, prints {@code PID <pid>} for each and {@code READY}, then waits to be killed.
 */
public final class RemoteMasterMain {
  static final Duration TIMEOUT = Duration.ofSeconds(3);

  private RemoteMasterMain() {}

  public static void main(String[] args) throws Exception {
    SshLauncher.Builder b = SshLauncher.to(args[0]).user(args[1]).cacheDirectory(args[2]);
    for (int i = 3; i < args.length; i++) {
      b.option(args[i]);
    }
    SshLauncher launcher = b.build();
    RpcSettings settings = RpcSettings.builder().heartbeatInterval(Duration.ofMillis(500)).heartbeatTimeout(TIMEOUT).build();
    RpcParallel app = RpcParallel.builder().settings(settings).environment(Map.of()).build();
    Worker<HopWorker> hb = app.spawn(new HopWorker(), null, SpawnOptions.builder().name("hb").launcher(launcher).build());
    Connection<HopWorker> hbConn = app.connect(hb);
    System.out.println("PID " + hbConn.call(HopWorker.PID));
    Connection<HopWorker> cc = app.spawnAndConnect(new HopWorker(), null, null,
        SpawnOptions.builder().name("cc").launcher(launcher).shutdownOn(ShutdownOn.CONNECTION_CLOSED).build());
    System.out.println("PID " + cc.call(HopWorker.PID));
    System.out.println("READY");
    System.out.flush();
    Thread.sleep(Long.MAX_VALUE);
  }
}
