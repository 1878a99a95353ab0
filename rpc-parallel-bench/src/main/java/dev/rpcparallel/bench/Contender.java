package dev.rpcparallel.bench;

/**
 * One RPC stack under comparison. A contender owns a server running in a separate JVM (started by
 * {@link #start()}, stopped and reaped by {@link #close()}) and a client in the current JVM that
 * performs the benchmark operations against it.
 *
 * <p>To add a contender: implement this interface in one class (use {@link ServerProcess} to launch
 * the server JVM) and add one line to {@link Contenders#ALL}.
 *
 * <p>Implementations are used from one thread at a time; operations run one after the other.
 */
public interface Contender extends AutoCloseable {

  /** Short, unique name used on the command line ({@code --only}) and in the report. */
  String name();

  /** One line describing how the contender is configured (printed under the report). */
  String description();

  /**
   * Launches the server JVM, waits until it listens, and connects the client.
   *
   * @throws Exception if the server does not come up; the caller then calls {@link #close()}
   */
  void start() throws Exception;

  /** Sends {@code payload} in one call, blocks until the echoed reply arrives and returns it. */
  byte[] roundTrip(byte[] payload) throws Exception;

  /**
   * Makes {@code totalCalls} calls with 8-byte payloads, keeping up to {@code inFlight} of them
   * outstanding at any time.
   *
   * @return completed calls per second
   */
  double pipelined(int inFlight, int totalCalls) throws Exception;

  /**
   * Makes one request for which the server streams {@code items} items of {@code itemSize} bytes.
   *
   * @return items received per second
   */
  double stream(int itemSize, int items) throws Exception;

  /**
   * Sends one value of {@code bytes} bytes and waits for an 8-byte acknowledgement.
   *
   * @return throughput in MB/s (10^6 bytes per second)
   */
  double bulk(int bytes) throws Exception;

  /**
   * Disconnects the client, stops the server JVM and waits for it to exit. Must be safe to call
   * after a failed or partial {@link #start()} and more than once. Does not throw.
   */
  @Override
  void close();
}
