package dev.rpcparallel;

import dev.rpcparallel.codec.Codecs;

/**
 * The smallest worker type: no init argument, no worker state, no connection state. Subclasses
 * only bind their functions:
 *
 * <pre>{@code
 * public final class Pinger extends StatelessWorkerSpec {
 *   public static final Rpc<Pinger, Void, String> PING = Rpc.of("ping", Codecs.VOID, Codecs.STRING);
 *
 *   public void implement(Implementations<Void, Void> table) {
 *     table.rpc(PING, (state, conn, unit) -> "pong");
 *   }
 * }
 * }</pre>
 *
 * Spawn or serve it with a {@code null} init argument and connect with {@link
 * RpcParallel#connect(Worker)}; call {@code connection.call(Pinger.PING)}. Handlers receive
 * {@code null} for both states.
 */
public abstract class StatelessWorkerSpec extends SimpleWorkerSpec<Void, Void> {
  /** A spec whose init argument is {@code Void} ({@link Codecs#VOID}): pass {@code null}. */
  protected StatelessWorkerSpec() {
    super(Codecs.VOID);
  }

  @Override
  public final Void initWorkerState(Void arg, WorkerContext context) {
    return null;
  }
}
