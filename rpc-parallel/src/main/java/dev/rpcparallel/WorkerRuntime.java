package dev.rpcparallel;

import dev.rpcparallel.internal.core.HostedWorker;
import dev.rpcparallel.internal.core.Transport;
import dev.rpcparallel.internal.core.WorkerLogImpl;
import dev.rpcparallel.internal.spawn.BootstrapConfig;
import dev.rpcparallel.internal.spawn.MasterSpec;
import java.io.DataInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The life of a spawned worker JVM: read the bootstrap from stdin, connect to the master,
 * initialise, register, serve, and exit when its {@link ShutdownOn} rule fires. Everything that
 * goes wrong before registration is printed on stderr (which the master shows in the spawn
 * error) and ends the JVM with status 254.
 */
final class WorkerRuntime {
  static final int EXIT_OK = 0;
  static final int EXIT_FAILURE = 254;

  private final BootstrapConfig config;
  private final CompletableFuture<Integer> exit = new CompletableFuture<>();
  private final AtomicBoolean initialConnectionSeen = new AtomicBoolean();
  private RpcParallel app;
  private volatile Connection master;

  private WorkerRuntime(BootstrapConfig config) {
    this.config = config;
  }

  /** Runs the worker; returns the exit status. */
  static int run() {
    PrintStream err = System.err;
    BootstrapConfig config;
    try {
      config = readConfig(System.in);
    } catch (IOException | RuntimeException e) {
      err.println("rpc-parallel worker: cannot read its bootstrap from stdin: " + e);
      return EXIT_FAILURE;
    }
    WorkerRuntime rt = new WorkerRuntime(config);
    int status;
    try {
      status = rt.start();
    } catch (Throwable t) {
      err.println("rpc-parallel worker " + config.nameOrId() + ": " + t);
      t.printStackTrace(err);
      status = EXIT_FAILURE;
    }
    rt.exit.complete(status); // so closing the app below is not mistaken for losing the master
    rt.stopApp();
    return status;
  }

  static BootstrapConfig readConfig(InputStream in) throws IOException {
    DataInputStream data = new DataInputStream(in);
    int len = data.readInt();
    if (len <= 0 || len > BootstrapConfig.MAX_LENGTH) {
      throw new IOException("bootstrap length " + len + " out of range");
    }
    byte[] bytes = new byte[len];
    data.readFully(bytes);
    return BootstrapConfig.CODEC.fromBytes(bytes);
  }

  private int start() throws Exception {
    app = RpcParallel.builder()
        .settings(config.settings())
        .environment(Map.of())
        .secret(config.secret())
        .build();
    watchStdin();
    WorkerSpec<Object, Object, ?, ?> spec = instantiate(config.specClass());
    master = app.connect(config.master(), config.workerId());
    master.closeFuture().thenAccept(this::masterConnectionClosed);
    Thread.setDefaultUncaughtExceptionHandler((thread, error) -> backgroundFailure(thread, error));

    WorkerLogImpl log = new WorkerLogImpl(config.nameOrId());
    AtomicReference<Worker> handle = new AtomicReference<>();
    WorkerContext context = new HostedContext(handle, log, app);
    Object state;
    try {
      Object arg = spec.initArgCodec().fromBytes(config.initArg());
      state = spec.initWorkerState(arg, context);
    } catch (Throwable t) {
      // Print first: the master shows the stderr lines it has when the spawn fails.
      System.err.println("rpc-parallel worker " + config.nameOrId() + ": initWorkerState failed: " + t + "; exiting with status 254");
      exit.complete(EXIT_FAILURE);
      master.call(MasterSpec.REGISTER, new MasterSpec.Registration(config.workerId(), "", 0, Optional.of(t.toString())));
      return EXIT_FAILURE;
    }
    AtomicReference<Transport.WorkerServer> server = new AtomicReference<>();
    RpcParallel.Hosted hosted = app.host(
        spec, state, config.workerId(), config.name().orElse(null), log, context, handle, server,
        () -> exit("shutdown requested", EXIT_OK));
    if (config.shutdownOn() == ShutdownOn.CONNECTION_CLOSED) {
      watchInitialConnection(hosted.hosted());
    }
    Worker w = hosted.handle();
    // Redirect before registering: spawn returns as soon as the master has the registration, so
    // output printed from then on must already go where asked, and a redirect file that cannot
    // be opened must fail the spawn (the worker exits before it is ready, the error on stderr).
    PrintStream bootstrapErr = System.err;
    applyRedirects();
    boolean accepted = master.call(
        MasterSpec.REGISTER, new MasterSpec.Registration(config.workerId(), w.host(), w.port(), Optional.empty()));
    if (!accepted) {
      bootstrapErr.println("rpc-parallel worker " + config.nameOrId() + ": the master no longer expects this worker (spawn timed out?)");
      return EXIT_FAILURE;
    }
    if (config.shutdownOn() == ShutdownOn.CALLED_SHUTDOWN_FUNCTION) {
      master.close(); // outlives its master by design
    }
    return exit.get();
  }

