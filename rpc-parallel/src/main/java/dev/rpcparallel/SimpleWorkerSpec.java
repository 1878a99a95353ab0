package dev.rpcparallel;

import dev.rpcparallel.codec.Codec;
import dev.rpcparallel.codec.Codecs;

/**
 * A {@link WorkerSpec} for workers without connection state: connecting takes no argument ({@code
 * null}) and handlers receive {@code null} as connection state. Subclasses give the init-arg
 * codec to the constructor and implement {@link #initWorkerState} and {@link #implement}.
 */
public abstract class SimpleWorkerSpec<A, S> implements WorkerSpec<A, S, Void, Void> {
  private final Codec<A> initArgCodec;

  /**
   * A spec whose init argument is encoded with {@code initArgCodec} (what {@link #initArgCodec()}
   * returns).
   *
   * @param initArgCodec the codec of the init argument
   */
  protected SimpleWorkerSpec(Codec<A> initArgCodec) {
    this.initArgCodec = initArgCodec;
  }

  @Override
  public final Codec<A> initArgCodec() {
    return initArgCodec;
  }

  @Override
  public final Codec<Void> connectionArgCodec() {
    return Codecs.VOID;
  }

  @Override
  public final Void initConnectionState(ConnectionContext connection, S workerState, Void arg) {
    return null;
  }
}
