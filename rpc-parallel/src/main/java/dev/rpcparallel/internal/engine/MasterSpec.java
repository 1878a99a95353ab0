package dev.rpcparallel.internal.engine;

import dev.rpcparallel.ConnectionContext;
import dev.rpcparallel.Implementations;
import dev.rpcparallel.Rpc;
import dev.rpcparallel.WorkerContext;
import dev.rpcparallel.WorkerSpec;
import dev.rpcparallel.codec.BinaryReader;
import dev.rpcparallel.codec.BinaryWriter;
import dev.rpcparallel.codec.Codec;
import dev.rpcparallel.codec.Codecs;
import dev.rpcparallel.internal.protocol.RemoteFailure;
import dev.rpcparallel.internal.protocol.Texts;
import dev.rpcparallel.internal.protocol.WireError;
import java.util.Optional;
import java.util.UUID;

/**
 * The master's own server, started lazily at the first spawn: each spawned worker opens one
 * connection to it (its connection argument is its id, which must be a child this master is
 * waiting for), says when it starts {@code initWorkerState}, registers once that returned, and
 * reports background failures. Every call is checked against the connection's own worker id.
 * It is never spawned or served; the engine hosts it with a {@link Registry} as state.
 */
final class MasterSpec implements WorkerSpec<Void, MasterSpec.Registry, UUID, UUID> {

  /** The master's side of spawning. Implementations are thread-safe. */
  interface Registry {
    /** Worker {@code id} opened its master connection; false refuses it (not a child we wait for). */
    boolean connected(UUID id, ConnectionContext connection);

    /** Worker {@code id} is about to run {@code initWorkerState}; false tells it to give up. */
    boolean initStarted(UUID id);

    /**
     * Worker {@code id} finished initialising (or failed to). {@link Answer#REFUSED} tells it to
     * exit; {@link Answer#TURN} to turn its master connection into the connection its spawn
     * waits for.
     */
    Answer register(UUID id, Registration registration);

    /** Worker {@code id} hit an uncaught exception and is about to exit. */
    void failed(UUID id, String worker, RemoteFailure error);
  }

  /** The master's answer to {@code register}. */
  enum Answer {
    /** The master no longer waits for this worker (or it failed to initialise): it exits. */
    REFUSED,
    /** Registered: the worker serves, and its master connection stays what it is. */
    REGISTERED,
    /**
     * Registered, and the spawn waits for a connection ({@code spawnAndConnect}): the worker
     * sends TURN on its master connection and serves the master's OPEN on it.
     */
    TURN;

    static final Codec<Answer> CODEC = Codecs.enumOf(Answer.class);
  }

  /** Sent by a worker once {@code initWorkerState} returned (its address) or threw (the error text). */
  record Registration(String host, int port, boolean tls, Optional<String> initError) {
    static final Codec<Registration> CODEC = Codec.of(
        "Registration{host:string,port:i32,tls:bool,initError:option<string>}",
        (r, out) -> {
          out.writeString(r.host()).writeVarInt(r.port()).writeBoolean(r.tls());
          out.writeBoolean(r.initError().isPresent());
          r.initError().map(Texts::safe).ifPresent(out::writeString);
        },
        in -> new Registration(in.readString(), in.readVarInt(), in.readBoolean(), in.readBoolean() ? Optional.of(in.readString()) : Optional.empty()));
  }

  /** A background failure: the worker's name and the exception, as a remote failure. */
  record Failure(String worker, Throwable error) {
    static final Codec<Failure> CODEC = Codec.of("Failure{worker:string,error:remote_error}", Failure::write, Failure::read);

    private static void write(Failure f, BinaryWriter out) {
      out.writeString(Texts.safe(f.worker()));
      WireError.writeRemote(f.error(), f.worker(), out);
    }

    private static Failure read(BinaryReader in) {
      String worker = in.readString();
      RuntimeException e = WireError.read(in);
      return new Failure(worker, e);
    }
  }

  static final Rpc<MasterSpec, Void, Boolean> INIT_STARTED = Rpc.of("master.init_started", Codecs.VOID, Codecs.BOOLEAN);
  static final Rpc<MasterSpec, Registration, Answer> REGISTER = Rpc.of("master.register", Registration.CODEC, Answer.CODEC);
  static final Rpc<MasterSpec, Failure, Void> REPORT_FAILURE = Rpc.of("master.report_failure", Failure.CODEC, Codecs.VOID);

  @Override
  public Codec<Void> initArgCodec() {
    return Codecs.VOID;
  }

  @Override
  public Registry initWorkerState(Void arg, WorkerContext context) {
    throw new UnsupportedOperationException("the master server is hosted directly, never served or spawned");
  }

  @Override
  public Codec<UUID> connectionArgCodec() {
    return Codecs.UUID;
  }

  @Override
  public UUID initConnectionState(ConnectionContext connection, Registry registry, UUID workerId) {
    if (!registry.connected(workerId, connection)) {
      throw new IllegalArgumentException("this master is not waiting for worker " + workerId);
    }
    return workerId;
  }

  @Override
  public void implement(Implementations<Registry, UUID> table) {
    table.rpc(INIT_STARTED, (registry, id, unit) -> registry.initStarted(id));
    table.rpc(REGISTER, (registry, id, reg) -> registry.register(id, reg));
    table.rpc(REPORT_FAILURE, (registry, id, f) -> {
      if (f.error() instanceof RemoteFailure r) {
        registry.failed(id, f.worker(), r);
      }
      return null;
    });
  }
}
