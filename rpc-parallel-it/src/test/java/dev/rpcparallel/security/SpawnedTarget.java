package dev.rpcparallel.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rpcparallel.Connection;
import dev.rpcparallel.Redirect;
import dev.rpcparallel.RpcParallel;
import dev.rpcparallel.SpawnOptions;
import dev.rpcparallel.Worker;
import dev.rpcparallel.codec.Codecs;
import dev.rpcparallel.fixtures.Await;
import dev.rpcparallel.fixtures.ProcFs;
import dev.rpcparallel.fixtures.RawPeer;
import dev.rpcparallel.fixtures.SecurityWorker;
import dev.rpcparallel.internal.protocol.Menu;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link SecurityWorker} spawned in its own JVM for the resource-exhaustion tests, with a
 * connection the test uses to watch it (pid, heap after a full GC, threads inside handlers), and
 * raw peers that know its application secret. The worker's heap is fixed and touched at start
 * ({@code -Xms = -Xmx}, {@code -XX:+AlwaysPreTouch}, serial GC), so its RSS does not move with
 * how much of the heap it happens to use: RSS growth is what it takes outside the heap (Netty's
 * direct buffers, thread stacks, native allocations), and heap retention is measured after a full
 * collection ({@link SecurityWorker#HEAP_AFTER_GC}).
 */
final class SpawnedTarget implements AutoCloseable {
  static final long MIB = 1 << 20;
  static final byte[] SECRET = "resource-exhaustion test secret!".getBytes(StandardCharsets.US_ASCII);
  /** The unit connection argument of a {@code SimpleWorkerSpec}. */
  static final byte[] UNIT = Codecs.VOID.toBytes(null);

  final RpcParallel app;
  final Worker<SecurityWorker> worker;
  final Connection<SecurityWorker> monitor;
  final long pid;

  SpawnedTarget(String name, String heap) {
    this(name, heap, Redirect.forward());
  }

  /** With the worker's stderr going to {@code stderr} (e.g. a file, to count what it logged). */
  SpawnedTarget(String name, String heap, Redirect stderr) {
    app = RpcParallel.builder().environment(Map.of()).secret(SECRET).build();
    try {
      worker = app.spawn(new SecurityWorker(), 0, SpawnOptions.builder().name(name)
          .jvmOptions(List.of("-XX:+UseSerialGC", "-Xms" + heap, "-Xmx" + heap, "-XX:+AlwaysPreTouch"))
          .stderr(stderr)
          .build());
      monitor = app.connect(worker);
      pid = monitor.call(SecurityWorker.PID);
    } catch (RuntimeException e) {
      app.close();
      throw e;
    }
  }

  /** A raw peer that completed the handshake; returns it with the worker's menu. */
  RawPeer openRaw() throws IOException {
    RawPeer p = new RawPeer(worker);
    menu = p.open(worker, SECRET, UNIT);
    return p;
  }

  /** The menu the last {@link #openRaw} received. */
  Menu menu;

  int index(dev.rpcparallel.WorkerFunction<?> f) {
    return RawPeer.index(menu, f);
  }

  long rss() {
    return ProcFs.rssBytes(pid);
  }

  int threads() {
    return ProcFs.threadCount(pid);
  }

  long heapAfterGc() {
    return monitor.call(SecurityWorker.HEAP_AFTER_GC);
  }

  int busyHandlers() {
    return monitor.call(SecurityWorker.BUSY_HANDLERS);
  }

  void awaitNoBusyHandlers() {
    Await.until(Duration.ofSeconds(20), "no thread of the worker left in a handler", () -> busyHandlers() == 0);
  }

  /** A fresh connection handshakes and answers a call (the worker still serves others). */
  void assertServesANewConnection() {
    try (Connection<SecurityWorker> c = app.connect(worker)) {
      assertThat(c.call(SecurityWorker.PID)).isEqualTo(pid);
      assertThat(c.call(SecurityWorker.BLOB, 1000)).hasSize(1000);
    }
  }

  /** Samples the worker's RSS and thread count in the background until closed. */
  Sampler sample() {
    return new Sampler();
  }

  final class Sampler implements AutoCloseable {
    private final AtomicLong maxRss = new AtomicLong();
    private final AtomicInteger maxThreads = new AtomicInteger();
    private final AtomicBoolean stop = new AtomicBoolean();
    private final Thread thread;

    private Sampler() {
      thread = new Thread(() -> {
        while (!stop.get()) {
          try {
            maxRss.accumulateAndGet(rss(), Math::max);
            maxThreads.accumulateAndGet(threads(), Math::max);
          } catch (AssertionError gone) {
            return; // the process ended
          }
          try {
            Thread.sleep(20);
          } catch (InterruptedException e) {
            return;
          }
        }
      }, "test-sampler");
      thread.setDaemon(true);
      thread.start();
    }

    long maxRss() {
      return maxRss.get();
    }

    int maxThreads() {
      return maxThreads.get();
    }

    @Override
    public void close() throws InterruptedException {
      stop.set(true);
      thread.join(5000);
    }
  }

  /** Shuts the worker down (it must exit 0) and closes the application. */
  @Override
  public void close() throws Exception {
    try {
      monitor.close();
      app.shutdown(worker).get(10, TimeUnit.SECONDS);
      assertThat(app.onExit(worker).get(20, TimeUnit.SECONDS)).as("the worker's exit status").isZero();
    } finally {
      app.close();
    }
  }
}
