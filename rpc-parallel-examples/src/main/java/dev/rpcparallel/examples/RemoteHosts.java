package dev.rpcparallel.examples;

import dev.rpcparallel.Connection;
import dev.rpcparallel.RpcParallel;
import dev.rpcparallel.SpawnOptions;
import dev.rpcparallel.SshLauncher;
import dev.rpcparallel.Worker;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * Spawns one {@link SumWorker} on each host named on the command line, over SSH (the system
 * {@code ssh}: your {@code ~/.ssh/config}, agent and {@code known_hosts} apply; see
 * docs/REMOTE.md), all at once, then calls each and shuts it down. A host is {@code host},
 * {@code user@host} or an alias; {@code -o Key=value} arguments are passed to ssh for every host.
 *
 * <pre>mvn -B -q -pl rpc-parallel-examples exec:exec \
 *   -Dexec.args="-cp %classpath dev.rpcparallel.examples.RemoteHosts worker-1 me@worker-2"</pre>
 *
 * <p>Prints, per host, {@code <host>: sum(0..999) = 499500, copied <n> files (<k> KiB)} and then
 * {@code <host>: exited with status 0}. The first run copies the class path to each host; later
 * runs copy nothing.
 */
public final class RemoteHosts {
  private RemoteHosts() {}

  public static void main(String[] args) {
    List<String> hosts = new ArrayList<>();
    List<String> options = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("-o") && i + 1 < args.length) {
        options.add(args[++i]);
      } else {
        hosts.add(args[i]);
      }
    }
    if (hosts.isEmpty()) {
      System.err.println("usage: RemoteHosts [-o Key=value]... [user@]host...");
      System.exit(2);
    }
    run(hosts, options, null, System.out::println);
  }

  /**
   * Spawns on every host, calls, shuts down; reports through {@code out}. {@code cacheDirectory}
   * is the hosts' cache directory, or null for the default.
   */
  public static void run(List<String> hosts, List<String> sshOptions, String cacheDirectory, Consumer<String> out) {
    try (RpcParallel app = RpcParallel.create()) {
      List<SshLauncher> launchers = new ArrayList<>();
      List<CompletableFuture<Worker<SumWorker>>> spawns = new ArrayList<>();
      for (String target : hosts) {
        int at = target.indexOf('@');
        SshLauncher.Builder b = SshLauncher.to(target.substring(at + 1));
        if (at > 0) {
          b.user(target.substring(0, at));
        }
        sshOptions.forEach(b::option);
        if (cacheDirectory != null) {
          b.cacheDirectory(cacheDirectory);
        }
        SshLauncher launcher = b.build();
        launchers.add(launcher);
        spawns.add(app.spawnAsync(new SumWorker(), "hello from " + target,
            SpawnOptions.builder().name("sum@" + target).launcher(launcher).build()));
      }
      for (int i = 0; i < hosts.size(); i++) {
        Worker<SumWorker> w = spawns.get(i).join();
        SshLauncher l = launchers.get(i);
        try (Connection<SumWorker> c = app.connect(w)) {
          out.accept(hosts.get(i) + ": sum(0..999) = " + c.call(SumWorker.SUM, 1000) + ", copied " + l.filesCopied()
              + " files (" + (l.bytesCopied() + 1023) / 1024 + " KiB)");
        }
        app.shutdown(w).join();
        out.accept(hosts.get(i) + ": exited with status " + app.onExit(w).join());
      }
    }
  }
}
