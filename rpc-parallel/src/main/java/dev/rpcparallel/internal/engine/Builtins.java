package dev.rpcparallel.internal.engine;

import dev.rpcparallel.LogEntry;
import dev.rpcparallel.RpcSettings;
import dev.rpcparallel.codec.Codec;
import dev.rpcparallel.codec.Codecs;

/**
 * The functions every worker implements, under reserved names: their wire identity (name and
 * signature, in the same format as user functions) and codecs.
 */
final class Builtins {
  private Builtins() {}

  static final String PREFIX = "rpc_parallel.";

  /** A built-in function's name, signature and codecs. */
  record Fn<Q, R>(String name, String signature, Codec<Q> query, Codec<R> result) {}

  /** Makes the worker shut down (a spawned worker exits with status 0). */
  static final Fn<Void, Void> SHUTDOWN = new Fn<>(PREFIX + "shutdown", "one_way(unit)", Codecs.VOID, Codecs.VOID);

  /** A state function, so the subscription is registered by the time the caller gets its reader. */
  static final Fn<Void, Void> LOG = new Fn<>(
      PREFIX + "log", "state(unit)->(unit,stream<" + LogEntry.CODEC.shape() + ">)", Codecs.VOID, Codecs.VOID);

  static final Fn<Void, Void> CLOSE_SERVER = new Fn<>(PREFIX + "close_server", "rpc(unit)->unit", Codecs.VOID, Codecs.VOID);

  /** An order to refuse credentials of generations below {@code generation}, signed with the app secret. */
  record Retirement(long generation, byte[] proof) {
    static final Codec<Retirement> CODEC = Codec.of("Retirement{generation:u64,proof:bytes}",
        (r, out) -> out.writeUnsignedVarLong(r.generation()).writeBytes(r.proof()),
        in -> new Retirement(in.readUnsignedVarLong(), in.readBytes()));
  }

  static final Fn<Retirement, Void> RETIRE = new Fn<>(
      PREFIX + "retire", "rpc(" + Retirement.CODEC.shape() + ")->unit", Retirement.CODEC, Codecs.VOID);

  static final Fn<Void, RpcSettings> SETTINGS = new Fn<>(
      PREFIX + "settings", "rpc(unit)->" + RpcSettings.CODEC.shape(), Codecs.VOID, RpcSettings.CODEC);
}
