package dev.rpcparallel.internal.core;

import dev.rpcparallel.Implementations;
import dev.rpcparallel.RpcSettings;
import dev.rpcparallel.WorkerContext;
import dev.rpcparallel.WorkerSpec;
import dev.rpcparallel.internal.protocol.Menu;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;

/**
 * A worker hosted in this JVM: its spec, state, implementation table and menu, plus the server
 * sessions connected to it. Thread-safe.
 */
public final class HostedWorker {
  private final UUID id;
  private final String nameOrId;
  private final WorkerSpec<?, ?, ?, ?> spec;
  private final Object state;
  private final List<Implementations.Binding> bindings;
  private final Menu menu;
  private final byte[] secret;
  private final RpcSettings settings;
  private final Executor executor;
  private final WorkerContext context;
  final Set<ServerSession> sessions = ConcurrentHashMap.newKeySet();
  private volatile SessionListener listener = SessionListener.NONE;

  /** Observes connections opening, for lifecycle rules such as "exit when the first one closes". */
  public interface SessionListener {
    SessionListener NONE = new SessionListener() {
      @Override
      public void opened(dev.rpcparallel.ConnectionContext connection, boolean control) {}

      @Override
      public void refused() {}
    };

    /** A connection finished its handshake; control connections carry only built-in calls. */
    void opened(dev.rpcparallel.ConnectionContext connection, boolean control);

    /** A connection was refused because initConnectionState threw. */
    void refused();
  }

  public void setListener(SessionListener listener) {
    this.listener = listener;
  }

  SessionListener listener() {
    return listener;
  }

  public HostedWorker(
      UUID id,
      String nameOrId,
      WorkerSpec<?, ?, ?, ?> spec,
      Object state,
      Map<String, Implementations.Binding> table,
      byte[] secret,
      RpcSettings settings,
      Executor executor,
      WorkerContext context) {
    this.id = id;
    this.nameOrId = nameOrId;
    this.spec = spec;
    this.state = state;
    this.bindings = new ArrayList<>(table.values());
    List<Menu.Entry> entries = new ArrayList<>();
    for (int i = 0; i < bindings.size(); i++) {
      entries.add(new Menu.Entry(i, bindings.get(i).function().name(), bindings.get(i).function().signature()));
    }
    this.menu = new Menu(entries);
    this.secret = secret.clone();
    this.settings = settings;
    this.executor = executor;
    this.context = context;
  }

  UUID id() {
    return id;
  }

  String nameOrId() {
    return nameOrId;
  }

  WorkerSpec<?, ?, ?, ?> spec() {
    return spec;
  }

  Object state() {
    return state;
  }

  Implementations.Binding binding(int index) {
    return index >= 0 && index < bindings.size() ? bindings.get(index) : null;
  }

  Menu menu() {
    return menu;
  }

  byte[] secret() {
    return secret;
  }

  RpcSettings settings() {
    return settings;
  }

  Executor executor() {
    return executor;
  }

  WorkerContext context() {
    return context;
  }

  /** Closes every connection to this worker with {@code reason}. */
  public void closeConnections(String reason) {
    for (ServerSession s : sessions) {
      s.close(reason);
    }
  }

}
