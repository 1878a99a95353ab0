package dev.rpcparallel.internal.engine;

import dev.rpcparallel.RpcParallelException;
import dev.rpcparallel.RpcParallelException.Kind;
import dev.rpcparallel.SpawnOptions;
import dev.rpcparallel.internal.process.ClassPaths;
import dev.rpcparallel.internal.remote.Addresses;
import dev.rpcparallel.internal.remote.ClassPathPacker;
import dev.rpcparallel.internal.remote.CodeShipper;
import dev.rpcparallel.internal.remote.RemoteLaunch;
import dev.rpcparallel.internal.remote.ShippedEntry;
import dev.rpcparallel.internal.remote.SshConfig;
import dev.rpcparallel.internal.remote.SshTarget;
import java.io.File;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * What a spawn on another host needs before its process starts: the class path on the host
 * ({@link CodeShipper}), the address the worker connects back to, and the ssh command with the
 * first line of its stdin ({@link RemoteLaunch}).
 *
 * @param command the ssh command and its stdin's first line
 * @param masterListen where the master listens for the worker
 * @param masterAddress the address the worker connects back to
 * @param listen where the worker listens
 * @param advertise what the worker puts in its handle ("" : its address on the route to the master)
 */
record RemoteSpawn(RemoteLaunch.Command command, String masterListen, String masterAddress, String listen, String advertise) {

  /**
   * Prepares the host and builds the command.
   *
   * @throws RpcParallelException {@code SPAWN_FAILED} naming the host and what failed
   */
  static RemoteSpawn prepare(Engine engine, SshTarget target, SpawnOptions options, Class<?> specClass, String name) {
    try {
      List<String> local = Arrays.asList(ClassPaths.forWorker(specClass, options.extraClasspath()).split(File.pathSeparator));
      List<ShippedEntry> entries = ClassPathPacker.entries(local);
      CodeShipper.Prepared host = CodeShipper.prepare(target, entries);
      engine.handles().copied(options.launcher(), host.filesCopied(), host.bytesCopied());
      String masterAddress = target.masterAddress().orElseGet(() -> Addresses.routeTo(SshConfig.hostName(target)));
      List<String> javaArgs = Spawner.javaArguments(options.jvmOptions(), options, String.join(":", host.classPath()));
      RemoteLaunch.Command command = RemoteLaunch.of(target, host.java(), javaArgs, options.env(),
          options.workingDirectory().map(Path::toString));
      return new RemoteSpawn(command, target.masterListenAddress(), masterAddress,
          options.listenAddress().orElse("0.0.0.0"), options.advertiseAddress().orElse(""));
    } catch (RuntimeException e) { // RemoteFailureException, UncheckedIOException, IllegalArgumentException, or a bug
      String why = String.valueOf(e.getMessage());
      String prefix = "host " + target.destination() + ": ";
      throw new RpcParallelException(Kind.SPAWN_FAILED, "cannot start worker " + name + " on " + target.destination() + ": "
          + (why.startsWith(prefix) ? why.substring(prefix.length()) : why), e);
    }
  }
}
