package dev.rpcparallel;

import dev.rpcparallel.RpcParallelException.Kind;
import dev.rpcparallel.internal.core.Transport;
import dev.rpcparallel.internal.core.WorkerLogImpl;
import dev.rpcparallel.internal.protocol.Durations;
import dev.rpcparallel.internal.spawn.BootstrapConfig;
import dev.rpcparallel.internal.spawn.MasterSpec;
import java.io.DataOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts worker JVMs and tracks them: the master server they register with (started at the
 * first spawn), pending spawns, live processes, exit futures, failure callbacks, and the
 * shutdown hook. Thread-safe; one per {@link RpcParallel}.
 */
final class Spawner implements MasterSpec.Registry {
  private static final Logger log = LoggerFactory.getLogger(Spawner.class);
  private static final Duration KILL_GRACE = Duration.ofSeconds(5);

  /** A worker process this master started. */
  static final class Child {
    final UUID id;
    final String name;
    final Process process;
    final ShutdownOn shutdownOn;
    final Consumer<RpcParallelException> onFailure;
    final CompletableFuture<Void> connected = new CompletableFuture<>();
    final CompletableFuture<MasterSpec.Registration> registered = new CompletableFuture<>();
    final AtomicBoolean failureReported = new AtomicBoolean();
    volatile Worker handle;

    Child(UUID id, String name, Process process, ShutdownOn shutdownOn, Consumer<RpcParallelException> onFailure) {
      this.id = id;
      this.name = name;
      this.process = process;
      this.shutdownOn = shutdownOn;
      this.onFailure = onFailure;
    }
  }

  private final RpcParallel app;
  private final Map<UUID, Child> children = new ConcurrentHashMap<>();
  private final Map<UUID, CompletableFuture<Integer>> exits = new ConcurrentHashMap<>();
  private volatile Worker masterHandle;
  private Thread shutdownHook;

  Spawner(RpcParallel app) {
    this.app = app;
  }

  private synchronized Worker master() {
    if (masterHandle == null) {
      UUID id = UUID.randomUUID();
      WorkerLogImpl log = new WorkerLogImpl("master");
      AtomicReference<Worker> handle = new AtomicReference<>();
      AtomicReference<Transport.WorkerServer> server = new AtomicReference<>();
      masterHandle = app.host(new MasterSpec(), this, id, "master", log, null, handle, server, () -> {}).handle();
      shutdownHook = new Thread(this::killOnExit, "rpc-parallel-shutdown-hook");
      Runtime.getRuntime().addShutdownHook(shutdownHook);
    }
    return masterHandle;
  }

