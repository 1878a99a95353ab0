package dev.rpcparallel.testing;

import dev.rpcparallel.RpcParallel;
import dev.rpcparallel.RpcSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * A JUnit 5 extension that gives each test (or each test class) an {@link RpcParallel}, closes it
 * afterwards, and then checks that nothing was left behind: no worker process (grandchildren
 * included), no library thread, no extra socket ({@link Leaks}).
 *
 * <pre>{@code
 * class SumWorkerTest {
 *   @RegisterExtension final RpcParallelExtension rp = RpcParallelExtension.inMemory();
 *
 *   @Test void sums() {
 *     Worker<SumWorker> w = rp.app().serve(new SumWorker(), null);
 *     assertEquals(861L, rp.app().connect(w).call(SumWorker.SUM, 42));
 *   }
 *
 *   @Test void heartbeatsNeedNoWaiting(FakeClock clock) {
 *     Connection<SumWorker> c = rp.app().connect(rp.app().serve(new SumWorker(), null));
 *     clock.advance(Duration.ofMinutes(5));   // 30 heartbeat intervals pass at once
 *     assertFalse(c.isClosed());
 *   }
 * }
 * }</pre>
 *
 * <p>Registered on an instance field, the application lives for one test; on a static field, for
 * the whole class (leaks are then checked after the class). Test methods may also take an {@code
 * RpcParallel} or a {@link FakeClock} parameter.
 *
 * <p>Two modes: {@link #inMemory()} opens no socket (every value is still encoded and decoded,
 * handshakes, heartbeats and flow control run as over TCP) and drives timers by a {@link
 * FakeClock}; {@link #sockets()} uses real TCP on loopback and real time, and can spawn workers.
 */
public final class RpcParallelExtension
    implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback, ParameterResolver {
  private final boolean inMemory;
  private final List<Consumer<RpcParallel.Builder>> configuration = new ArrayList<>();
  private boolean checkLeaks = true;
  private boolean classScoped;
  private RpcParallel app;
  private FakeClock clock;
  private Leaks before;

  private RpcParallelExtension(boolean inMemory) {
    this.inMemory = inMemory;
  }

  /** Workers served in memory, timers on a {@link FakeClock}; no socket, no spawning. */
  public static RpcParallelExtension inMemory() {
    return new RpcParallelExtension(true);
  }

  /** A real application on loopback TCP and real time; it can spawn workers. */
  public static RpcParallelExtension sockets() {
    return new RpcParallelExtension(false);
  }

  /** Settings for the application (the environment override is not read). */
  public RpcParallelExtension settings(RpcSettings settings) {
    Objects.requireNonNull(settings);
    return configure(b -> b.settings(settings));
  }

  /** Any other builder option, applied when the application is made. */
  public RpcParallelExtension configure(Consumer<RpcParallel.Builder> option) {
    configuration.add(Objects.requireNonNull(option));
    return this;
  }

  /** Turns the leak check off (on by default). */
  public RpcParallelExtension withoutLeakCheck() {
    checkLeaks = false;
    return this;
  }

  /**
   * The current application.
   *
   * @throws IllegalStateException outside a test
   */
  public RpcParallel app() {
    if (app == null) {
      throw new IllegalStateException("no RpcParallel: the extension makes one per test (or class) while it runs");
    }
    return app;
  }

  /**
   * The clock of in-memory links' timers.
   *
   * @throws IllegalStateException in {@link #sockets()} mode, or outside a test
   */
  public FakeClock clock() {
    if (!inMemory) {
      throw new IllegalStateException("sockets() mode runs on real time; use inMemory() for a fake clock");
    }
    app();
    return clock;
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    classScoped = true;
    start();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    stop();
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    if (!classScoped) {
      start();
    }
  }

  @Override
  public void afterEach(ExtensionContext context) {
    if (!classScoped) {
      stop();
    }
  }

  private void start() {
    before = checkLeaks ? Leaks.snapshot() : null;
    RpcParallel.Builder b = RpcParallel.builder().environment(java.util.Map.of());
    if (inMemory) {
      clock = new FakeClock();
      b.inMemory().timers(clock);
    }
    configuration.forEach(c -> c.accept(b));
    app = b.build();
  }

  private void stop() {
    try {
      if (app != null) {
        app.close();
      }
    } finally {
      app = null;
      if (clock != null) {
        clock.shutdownNow();
      }
      if (before != null) {
        before.check();
      }
    }
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext extension) {
    Class<?> type = parameter.getParameter().getType();
    return type == RpcParallel.class || type == FakeClock.class && inMemory;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext extension) {
    return parameter.getParameter().getType() == RpcParallel.class ? app() : clock();
  }
}