  @SuppressWarnings("unchecked")
  private static WorkerSpec<Object, Object, ?, ?> instantiate(String className) {
    Class<?> c;
    try {
      c = Class.forName(className);
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException("worker spec class " + className + " not found on the worker's class path");
    }
    if (!WorkerSpec.class.isAssignableFrom(c)) {
      throw new IllegalStateException(className + " does not implement WorkerSpec");
    }
    try {
      return (WorkerSpec<Object, Object, ?, ?>) c.getConstructor().newInstance();
    } catch (NoSuchMethodException e) {
      throw new IllegalStateException("worker spec " + className + " has no public no-argument constructor");
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot instantiate worker spec " + className + ": " + e.getCause(), e);
    }
  }

  /** EOF on stdin means the master is gone (local workers): exit, unless outliving it is the point. */
  private void watchStdin() {
    Thread t = new Thread(() -> {
      try {
        InputStream in = System.in;
        byte[] buf = new byte[256];
        while (in.read(buf) >= 0) {
          // the master never writes after the bootstrap; keep reading until EOF
        }
      } catch (IOException e) {
        // same as EOF
      }
      // As the original: losing the master is a failure (254). A CONNECTION_CLOSED worker whose
      // initial connection is open leaves the decision to that connection (closing it is status 0).
      boolean decidedByConnection = config.shutdownOn() == ShutdownOn.CONNECTION_CLOSED && initialConnectionSeen.get();
      if (config.shutdownOn() != ShutdownOn.CALLED_SHUTDOWN_FUNCTION && !decidedByConnection) {
        exit("stdin from the master closed (master gone)", EXIT_FAILURE);
      }
    }, "rpc-parallel-stdin-watch");
    t.setDaemon(true);
    t.start();
  }

  private void masterConnectionClosed(String reason) {
    boolean waitingForInitial = config.shutdownOn() == ShutdownOn.CONNECTION_CLOSED && !initialConnectionSeen.get();
    if (config.shutdownOn() == ShutdownOn.HEARTBEAT_TIMEOUT || waitingForInitial) {
      exit("connection to the master lost: " + reason, EXIT_FAILURE);
    }
  }

  private void watchInitialConnection(HostedWorker hosted) {
    hosted.setListener(new HostedWorker.SessionListener() {
      @Override
      public void opened(ConnectionContext connection, boolean control) {
        if (!control && initialConnectionSeen.compareAndSet(false, true)) {
          connection.onClose(reason -> exit("initial connection closed: " + reason, EXIT_OK));
          master.close();
        }
      }

      @Override
      public void refused() {
        if (initialConnectionSeen.compareAndSet(false, true)) {
          exit("initial connection refused by initConnectionState", EXIT_FAILURE);
        }
      }
    });
    Thread timer = new Thread(() -> {
      try {
        Thread.sleep(Math.max(1, config.connectionTimeout().toMillis()) + 5_000);
      } catch (InterruptedException e) {
        return;
      }
      if (!initialConnectionSeen.get()) {
        exit("no initial connection within the connection timeout (plus 5 s)", EXIT_FAILURE);
      }
    }, "rpc-parallel-initial-connection-timer");
    timer.setDaemon(true);
    timer.start();
  }

  private void backgroundFailure(Thread thread, Throwable error) {
    System.err.println("rpc-parallel worker " + config.nameOrId() + ": uncaught exception in thread " + thread.getName()
        + "; shutting down");
    error.printStackTrace();
    try {
      Connection m = master;
      if (m == null || m.isClosed()) {
        m = app.connect(config.master(), config.workerId());
      }
      m.callAsync(MasterSpec.REPORT_FAILURE, new MasterSpec.Failure(config.workerId(), config.nameOrId(), error)).get(5, TimeUnit.SECONDS);
    } catch (Exception e) {
      System.err.println("rpc-parallel worker " + config.nameOrId() + ": could not report the failure to the master: " + e);
    }
    exit("uncaught exception: " + error, EXIT_FAILURE);
  }

  private void exit(String why, int status) {
    if (exit.complete(status)) {
      System.err.println("rpc-parallel worker " + config.nameOrId() + ": " + why + "; exiting with status " + status);
    }
    // A watchdog: if the main thread is stuck (e.g. still in initWorkerState), end the JVM anyway.
    Thread halt = new Thread(() -> {
      try {
        Thread.sleep(3_000);
      } catch (InterruptedException e) {
        return;
      }
      Runtime.getRuntime().halt(exit.getNow(status)); // the status decided first
    }, "rpc-parallel-exit-watchdog");
    halt.setDaemon(true);
    halt.start();
  }

  private void stopApp() {
    if (app != null) {
      app.close();
    }
  }

  private void applyRedirects() throws IOException {
    PrintStream out = redirected(config.stdout(), System.out);
    PrintStream err = redirected(config.stderr(), System.err);
    System.setOut(out);
    System.setErr(err);
  }

  private static PrintStream redirected(Redirect r, PrintStream current) throws IOException {
    return switch (r.kind()) {
      case FORWARD -> current;
      case DISCARD -> new PrintStream(OutputStream.nullOutputStream(), true);
      case APPEND -> new PrintStream(new FileOutputStream(r.path().toFile(), true), true);
      case TRUNCATE -> new PrintStream(new FileOutputStream(r.path().toFile(), false), true);
    };
  }
}
