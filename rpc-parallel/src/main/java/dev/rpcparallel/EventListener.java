package dev.rpcparallel;

import java.time.Duration;

/**
 * Hears what one {@link RpcParallel} instance does: the phases of each spawn, worker exits,
 * client connections and calls. Extend it and override the methods of interest (every method
 * does nothing here), then register it with {@link RpcParallel.Builder#eventListener}; the
 * default is {@link #NONE}, which costs nothing: with no listener (and no JFR recording of the
 * call events) the call path makes no extra allocation, reads no clock and touches no shared
 * state. For metrics, see the {@code rpc-parallel-micrometer} artifact.
 *
 * <p>An abstract class, as OkHttp's {@code EventListener}, rather than an interface: a listener
 * overrides a few of many methods, so it is never a lambda; new events can be added in later
 * versions without any risk of clashing with a default method of another interface a listener
 * implements; and {@link #NONE} is an identity the library tests to skip all the work.
 *
 * <p><b>Which thread</b>: spawn events ({@link #spawnStarted} through {@link #spawnReady} or
 * {@link #spawnFailed}) run on the thread that spawns (the caller's, or a library thread for the
 * {@code Async} forms); {@link #workerExited} on the library thread that sees the process exit;
 * {@link #connectionOpened} on the handler executor, before {@code connect} returns (or its
 * future completes); {@link #connectionClosed} and the {@link #callFinished} of rpc, one-way and
 * reverse-pipe calls on an I/O thread (or the handler executor); the {@link #callFinished} of
 * pipe and state-rpc calls on the thread that reads their stream to its end or closes it (a
 * stream closed before its end finishes with no failure); {@link #callStarted} on the caller's
 * thread. Methods may run on several threads at
 * once, so an implementation must be thread-safe. Above all it must be quick and must never
 * block: it runs on I/O threads, which serve every connection of the instance. Hand slow work
 * (writing to a file, a network exporter) to a thread of your own.
 *
 * <p><b>Failures</b>: an exception or error a method throws is caught and logged (WARN, logger
 * {@code dev.rpcparallel.EventListener}, at most 10 lines a minute); it never reaches the library's
 * caller nor changes what the library does.
 *
 * <p><b>Order</b>: for one spawn, {@link #spawnStarted} comes first, then {@link
 * #processStarted}, {@link #workerConnected}, {@link #initStarted} and {@link #spawnReady}, each
 * at most once and in that order, or {@link #spawnFailed} instead of the phases not reached; and
 * {@link #workerExited} only after {@link #spawnReady} (a spawn that fails reports no exit). For
 * one connection, {@link #connectionOpened} comes before every call event of that connection and
 * before {@link #connectionClosed}. For one call, {@link #callStarted} comes before its {@link
 * #callFinished}, which comes before the caller sees the outcome (the blocking method returns or
 * throws, the future completes) for rpc and reverse-pipe calls and for {@code sendAsync} (a
 * blocking {@code send} may return before its message is written, and so before it finishes). Each of these pairs is ordered by
 * happens-before, also across threads. Events of different spawns, connections or calls are not
 * ordered with each other.
 *
 * <p><b>Scope</b>: only what this instance does as a client: workers it spawns, connections it
 * opens (not its own control connections used for {@code shutdown} or {@code
 * retireCredentials}), and calls of the worker's functions made through those connections (not
 * built-ins such as {@code subscribeLog}). Workers served by this instance report nothing here.
 */
public abstract class EventListener {

  /** The listener that hears nothing: the default, and free. */
  public static final EventListener NONE = new EventListener() {
    @Override
    public String toString() {
      return "EventListener.NONE";
    }
  };

  /** Which kind of function a call is of. */
  public enum CallKind {
    /** {@link Rpc}: one query, one response. */
    RPC,
    /** {@link OneWay}: a message without response; it finishes when written. */
    ONE_WAY,
    /** {@link Pipe}: a query, then a stream of items; it finishes when the stream ends. */
    PIPE,
    /** {@link ReversePipe}: a query and a stream of updates, then one response. */
    REVERSE_PIPE,
    /** {@link StateRpc}: a query, a state, then a stream of updates; it finishes when the stream ends. */
    STATE_RPC
  }

  /** For subclasses. */
  protected EventListener() {}

  /**
   * A spawn began: after the instance was checked (open, not in-memory, options valid), before
   * anything of the spawn was checked or started. A spawn refused by those first checks reports
   * nothing.
   *
   * @param name the worker's name ({@link SpawnOptions#name()}), or its id if it has none
   */
  public void spawnStarted(String name) {}

  /**
   * The worker's process started (for a remote worker: the local process, ssh).
   *
   * @param name the worker's name or id
   * @param pid the local process's id
   */
  public void processStarted(String name, long pid) {}

  /**
   * The worker connected back to this instance (its master).
   *
   * @param name the worker's name or id
   */
  public void workerConnected(String name) {}

  /**
   * The worker began running {@code initWorkerState}.
   *
   * @param name the worker's name or id
   */
  public void initStarted(String name) {}

  /**
   * The spawn succeeded: {@code initWorkerState} returned and the worker serves at its handle.
   *
   * @param worker the new worker's handle
   * @param elapsed time since {@link #spawnStarted}
   */
  public void spawnReady(Worker<?> worker, Duration elapsed) {}

  /**
   * The spawn failed; the spawn method throws {@code error} once this returns, and the child
   * process is gone by then.
   *
   * @param name the worker's name or id
   * @param error what the spawn throws (an {@link RpcParallelException} of kind {@code
   *     SPAWN_FAILED} or {@code SPAWN_TIMEOUT}, unless the launcher failed otherwise)
   * @param elapsed time since {@link #spawnStarted}
   */
  public void spawnFailed(String name, RuntimeException error, Duration elapsed) {}

  /**
   * A worker whose spawn succeeded exited.
   *
   * @param worker its handle
   * @param exitStatus the process's exit status (0 after an orderly shutdown)
   */
  public void workerExited(Worker<?> worker, int exitStatus) {}

  /**
   * A connection to a worker opened: authenticated, and its {@code initConnectionState} returned.
   *
   * @param connection the new connection
   */
  public void connectionOpened(Connection<?> connection) {}

  /**
   * A connection this instance opened closed, from either side.
   *
   * @param connection the connection
   * @param reason why ({@link Connection#closeReason()})
   */
  public void connectionClosed(Connection<?> connection, String reason) {}

  /**
   * A call of one of the worker's functions starts, before its query is encoded.
   *
   * @param connection the connection it goes through
   * @param function the function's name
   * @param kind the function's kind
   */
  public void callStarted(Connection<?> connection, String function, CallKind kind) {}

  /**
   * A call finished. An {@link CallKind#RPC RPC} or {@link CallKind#REVERSE_PIPE REVERSE_PIPE}
   * call finishes when its response (or failure) arrives; a {@link CallKind#ONE_WAY ONE_WAY}
   * message when it is written; a {@link CallKind#PIPE PIPE} or {@link CallKind#STATE_RPC
   * STATE_RPC} call when its reader sees the stream end, fail, or closes it (a stream nobody
   * reads to its end nor closes never finishes).
   *
   * @param connection the connection it went through
   * @param function the function's name
   * @param kind the function's kind
   * @param elapsedNanos time since {@link #callStarted}, in nanoseconds
   * @param failure why it failed ({@link RemoteException}, {@link RpcParallelException}, ...),
   *     or null if it succeeded
   */
  public void callFinished(Connection<?> connection, String function, CallKind kind, long elapsedNanos, Throwable failure) {}
}
