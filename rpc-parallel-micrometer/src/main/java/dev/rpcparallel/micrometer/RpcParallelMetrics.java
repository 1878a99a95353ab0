package dev.rpcparallel.micrometer;

import dev.rpcparallel.Connection;
import dev.rpcparallel.EventListener;
import dev.rpcparallel.RpcParallel;
import dev.rpcparallel.Worker;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Micrometer metrics of one {@link RpcParallel} instance, as an {@link EventListener}:
 *
 * <pre>{@code
 * MeterRegistry registry = ...;
 * try (RpcParallel app = RpcParallel.builder().eventListener(new RpcParallelMetrics(registry)).build()) {
 *   ...
 * }
 * }</pre>
 *
 * <p>Meters (every one also carries the tags given to the constructor):
 *
 * <ul>
 *   <li>{@value #CALLS} (timer): calls of the workers' functions made through the instance's
 *       connections, tagged {@code function} (the function's name), {@code kind} ({@link
 *       EventListener.CallKind}, lower case), {@code outcome} ({@code success} or {@code
 *       failure}) and {@code exception} (the failure's simple class name, or {@code none}). A
 *       pipe or state call is timed until its stream ends.
 *   <li>{@value #SPAWNS} (timer): spawns until ready or failed, tagged {@code outcome}.
 *   <li>{@value #WORKERS_LIVE} (gauge): spawned workers that are ready and have not exited.
 *   <li>{@value #WORKER_EXITS} (counter): exits of spawned workers, tagged {@code status} (the exit
 *       status).
 *   <li>{@value #CONNECTIONS_OPEN} (gauge): the instance's open connections to workers.
 *   <li>{@value #CONNECTIONS_OPENED} (counter): connections opened so far.
 * </ul>
 *
 * <p>Function names become tag values, so a worker type with unboundedly many function names
 * (there is none in practice: functions are constants) would make unboundedly many timers.
 * Recording a call costs a map lookup and the timer's own work, on the thread that finishes the
 * call (often an I/O thread). Thread-safe. One instance per {@code RpcParallel}: the gauges count
 * the events of every instance it is registered with.
 */
public final class RpcParallelMetrics extends EventListener {
  /** Timer of calls. */
  public static final String CALLS = "rpcparallel.calls";
  /** Timer of spawns. */
  public static final String SPAWNS = "rpcparallel.spawns";
  /** Gauge of live spawned workers. */
  public static final String WORKERS_LIVE = "rpcparallel.workers.live";
  /** Counter of worker exits. */
  public static final String WORKER_EXITS = "rpcparallel.workers.exits";
  /** Gauge of open connections. */
  public static final String CONNECTIONS_OPEN = "rpcparallel.connections.open";
  /** Counter of connections opened. */
  public static final String CONNECTIONS_OPENED = "rpcparallel.connections.opened";

  private static final CallKind[] KINDS = CallKind.values();

  private final MeterRegistry registry;
  private final Tags tags;
  private final AtomicLong liveWorkers = new AtomicLong();
  private final AtomicLong openConnections = new AtomicLong();
  private final Counter connectionsOpened;
  private final Timer spawnSuccess;
  private final Timer spawnFailure;
  /** Timers of successful calls, by kind, then function name: the common case takes no allocation. */
  private final ConcurrentHashMap<String, Timer>[] successes;

  /** Metrics in {@code registry}, without extra tags. */
  public RpcParallelMetrics(MeterRegistry registry) {
    this(registry, Tags.empty());
  }

  /**
   * Metrics in {@code registry}, each meter also tagged with {@code tags} (for example the
   * application's name, to tell several instances apart).
   */
  @SuppressWarnings("unchecked")
  public RpcParallelMetrics(MeterRegistry registry, Iterable<Tag> tags) {
    this.registry = Objects.requireNonNull(registry, "registry");
    this.tags = Tags.of(Objects.requireNonNull(tags, "tags"));
    Gauge.builder(WORKERS_LIVE, liveWorkers, AtomicLong::get).tags(this.tags).strongReference(true)
        .description("Spawned workers that are ready and have not exited").register(registry);
    Gauge.builder(CONNECTIONS_OPEN, openConnections, AtomicLong::get).tags(this.tags).strongReference(true)
        .description("Open connections to workers").register(registry);
    connectionsOpened = Counter.builder(CONNECTIONS_OPENED).tags(this.tags)
        .description("Connections to workers opened").register(registry);
    spawnSuccess = spawnTimer("success");
    spawnFailure = spawnTimer("failure");
    successes = new ConcurrentHashMap[KINDS.length];
    for (int i = 0; i < KINDS.length; i++) {
      successes[i] = new ConcurrentHashMap<>();
    }
  }

  private Timer spawnTimer(String outcome) {
    return Timer.builder(SPAWNS).tags(tags).tag("outcome", outcome)
        .description("Worker spawns, until ready or failed").register(registry);
  }

  private Timer callTimer(String function, CallKind kind, Throwable failure) {
    return Timer.builder(CALLS).tags(tags)
        .tag("function", function)
        .tag("kind", kind.name().toLowerCase(java.util.Locale.ROOT))
        .tag("outcome", failure == null ? "success" : "failure")
        .tag("exception", failure == null ? "none" : failure.getClass().getSimpleName())
        .description("Calls of worker functions, client side")
        .register(registry);
  }

  /** Records the call in {@value #CALLS}. */
  @Override
  public void callFinished(Connection<?> connection, String function, CallKind kind, long elapsedNanos, Throwable failure) {
    Timer t;
    if (failure == null) {
      ConcurrentHashMap<String, Timer> byName = successes[kind.ordinal()];
      t = byName.get(function);
      if (t == null) {
        t = byName.computeIfAbsent(function, f -> callTimer(f, kind, null));
      }
    } else {
      t = callTimer(function, kind, failure);
    }
    t.record(elapsedNanos, TimeUnit.NANOSECONDS);
  }

  /** Records the spawn in {@value #SPAWNS}; counts the worker in {@value #WORKERS_LIVE}. */
  @Override
  public void spawnReady(Worker<?> worker, Duration elapsed) {
    liveWorkers.incrementAndGet();
    spawnSuccess.record(elapsed);
  }

  /** Records the failed spawn in {@value #SPAWNS}. */
  @Override
  public void spawnFailed(String name, RuntimeException error, Duration elapsed) {
    spawnFailure.record(elapsed);
  }

  /** Counts the exit in {@value #WORKER_EXITS}; the worker leaves {@value #WORKERS_LIVE}. */
  @Override
  public void workerExited(Worker<?> worker, int exitStatus) {
    liveWorkers.decrementAndGet();
    Counter.builder(WORKER_EXITS).tags(tags).tag("status", Integer.toString(exitStatus))
        .description("Exits of spawned workers").register(registry).increment();
  }

  /** Counts the connection in {@value #CONNECTIONS_OPEN} and {@value #CONNECTIONS_OPENED}. */
  @Override
  public void connectionOpened(Connection<?> connection) {
    openConnections.incrementAndGet();
    connectionsOpened.increment();
  }

  /** The connection leaves {@value #CONNECTIONS_OPEN}. */
  @Override
  public void connectionClosed(Connection<?> connection, String reason) {
    openConnections.decrementAndGet();
  }

  @Override
  public String toString() {
    return "RpcParallelMetrics" + tags;
  }
}
