package dev.rpcparallel;

/**
 * When a spawned worker exits by itself. Whatever the mode, a worker also exits (status 0) when
 * {@link RpcParallel#shutdown(Worker)} is called on it, and (status 254) after a background
 * failure.
 */
public enum ShutdownOn {
  /**
   * The worker keeps a heartbeating connection to the master that spawned it and exits when that
   * connection is lost: the master exited or was killed (TCP EOF, at once), the link went silent
   * (after the heartbeat timeout), or its stdin from the master closed (a pipe for local workers;
   * the ssh session for remote ones, which closes when the master or its ssh is gone).
   * The default of {@link RpcParallel#spawn}.
   */
  HEARTBEAT_TIMEOUT,
  /**
   * The worker exits when the connection made by {@link RpcParallel#spawnAndConnect} closes (or
   * if it was not opened within the connection timeout plus 5 s of the worker starting to serve).
   * It also exits on the master-loss signals of {@link #HEARTBEAT_TIMEOUT} that come before that
   * connection opens.
   */
  CONNECTION_CLOSED,
  /**
   * The worker exits only when told to with {@link RpcParallel#shutdown(Worker)}. It outlives its
   * master: use with care, since nothing else stops it.
   */
  CALLED_SHUTDOWN_FUNCTION
}
