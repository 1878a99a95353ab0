package dev.rpcparallel;

/**
 * The main class of spawned worker JVMs. The master starts {@code java ... dev.rpcparallel.WorkerMain}
 * and writes the worker's bootstrap (including the application secret) to its stdin; the worker
 * connects back to the master, initialises, registers, and serves until its {@link ShutdownOn}
 * rule says to exit: status 0 on an orderly shutdown, 254 on a failure (docs/LIFECYCLE.md).
 *
 * <p>A program that must own its {@code main} (a fat jar, a native launcher) calls {@link
 * #runIfSpawned()} on its first line and spawns with {@link SpawnOptions.Builder#mainClass}.
 */
public final class WorkerMain {
  /** System property set on spawned worker JVMs. */
  public static final String SPAWNED_PROPERTY = "dev.rpcparallel.spawned";

  private WorkerMain() {}

  /**
   * Runs this JVM as a spawned worker and exits it with the worker's status: 0 after an orderly
   * shutdown, 254 on a failure (including a missing or unreadable bootstrap on stdin, when the JVM
   * was not started by a master). The arguments are ignored.
   */
  public static void main(String[] args) {
    System.exit(RpcParallel.runSpawnedWorker());
  }

  /**
   * If this JVM was spawned as a worker, runs it as one and never returns (the JVM exits when
   * the worker does); otherwise returns at once.
   */
  public static void runIfSpawned() {
    if (Boolean.getBoolean(SPAWNED_PROPERTY)) {
      System.exit(RpcParallel.runSpawnedWorker());
    }
  }
}
