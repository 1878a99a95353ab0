package dev.rpcparallel.internal.engine;

import dev.rpcparallel.Launcher;
import dev.rpcparallel.internal.remote.SshTarget;
import java.util.Optional;

import dev.rpcparallel.Worker;
import dev.rpcparallel.WorkerSpec;

/**
 * Builds and reads the public {@link Worker} handles, whose credential is not public API, and
 * reads the host of an {@code SshLauncher}. The
 * facade implements it (it shares the handle's package) and hands it to the engine.
 */
public interface Handles {
  <W extends WorkerSpec<?, ?, ?, ?>> Worker<W> worker(HandleData data);

  HandleData data(Worker<?> worker);

  /** The host an {@code SshLauncher} reaches; empty for other launchers. */
  Optional<SshTarget> sshTarget(Launcher launcher);

  /** Counts what a spawn through an {@code SshLauncher} copied to its host. */
  void copied(Launcher launcher, int files, long bytes);
}
