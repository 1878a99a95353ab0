package dev.rpcparallel;

import dev.rpcparallel.internal.core.Transport;
import dev.rpcparallel.internal.core.WorkerLogImpl;
import dev.rpcparallel.internal.protocol.BuiltinCodecs;
import java.util.concurrent.atomic.AtomicReference;

/** The functions every worker implements, under reserved names. */
final class Builtins {
  private Builtins() {}

  /** A state function so that the subscription is registered when the caller gets its reader. */
  static final StateRpc<Void, Void, LogEntry> LOG =
      StateRpc.builtin("rpc_parallel.log", BuiltinCodecs.UNIT, BuiltinCodecs.UNIT, LogEntry.CODEC);
  static final Rpc<Void, Void> CLOSE_SERVER =
      Rpc.builtin("rpc_parallel.close_server", BuiltinCodecs.UNIT, BuiltinCodecs.UNIT);
  static final Rpc<Void, RpcSettings> SETTINGS =
      Rpc.builtin("rpc_parallel.settings", BuiltinCodecs.UNIT, RpcSettings.CODEC);

  /** Makes the worker shut down (a spawned worker exits with status 0). */
  static final OneWay<Void> SHUTDOWN = OneWay.builtin("rpc_parallel.shutdown", BuiltinCodecs.UNIT);

  /** Adds the built-ins to a worker's table. */
  static <S, T> void addTo(
      Implementations<S, T> table,
      WorkerLogImpl log,
      AtomicReference<Transport.WorkerServer> server,
      RpcSettings settings,
      Runnable shutdown) {
    table.oneWay(SHUTDOWN, (ws, cs, q) -> shutdown.run());
    table.state(LOG, (ws, cs, q, out) -> {
      log.subscribe(out);
      return null;
    });
    table.rpc(CLOSE_SERVER, (ws, cs, q) -> {
      Transport.WorkerServer s = server.get();
      if (s != null) {
        s.closeListener();
      }
      return null;
    });
    table.rpc(SETTINGS, (ws, cs, q) -> settings);
  }
}
