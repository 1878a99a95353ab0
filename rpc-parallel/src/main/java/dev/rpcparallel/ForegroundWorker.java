package dev.rpcparallel;

/**
 * A worker started by {@link RpcParallel#spawnInForeground}: a plain child process whose stdout
 * and stderr the caller reads from {@link #process()}. The caller must wait for the process to
 * end (for example {@code process().waitFor()}) and close its streams; the library does that
 * itself only when the spawn fails.
 */
public record ForegroundWorker(Worker worker, Process process) {}
