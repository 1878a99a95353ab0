package dev.rpcparallel.internal.spawn;

import dev.rpcparallel.ConnectionContext;
import dev.rpcparallel.Implementations;
import dev.rpcparallel.Rpc;
import dev.rpcparallel.WorkerContext;
import dev.rpcparallel.WorkerSpec;
import dev.rpcparallel.codec.Codec;
import dev.rpcparallel.codec.Codecs;
import dev.rpcparallel.internal.protocol.RemoteErrorCodec;
import java.util.Optional;
import java.util.UUID;

/**
 * The master's own server, started lazily at the first spawn: spawned workers connect to it
 * (their connection argument is their id), register once initialised, and report background
 * failures. It is never spawned; the master hosts it directly with a {@link Registry} as state.
 */
public final class MasterSpec implements WorkerSpec<Void, MasterSpec.Registry, UUID, UUID> {

  /** The master's side of spawning. Implementations are thread-safe. */
  public interface Registry {
    /** A worker opened its master connection. */
    void connected(UUID workerId, ConnectionContext connection);

    /** A worker finished initialising (or failed to); returns false if it should exit. */
    boolean register(Registration registration);

    /** A worker hit an uncaught exception and is about to exit. */
    void failed(UUID workerId, Throwable error);
  }

  /** Sent by a worker once {@code initWorkerState} returned (port) or threw (initError). */
  public record Registration(UUID workerId, String host, int port, Optional<String> initError) {
    public static final Codec<Registration> CODEC =
        Codec.of(
            "Registration{workerId:uuid,host:string,port:i32,initError:option<string>}",
            (r, out) -> {
              Codecs.UUID.encode(r.workerId(), out);
              out.writeString(r.host()).writeVarInt(r.port());
              out.writeBoolean(r.initError().isPresent());
              r.initError().ifPresent(out::writeString);
            },
            in -> new Registration(Codecs.UUID.decode(in), in.readString(), in.readVarInt(),
                in.readBoolean() ? Optional.of(in.readString()) : Optional.empty()));
  }

  /** A background failure. */
  public record Failure(UUID workerId, String worker, Throwable error) {
    public static final Codec<Failure> CODEC =
        Codec.of(
            "Failure{workerId:uuid,worker:string,error:remote_error}",
            (f, out) -> {
              Codecs.UUID.encode(f.workerId(), out);
              Codecs.STRING.encode(f.worker(), out);
              RemoteErrorCodec.forWorker(f.worker()).encode(f.error(), out);
            },
            in -> new Failure(Codecs.UUID.decode(in), Codecs.STRING.decode(in), RemoteErrorCodec.CODEC.decode(in)));
  }

  public static final Rpc<Registration, Boolean> REGISTER =
      Rpc.of("master.register", Registration.CODEC, Codecs.BOOLEAN);
  public static final Rpc<Failure, Void> REPORT_FAILURE = Rpc.of("master.report_failure", Failure.CODEC, Codecs.VOID);

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
    registry.connected(workerId, connection);
    return workerId;
  }

  @Override
  public void implement(Implementations<Registry, UUID> table) {
    table.rpc(REGISTER, (registry, id, reg) -> registry.register(reg));
    table.rpc(REPORT_FAILURE, (registry, id, f) -> {
      registry.failed(f.workerId(), f.error());
      return null;
    });
  }
}
