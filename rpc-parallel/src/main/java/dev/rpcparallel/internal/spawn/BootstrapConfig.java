package dev.rpcparallel.internal.spawn;

import dev.rpcparallel.Redirect;
import dev.rpcparallel.RpcSettings;
import dev.rpcparallel.ShutdownOn;
import dev.rpcparallel.Worker;
import dev.rpcparallel.codec.Codec;
import dev.rpcparallel.codec.BinaryReader;
import dev.rpcparallel.codec.BinaryWriter;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;

/**
 * What a spawned worker learns from its master, through its stdin (never argv or env, since it
 * holds the application secret): a 4-byte big-endian length, then this record's encoding.
 */
public record BootstrapConfig(
    byte[] secret,
    RpcSettings settings,
    Worker master,
    UUID workerId,
    Optional<String> name,
    String specClass,
    byte[] initArg,
    ShutdownOn shutdownOn,
    Duration connectionTimeout,
    Redirect stdout,
    Redirect stderr) {

  /** Written by hand (no reflective derivation) to keep it off the worker's start-up path. */
  public static final Codec<BootstrapConfig> CODEC =
      Codec.of(
          "BootstrapConfig{secret:bytes,settings:" + RpcSettings.CODEC.shape() + ",master:" + Worker.CODEC.shape()
              + ",workerId:uuid,name:option<string>,specClass:string,initArg:bytes,shutdownOn:string,"
              + "connectionTimeoutNanos:i64,stdout:" + Redirect.CODEC.shape() + ",stderr:" + Redirect.CODEC.shape() + "}",
          BootstrapConfig::write,
          BootstrapConfig::read);

  private static void write(BootstrapConfig c, BinaryWriter out) {
    out.writeBytes(c.secret);
    RpcSettings.CODEC.encode(c.settings, out);
    Worker.CODEC.encode(c.master, out);
    out.writeFixedLong(c.workerId.getMostSignificantBits()).writeFixedLong(c.workerId.getLeastSignificantBits());
    out.writeBoolean(c.name.isPresent());
    c.name.ifPresent(out::writeString);
    out.writeString(c.specClass);
    out.writeBytes(c.initArg);
    out.writeString(c.shutdownOn.name());
    out.writeVarLong(c.connectionTimeout.toNanos());
    Redirect.CODEC.encode(c.stdout, out);
    Redirect.CODEC.encode(c.stderr, out);
  }

  private static BootstrapConfig read(BinaryReader in) {
    byte[] secret = in.readBytes();
    RpcSettings settings = RpcSettings.CODEC.decode(in);
    Worker master = Worker.CODEC.decode(in);
    UUID id = new UUID(in.readFixedLong(), in.readFixedLong());
    Optional<String> name = in.readBoolean() ? Optional.of(in.readString()) : Optional.empty();
    String specClass = in.readString();
    byte[] initArg = in.readBytes();
    String mode = in.readString();
    ShutdownOn shutdownOn;
    try {
      shutdownOn = ShutdownOn.valueOf(mode);
    } catch (IllegalArgumentException e) {
      throw in.error("BootstrapConfig", "unknown ShutdownOn " + mode);
    }
    long timeout = in.readVarLong();
    if (timeout < 0) {
      throw in.error("BootstrapConfig", "negative connection timeout");
    }
    return new BootstrapConfig(secret, settings, master, id, name, specClass, initArg, shutdownOn,
        Duration.ofNanos(timeout), Redirect.CODEC.decode(in), Redirect.CODEC.decode(in));
  }

  /** Largest config a worker accepts on stdin. */
  public static final int MAX_LENGTH = 256 << 20;

  public String nameOrId() {
    return name.orElse(workerId.toString());
  }
}
