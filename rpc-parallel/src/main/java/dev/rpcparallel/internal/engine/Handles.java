package dev.rpcparallel.internal.engine;

import dev.rpcparallel.Launcher;
import dev.rpcparallel.internal.remote.SshTarget;
import java.util.Optional;

import dev.rpcparallel.Worker;
import dev.rpcparallel.WorkerSpec;

/**
 * Builds and reads the public {@link Worker} handles, whose credential is not public API, and
 * reads the host of an {@code SshLauncher}. {@link EngineProviderImpl} implements it with the
 * accessors the API package gives its {@code EngineProvider}.
 */
public interface Handles {
  <W extends WorkerSpec<?, ?, ?, ?>> Worker<W> worker(HandleData data);

  HandleData data(Worker<?> worker);

  /** The host an {@code SshLauncher} reaches; empty for other launchers. */
  Optional<SshTarget> sshTarget(Launcher launcher);

  /** Counts what a spawn through an {@code SshLauncher} copied to its host. */
  void copied(Launcher launcher, int files, long bytes);
}