  /** Starts the process and waits until the worker registered (or failed). */
  <A> Child spawn(WorkerSpec<A, ?, ?, ?> spec, A initArg, SpawnOptions options, boolean foreground) {
    UUID id = UUID.randomUUID();
    String name = options.name().orElse(id.toString());
    String specClass = spec.getClass().getName();
    checkInstantiable(spec.getClass(), name);
    byte[] arg;
    try {
      arg = spec.initArgCodec().toBytes(initArg);
    } catch (RuntimeException e) {
      throw new RpcParallelException(Kind.SPAWN_FAILED, "cannot encode the init argument of worker " + name + ": " + e, e);
    }
    Path dir = options.workingDirectory().orElse(Path.of("").toAbsolutePath());
    if (!Files.isDirectory(dir)) {
      throw new RpcParallelException(Kind.SPAWN_FAILED,
          "cannot start worker " + name + ": working directory " + dir + " does not exist or is not a directory");
    }
    BootstrapConfig config = new BootstrapConfig(
        app.secret(), app.settings(), master(), id, options.name(), specClass, arg, options.shutdownOn(),
        options.connectionTimeout(), foreground ? Redirect.forward() : options.stdout(),
        foreground ? Redirect.forward() : options.stderr());
    List<String> command = options.launcher().command(javaCommand(options, name, spec.getClass()));
    ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile());
    pb.environment().putAll(options.env());
    Process process;
    try {
      process = pb.start();
    } catch (IOException e) {
      throw new RpcParallelException(Kind.SPAWN_FAILED, "cannot start worker " + name + " (" + command.get(0) + "): " + e.getMessage(), e);
    }
    Child child = new Child(id, name, process, options.shutdownOn(),
        options.onFailure().orElse(e -> log.error("worker {} failed", name, e)));
    children.put(id, child);
    CompletableFuture<Integer> exit = new CompletableFuture<>();
    exits.put(id, exit);
    process.onExit().thenAccept(p -> {
      children.remove(id);
      exit.complete(p.exitValue());
    });
    OutputPump err = null;
    if (!foreground) {
      new OutputPump(process.getInputStream(), name, "STDOUT", System.out);
      err = new OutputPump(process.getErrorStream(), name, "STDERR", System.err);
    }
    try {
      writeConfigInBackground(process, config, name);
      awaitReady(child, options, exit, specClass);
      return child;
    } catch (RpcParallelException e) {
      if (e.kind() == Kind.SPAWN_FAILED) {
        awaitExit(process, KILL_GRACE); // e.g. init threw: let it print and exit 254 by itself
      }
      kill(process);
      List<String> stderr = err != null ? drained(err) : readAll(process.getErrorStream(), name);
      if (foreground) {
        closeStreams(process);
      }
      children.remove(id);
      String exitText = process.isAlive() ? "" : " (exit status " + process.exitValue() + ")";
      StringBuilder msg = new StringBuilder(e.getMessage()).append(exitText);
      for (String line : stderr) {
        msg.append('\n').append(line);
      }
      throw new RpcParallelException(e.kind(), msg.toString(), e.getCause());
    }
  }

  /** The worker JVM instantiates the spec by name: fail here, clearly, if it cannot. */
  private static void checkInstantiable(Class<?> c, String name) {
    boolean publicClass = java.lang.reflect.Modifier.isPublic(c.getModifiers());
    boolean topLevelOrStatic = c.getEnclosingClass() == null || java.lang.reflect.Modifier.isStatic(c.getModifiers());
    boolean hasCtor;
    try {
      hasCtor = java.lang.reflect.Modifier.isPublic(c.getConstructor().getModifiers());
    } catch (NoSuchMethodException e) {
      hasCtor = false;
    }
    if (!publicClass || !topLevelOrStatic || !hasCtor || c.isAnonymousClass() || c.isLocalClass()) {
      throw new RpcParallelException(Kind.SPAWN_FAILED, "cannot spawn worker " + name + ": worker spec " + c.getName()
          + " must be a public top-level or static nested class with a public no-argument constructor");
    }
  }

  private List<String> javaCommand(SpawnOptions options, String name, Class<?> specClass) {
    List<String> cmd = new ArrayList<>();
    cmd.add(options.javaExecutable().toString());
    cmd.addAll(options.jvmOptions());
    // Netty's epoll transport loads a native library; JDK 22+ warns on stderr unless allowed.
    // Every JDK that can run the worker (17+) accepts the flag.
    cmd.add("--enable-native-access=ALL-UNNAMED");
    cmd.add("-D" + WorkerMain.SPAWNED_PROPERTY + "=true");
    cmd.add("-cp");
    cmd.add(classPath(specClass, options.extraClasspath()));
    cmd.add(options.mainClass());
    cmd.add("--rpc-parallel-worker=" + name);
    return cmd;
  }

  /**
   * The master's {@code java.class.path}, plus the jars and directories of any URL class loaders
   * between the spec's class and the system loader (for masters run inside an isolating loader,
   * such as {@code mvn exec:java}), plus the extra entries.
   */
  static String classPath(Class<?> specClass, List<Path> extra) {
    java.util.LinkedHashSet<String> entries = new java.util.LinkedHashSet<>();
    for (String e : System.getProperty("java.class.path").split(File.pathSeparator)) {
      if (!e.isEmpty()) {
        entries.add(e);
      }
    }
    List<String> fromLoaders = new ArrayList<>();
    for (ClassLoader l = specClass.getClassLoader(); l != null && l != ClassLoader.getSystemClassLoader(); l = l.getParent()) {
      if (l instanceof java.net.URLClassLoader u) {
        for (java.net.URL url : u.getURLs()) {
          if ("file".equals(url.getProtocol())) {
            try {
              fromLoaders.add(Path.of(url.toURI()).toString());
            } catch (java.net.URISyntaxException | IllegalArgumentException e) {
              // not a plain file: skip
            }
          }
        }
      }
    }
    entries.addAll(fromLoaders);
    for (Path p : extra) {
      entries.add(p.toString());
    }
    return String.join(File.pathSeparator, entries);
  }

  /**
   * Writes the bootstrap on its own thread: a child that never reads stdin (a wrapper that does
   * not pass it through) must not block spawn past its timeouts. The write fails once the child
   * is killed.
   */
  private static void writeConfigInBackground(Process process, BootstrapConfig config, String name) {
    Thread t = new Thread(() -> writeConfig(process, config), "rpc-parallel-bootstrap-" + name);
    t.setDaemon(true);
    t.start();
  }

  private static void awaitExit(Process p, Duration max) {
    try {
      p.waitFor(max.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void writeConfig(Process process, BootstrapConfig config) {
    byte[] bytes = BootstrapConfig.CODEC.toBytes(config);
    try {
      DataOutputStream out = new DataOutputStream(process.getOutputStream());
      out.writeInt(bytes.length);
      out.write(bytes);
      out.flush();
    } catch (IOException e) {
      // The process died at once; awaitReady reports its exit status and stderr.
    }
  }

  private void awaitReady(Child child, SpawnOptions options, CompletableFuture<Integer> exit, String specClass) {
    long start = System.nanoTime();
    CompletableFuture<Object> connectedOrExit = CompletableFuture.anyOf(child.connected, exit);
    try {
      connectedOrExit.get(options.connectionTimeout().toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      throw new RpcParallelException(Kind.SPAWN_TIMEOUT, "timed out getting a connection from worker " + child.name
          + " within the connection timeout of " + Durations.format(options.connectionTimeout()));
    } catch (RpcParallelException e) {
      throw e;
    } catch (Exception e) {
      throw new RpcParallelException(Kind.SPAWN_FAILED, "spawning worker " + child.name + " failed: " + e, e);
    }
    checkExited(child, exit);
    long left = options.spawnTimeout().toNanos() - (System.nanoTime() - start);
    MasterSpec.Registration reg;
    try {
      CompletableFuture.anyOf(child.registered, exit).get(Math.max(0, left), TimeUnit.NANOSECONDS);
      checkExited(child, exit);
      reg = child.registered.join();
    } catch (TimeoutException e) {
      throw new RpcParallelException(Kind.SPAWN_TIMEOUT, "worker " + child.name
          + " did not finish initialising within the spawn timeout of " + Durations.format(options.spawnTimeout()));
    } catch (RpcParallelException e) {
      throw e;
    } catch (Exception e) {
      throw new RpcParallelException(Kind.SPAWN_FAILED, "spawning worker " + child.name + " failed: " + e, e);
    }
    if (reg.initError().isPresent()) {
      throw new RpcParallelException(Kind.SPAWN_FAILED,
          "initWorkerState of worker " + child.name + " failed: " + reg.initError().get());
    }
    child.handle = new Worker(
        child.id, options.name().orElse(null), reg.host(), reg.port(), specClass, app.settings(), app.secret());
  }

  private static void checkExited(Child child, CompletableFuture<Integer> exit) {
    if (exit.isDone() && !child.registered.isDone()) {
      throw new RpcParallelException(Kind.SPAWN_FAILED, "worker process " + child.name + " exited before it was ready");
    }
  }

  // ---- MasterSpec.Registry ----

  @Override
  public void connected(UUID workerId, ConnectionContext connection) {
    Child c = children.get(workerId);
    if (c == null) {
      throw new IllegalStateException("no worker " + workerId + " is being spawned by this master");
    }
    c.connected.complete(null);
  }

  @Override
  public boolean register(MasterSpec.Registration registration) {
    Child c = children.get(registration.workerId());
    if (c == null || c.registered.isDone()) {
      return false;
    }
    c.registered.complete(registration);
    return registration.initError().isEmpty();
  }

  @Override
  public void failed(UUID workerId, Throwable error) {
    Child c = children.get(workerId);
    if (c == null || !c.failureReported.compareAndSet(false, true)) {
      return;
    }
    RpcParallelException e = new RpcParallelException(Kind.WORKER_FAILED,
        "worker " + c.name + " failed: " + error.getMessage(), error);
    try {
      c.onFailure.accept(e);
    } catch (RuntimeException ex) {
      log.warn("onFailure callback of worker {} threw", c.name, ex);
    }
  }

  // ---- lifecycle ----

  CompletableFuture<Integer> onExit(Worker worker) {
    CompletableFuture<Integer> f = exits.get(worker.id());
    if (f == null) {
      throw new IllegalArgumentException("worker " + worker.nameOrId() + " was not spawned by this RpcParallel");
    }
    return f;
  }

  /** Asks every live worker to shut down, waits up to the grace period, then kills what is left. */
  void shutdownAll() {
    List<Child> all = new ArrayList<>(children.values());
    for (Child c : all) {
      if (c.handle != null) {
        app.sendShutdown(c.handle);
      } else {
        c.process.destroy();
      }
    }
    long deadline = System.nanoTime() + KILL_GRACE.toNanos();
    for (Child c : all) {
      awaitOrKill(c.process, deadline);
    }
  }

  /**
   * On close: children that must not outlive the master are asked to shut down (an orderly exit,
   * status 0), their stdin is closed, and they are reaped (killed after the grace period).
   */
  void close() {
    List<Child> mortal = new ArrayList<>();
    List<CompletableFuture<Void>> sent = new ArrayList<>();
    for (Child c : children.values()) {
      if (c.shutdownOn != ShutdownOn.CALLED_SHUTDOWN_FUNCTION) {
        mortal.add(c);
        if (c.handle != null && c.process.isAlive()) {
          sent.add(app.sendShutdown(c.handle).exceptionally(e -> null));
        } else {
          closeStdin(c.process); // still starting: end it now rather than after the grace period
        }
      }
    }
    long orderly = System.nanoTime() + KILL_GRACE.toNanos();
    try {
      CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).get(KILL_GRACE.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      // the stdin EOF and the kill below still apply
    }
    for (Child c : mortal) {
      try {
        c.process.waitFor(Math.max(0, orderly - System.nanoTime()), TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    for (Child c : mortal) {
      closeStdin(c.process);
    }
    long deadline = System.nanoTime() + KILL_GRACE.toNanos();
    for (Child c : mortal) {
      awaitOrKill(c.process, deadline);
    }
    Thread hook = shutdownHook;
    if (hook != null) {
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException e) {
        // the JVM is already shutting down
      }
    }
  }

  private static void closeStdin(Process p) {
    try {
      p.getOutputStream().close();
    } catch (IOException e) {
      // already closed
    }
  }

  private void killOnExit() {
    for (Child c : children.values()) {
      if (c.shutdownOn != ShutdownOn.CALLED_SHUTDOWN_FUNCTION) {
        c.process.destroyForcibly();
      }
    }
  }

  private static void awaitOrKill(Process p, long deadlineNanos) {
    try {
      long left = deadlineNanos - System.nanoTime();
      if (!p.waitFor(Math.max(0, left), TimeUnit.NANOSECONDS)) {
        kill(p);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.destroyForcibly();
    }
  }

  /** TERM, then KILL after the grace period; always reaps. */
  private static void kill(Process p) {
    if (!p.isAlive()) {
      return;
    }
    p.destroy();
    try {
      if (!p.waitFor(KILL_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly().waitFor(KILL_GRACE.toMillis(), TimeUnit.MILLISECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.destroyForcibly();
    }
  }

  private static List<String> drained(OutputPump pump) {
    pump.awaitEnd(2_000);
    return pump.lines();
  }

  private static List<String> readAll(InputStream in, String name) {
    List<String> out = new ArrayList<>();
    try {
      for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
        if (!line.isEmpty()) {
          out.add("[WORKER " + name + " STDERR] " + line);
        }
      }
    } catch (IOException e) {
      // nothing more to show
    }
    return out;
  }

  private static void closeStreams(Process p) {
    try {
      p.getOutputStream().close();
      p.getInputStream().close();
      p.getErrorStream().close();
    } catch (IOException e) {
      // best effort
    }
  }
}
