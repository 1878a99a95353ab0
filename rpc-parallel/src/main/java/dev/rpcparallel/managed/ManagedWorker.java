package dev.rpcparallel.managed;

import dev.rpcparallel.Connection;
import dev.rpcparallel.ConnectionClosedException;
import dev.rpcparallel.OneWay;
import dev.rpcparallel.Rpc;
import dev.rpcparallel.RpcParallel;
import dev.rpcparallel.RpcParallelException;
import dev.rpcparallel.ShutdownOn;
import dev.rpcparallel.SpawnOptions;
import dev.rpcparallel.Worker;
import dev.rpcparallel.WorkerSpec;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A spawned worker with a connection kept for you (the original's {@code Managed}): calls go
 * through a cached connection; when that connection is lost (cut, or closed by the worker), the
 * next call connects again, concurrent callers sharing one attempt. With a {@link Supervision}
 * policy a worker that exits is spawned again; {@link #kill()} ends it for good.
 *
 * <pre>{@code
 * try (ManagedWorker<Counter> counter = ManagedWorker.builder(app, new Counter(), 0)
 *     .supervision(Supervision.restart(3, Duration.ofMinutes(1)))
 *     .listener(new ManagedWorker.Listener() {
 *       public void onGiveUp(RpcParallelException why) { alert(why); }
 *     })
 *     .start()) {
 *   counter.call(Counter.ADD, 5);
 * }
 * }</pre>
 *
 * <p><b>Calls</b> are not retried: one in flight when its connection or worker is lost fails
 * with {@link dev.rpcparallel.ConnectionClosedException} (it may or may not have run); the next
 * call reconnects. While a restart is pending, calls wait for the new worker (or fail if it is
 * given up). After the worker is given up, calls fail with an {@link RpcParallelException} of
 * kind {@code WORKER_FAILED} naming the exit status; after {@link #kill()}, with kind {@code
 * CANCELLED}.
 *
 * <p><b>Worker state</b> lives in the worker: a restarted worker starts from its init argument
 * again, and a new connection runs {@code initConnectionState} again.
 *
 * <p>Thread-safe. {@link Listener} methods run on library threads, one event at a time per
 * event source; they should return quickly.
 *
 * @param <W> the worker's spec
 */
public final class ManagedWorker<W extends WorkerSpec<?, ?, ?, ?>> implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ManagedWorker.class);

  /** Events of a managed worker; every method has an empty default. */
  public interface Listener {
    /** The worker reported a failure in the background (an uncaught exception); it is going down. */
    default void onFailure(RpcParallelException failure) {}

    /** The cached connection was lost other than by {@link #kill()}; {@code reason} says how. */
    default void onConnectionLost(String reason) {}

    /** The worker exited ({@code why}) and will be spawned again after {@code backoff}; the {@code restart}th within the window. */
    default void onRestart(int restart, Duration backoff, String why) {}

    /** The worker exited and will not be spawned again; calls now fail with {@code why}. */
    default void onGiveUp(RpcParallelException why) {}
  }

  private final RpcParallel app;
  private final String name;
  private final Supplier<CompletableFuture<Worker<W>>> spawn;
  private final Function<Worker<W>, CompletableFuture<Connection<W>>> connect;
  private final Supervision supervision;
  private final Listener listener;
  /** How long a call that failed to connect waits to learn whether the worker is exiting. */
  private static final Duration EXIT_WAIT = Duration.ofSeconds(5);

  private final Deque<Long> restartTimes = new ArrayDeque<>();
  private Worker<W> worker;
  /** The cached connection, a connection being made, or a restart in progress; null when there is none. */
  private CompletableFuture<Connection<W>> connection;
  private boolean killed;
  private RpcParallelException gaveUp;
  private int restartsTotal;

  private ManagedWorker(Builder<W, ?, ?> b, Supplier<CompletableFuture<Worker<W>>> spawn,
      Function<Worker<W>, CompletableFuture<Connection<W>>> connect) {
    this.app = b.app;
    this.name = b.options.name().orElse(b.spec.getClass().getSimpleName());
    this.spawn = spawn;
    this.connect = connect;
    this.supervision = b.supervision;
    this.listener = b.listener;
  }

  /** Starts building a managed worker of {@code spec}, initialised with {@code initArg}. */
  public static <W extends WorkerSpec<A, ?, C, ?>, A, C> Builder<W, A, C> builder(RpcParallel app, W spec, A initArg) {
    return new Builder<>(Objects.requireNonNull(app, "app"), Objects.requireNonNull(spec, "spec"), initArg);
  }

  /** Calls {@code f} on the worker through the cached connection (connecting first if needed). */
  public <Q, R> R call(Rpc<W, Q, R> f, Q query) {
    return connection().call(f, query);
  }

  /** Calls {@code f}, whose query is {@code Void}, through the cached connection. */
  public <R> R call(Rpc<W, Void, R> f) {
    return connection().call(f, null);
  }

  /** Sends a one-way message through the cached connection (connecting first if needed). */
  public <Q> void send(OneWay<W, Q> f, Q query) {
    connection().send(f, query);
  }

  /** Runs {@code body} with the cached connection: for pipes, state functions and the rest. */
  public <R> R run(Function<? super Connection<W>, ? extends R> body) {
    return body.apply(connection());
  }

  /**
   * The cached connection, made first if there is none or it was lost; waits for a restart in
   * progress. Do not close it: the next call would only make another.
   *
   * @throws RpcParallelException {@code WORKER_FAILED} if the worker was given up, {@code
   *     CANCELLED} if killed, or why connecting failed
   */
  public Connection<W> connection() {
    while (true) {
      CompletableFuture<Connection<W>> f;
      Worker<W> target;
      synchronized (this) {
        checkUsable();
        if (connection == null || lost(connection)) {
          connection = connectTo(worker);
        }
        f = connection;
        target = worker;
      }
      try {
        return f.join();
      } catch (CompletionException e) {
        RuntimeException cause = e.getCause() instanceof RuntimeException r ? r : e;
        if (!awaitRestartAfter(target, cause)) {
          throw cause;
        }
        // the worker exited and supervision decided: connect to the new one (or report why not)
      }
    }
  }

  /**
   * A connect to {@code target} failed: if supervision may restart it and it is exiting (a call
   * that races its death), waits until its exit has been handled (a restart is pending, or it was
   * given up) and says to try again.
   */
  private boolean awaitRestartAfter(Worker<W> target, RuntimeException failure) {
    // A dying worker refuses the connect, or accepts it and then closes it during the handshake.
    if (supervision.maxRestarts() == 0 || !(failure instanceof RpcParallelException r)
        || !(r.kind() == RpcParallelException.Kind.CONNECT_FAILED || r instanceof ConnectionClosedException)) {
      return false;
    }
    try {
      app.onExit(target).get(EXIT_WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception notExiting) {
      return false; // alive (or not ours): the connect failure stands
    }
    long deadline = System.nanoTime() + EXIT_WAIT.toNanos();
    synchronized (this) {
      while (!killed && gaveUp == null && worker == target && connection != null && connection.isDone()) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        try {
          TimeUnit.NANOSECONDS.timedWait(this, left);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          return false;
        }
      }
    }
    return true;
  }

  /** The worker now (another one after a restart). */
  public synchronized Worker<W> worker() {
    return worker;
  }

  /** Restarts so far (all of them, not only those in the window). */
  public synchronized int restarts() {
    return restartsTotal;
  }

  /**
   * Ends the worker for good: closes the connection, shuts the worker down and waits (up to 10 s)
   * for it to exit. No listener method is called for what this causes. Idempotent.
   */
  public void kill() {
    Worker<W> w;
    CompletableFuture<Connection<W>> c;
    synchronized (this) {
      if (killed) {
        return;
      }
      killed = true;
      w = worker;
      c = connection;
      connection = null;
      notifyAll(); // callers waiting in awaitRestartAfter
    }
    if (c != null && !c.completeExceptionally(killedError())) {
      c.thenAccept(Connection::close);
    }
    end(w);
  }

  /** Same as {@link #kill()}. */
  @Override
  public void close() {
    kill();
  }

  private void end(Worker<W> w) {
    try {
      app.shutdown(w).get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      // already gone, or unreachable: waiting for the exit tells
    }
    try {
      app.onExit(w).get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      log.warn("managed worker {} did not exit within 10 s of being killed: {}", name, e.toString());
    }
  }

  private void checkUsable() {
    if (killed) {
      throw killedError();
    }
    if (gaveUp != null) {
      throw new RpcParallelException(gaveUp.kind(), gaveUp.getMessage(), gaveUp);
    }
  }

  private RpcParallelException killedError() {
    return new RpcParallelException(RpcParallelException.Kind.CANCELLED, "managed worker " + name + " was killed");
  }

  private static boolean lost(CompletableFuture<? extends Connection<?>> f) {
    return f.isDone() && (f.isCompletedExceptionally() || f.join().isClosed()); // isClosed: at once, not via a callback
  }

  private CompletableFuture<Connection<W>> connectTo(Worker<W> w) {
    return connect.apply(w).thenApply(c -> {
      c.closeFuture().thenAccept(reason -> connectionClosed(c, reason));
      return c;
    });
  }

  private void connectionClosed(Connection<W> c, String reason) {
    synchronized (this) {
      if (killed) {
        return; // the caller ended it: not a loss
      }
      if (connection != null && connection.isDone() && !connection.isCompletedExceptionally() && connection.join() == c) {
        connection = null;
      }
    }
    fire(() -> listener.onConnectionLost("Lost connection with worker " + name + ": " + reason));
  }

  private void watch(Worker<W> w) {
    app.onExit(w).whenComplete((status, e) -> exited(w, e == null ? "exited with status " + status : "could not be watched: " + e));
  }

  private void exited(Worker<W> w, String how) {
    synchronized (this) {
      if (killed || w != worker) {
        return;
      }
    }
    decide("worker " + name + " " + how);
  }

  /** The worker is gone ({@code why}): restart it after a backoff, or give it up. */
  private void decide(String why) {
    Runnable event;
    synchronized (this) {
      if (killed) {
        return;
      }
      long now = System.nanoTime();
      while (!restartTimes.isEmpty() && now - restartTimes.peekFirst() > supervision.window().toNanos()) {
        restartTimes.pollFirst();
      }
      if (restartTimes.size() >= supervision.maxRestarts()) {
        gaveUp = new RpcParallelException(RpcParallelException.Kind.WORKER_FAILED, why + (supervision.maxRestarts() == 0
            ? "; supervision is off (Supervision.none())"
            : "; restarted " + restartTimes.size() + " times within " + supervision.window() + ", so it is given up"));
        if (connection != null) {
          connection.completeExceptionally(gaveUp);
          connection = null;
        }
        RpcParallelException e = gaveUp;
        event = () -> listener.onGiveUp(e);
      } else {
        restartTimes.addLast(now);
        restartsTotal++;
        int n = restartTimes.size();
        Duration backoff = supervision.backoffBefore(n);
        if (connection == null || connection.isDone()) {
          connection = new CompletableFuture<>();
        }
        CompletableFuture<Connection<W>> pending = connection;
        CompletableFuture.delayedExecutor(backoff.toNanos(), TimeUnit.NANOSECONDS).execute(() -> respawn(pending));
        event = () -> listener.onRestart(n, backoff, why);
      }
      notifyAll(); // callers waiting in awaitRestartAfter
    }
    fire(event);
  }

  private void respawn(CompletableFuture<Connection<W>> pending) {
    synchronized (this) {
      if (killed) {
        return;
      }
    }
    spawn.get().whenComplete((fresh, e) -> {
      if (e != null) {
        Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
        decide("restarting worker " + name + " failed: " + cause.getMessage());
        return;
      }
      synchronized (this) {
        if (killed) {
          CompletableFuture.runAsync(() -> end(fresh));
          return;
        }
        worker = fresh;
      }
      watch(fresh);
      connectTo(fresh).whenComplete((c, e2) -> {
        if (e2 != null) {
          pending.completeExceptionally(e2); // the next call connects again
        } else {
          pending.complete(c);
        }
      });
    });
  }

  private void fire(Runnable event) {
    try {
      event.run();
    } catch (RuntimeException e) {
      log.warn("a listener of managed worker {} threw", name, e);
    }
  }

  /**
   * Builds a {@link ManagedWorker}. Not thread-safe.
   *
   * @param <W> the worker's spec
   * @param <A> its init argument
   * @param <C> its connection argument
   */
  public static final class Builder<W extends WorkerSpec<A, ?, C, ?>, A, C> {
    private final RpcParallel app;
    private final W spec;
    private final A initArg;
    private C connectionArg;
    private SpawnOptions options = SpawnOptions.defaults();
    private Supervision supervision = Supervision.none();
    private Listener listener = new Listener() {};

    private Builder(RpcParallel app, W spec, A initArg) {
      this.app = app;
      this.spec = spec;
      this.initArg = initArg;
    }

    /** The argument of every connection made (default null). */
    public Builder<W, A, C> connectionArg(C arg) {
      this.connectionArg = arg;
      return this;
    }

    /**
     * How the worker is spawned (and spawned again). {@link ShutdownOn#CONNECTION_CLOSED} is
     * refused: a managed worker outlives its connections.
     */
    public Builder<W, A, C> options(SpawnOptions options) {
      if (options.shutdownOn() == ShutdownOn.CONNECTION_CLOSED) {
        throw new IllegalArgumentException("a managed worker outlives its connections; ShutdownOn.CONNECTION_CLOSED would end it"
            + " with the first lost connection (use HEARTBEAT_TIMEOUT or CALLED_SHUTDOWN_FUNCTION)");
      }
      this.options = options;
      return this;
    }

    /** What happens when the worker exits without being killed (default {@link Supervision#none()}). */
    public Builder<W, A, C> supervision(Supervision supervision) {
      this.supervision = Objects.requireNonNull(supervision);
      return this;
    }

    /** Receives the managed worker's events. */
    public Builder<W, A, C> listener(Listener listener) {
      this.listener = Objects.requireNonNull(listener);
      return this;
    }

    /**
     * Spawns the worker and connects to it; blocks until both are done.
     *
     * @throws RpcParallelException if the spawn fails, or the connection (then the worker is shut down)
     * @throws dev.rpcparallel.RemoteException if the worker's {@code initConnectionState} throws
     *     (the worker is then shut down)
     */
    public ManagedWorker<W> start() {
      SpawnOptions withEvents = options.toBuilder().onFailure(withListener(options)).build();
      C arg = connectionArg;
      ManagedWorker<W> m = new ManagedWorker<>(this,
          () -> app.spawnAsync(spec, initArg, withEvents),
          w -> app.connectAsync(w, arg));
      Worker<W> first;
      try {
        first = m.spawn.get().join();
      } catch (CompletionException e) {
        throw e.getCause() instanceof RuntimeException r ? r : e;
      }
      synchronized (m) {
        m.worker = first;
        m.connection = m.connectTo(first);
      }
      try {
        m.connection.join();
      } catch (CompletionException e) {
        m.kill();
        throw e.getCause() instanceof RuntimeException r ? r : e;
      }
      m.watch(first);
      return m;
    }

    private java.util.function.Consumer<RpcParallelException> withListener(SpawnOptions o) {
      java.util.function.Consumer<RpcParallelException> own = o.onFailure().orElse(null);
      Listener l = listener;
      return e -> {
        if (own != null) {
          own.accept(e);
        } else {
          log.error("{}", e.getMessage(), e); // what SpawnOptions does without an onFailure
        }
        l.onFailure(e);
      };
    }
  }
}
