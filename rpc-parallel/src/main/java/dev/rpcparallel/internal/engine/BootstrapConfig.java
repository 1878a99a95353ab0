package dev.rpcparallel.internal.engine;

import dev.rpcparallel.RpcSettings;
import dev.rpcparallel.codec.BinaryReader;
import dev.rpcparallel.codec.BinaryWriter;
import dev.rpcparallel.codec.Codec;
import dev.rpcparallel.internal.lifecycle.ExitPolicy;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;

/**
 * What a spawned worker learns from its master, through its stdin (never argv or env, since it
 * holds secrets): a 4-byte big-endian length, then this record's encoding.
 *
 * @param secret the application secret (the worker's own application uses it)
 * @param settings the application's settings
 * @param master the master server's handle
 * @param workerId this worker's id
 * @param name this worker's name, if any
 * @param specClass the spec class to run
 * @param initArg the encoded init argument
 * @param mode when to exit
 * @param connectionTimeout for the worker's own timers
 * @param listen where the worker's server listens
 * @param advertise the host in the worker's handle; empty: the listen address, or for a wildcard
 *     one, the worker's address on the route to its master
 */
record BootstrapConfig(
    byte[] secret,
    RpcSettings settings,
    HandleData master,
    UUID workerId,
    Optional<String> name,
    String specClass,
    byte[] initArg,
    ExitPolicy.Mode mode,
    Duration connectionTimeout,
    String listen,
    String advertise) {

  /** Largest config a worker accepts on stdin. */
  static final int MAX_LENGTH = 256 << 20;

  /** Written by hand (no reflective derivation) to keep it off the worker's start-up path. */
  static final Codec<BootstrapConfig> CODEC = Codec.of("BootstrapConfig", BootstrapConfig::write, BootstrapConfig::read);

  String nameOrId() {
    return name.orElse(workerId.toString());
  }

  /** The bytes to write to the worker's stdin. */
  byte[] toStdin() {
    byte[] body = CODEC.toBytes(this);
    BinaryWriter w = new BinaryWriter(body.length + 4);
    w.writeFixedInt(body.length);
    w.writeRaw(body, 0, body.length);
    return w.toByteArray();
  }

  /** Reads the bootstrap from a worker's stdin. */
  static BootstrapConfig fromStdin(InputStream in) throws IOException {
    DataInputStream data = new DataInputStream(in);
    int len = data.readInt();
    if (len <= 0 || len > MAX_LENGTH) {
      throw new IOException("bootstrap length " + len + " out of range");
    }
    byte[] bytes = new byte[len];
    data.readFully(bytes);
    return CODEC.fromBytes(bytes);
  }

  private static void write(BootstrapConfig c, BinaryWriter out) {
    out.writeBytes(c.secret);
    RpcSettings.CODEC.encode(c.settings, out);
    writeHandle(c.master, out);
    out.writeFixedLong(c.workerId.getMostSignificantBits()).writeFixedLong(c.workerId.getLeastSignificantBits());
    out.writeBoolean(c.name.isPresent());
    c.name.ifPresent(out::writeString);
    out.writeString(c.specClass);
    out.writeBytes(c.initArg);
    out.writeString(c.mode.name());
    out.writeVarLong(c.connectionTimeout.toNanos());
    out.writeString(c.listen).writeString(c.advertise);
  }

  private static BootstrapConfig read(BinaryReader in) {
    byte[] secret = in.readBytes();
    RpcSettings settings = RpcSettings.CODEC.decode(in);
    HandleData master = readHandle(in);
    UUID id = new UUID(in.readFixedLong(), in.readFixedLong());
    Optional<String> name = in.readBoolean() ? Optional.of(in.readString()) : Optional.empty();
    String specClass = in.readString();
    byte[] initArg = in.readBytes();
    String mode = in.readString();
    ExitPolicy.Mode m;
    try {
      m = ExitPolicy.Mode.valueOf(mode);
    } catch (IllegalArgumentException e) {
      throw in.error("BootstrapConfig", "unknown shutdown mode " + mode);
    }
    long timeout = in.readVarLong();
    if (timeout < 0) {
      throw in.error("BootstrapConfig", "negative connection timeout");
    }
    String listen = in.readString();
    String advertise = in.readString();
    return new BootstrapConfig(secret, settings, master, id, name, specClass, initArg, m, Duration.ofNanos(timeout),
        listen, advertise);
  }

  private static void writeHandle(HandleData h, BinaryWriter out) {
    out.writeFixedLong(h.id().getMostSignificantBits()).writeFixedLong(h.id().getLeastSignificantBits());
    out.writeString(h.host()).writeVarInt(h.port()).writeBoolean(h.tls()).writeString(h.specClass());
    RpcSettings.CODEC.encode(h.settings(), out);
    out.writeBytes(h.credential());
    out.writeUnsignedVarLong(h.generation());
  }

  private static HandleData readHandle(BinaryReader in) {
    UUID id = new UUID(in.readFixedLong(), in.readFixedLong());
    String host = in.readString();
    int port = in.readVarInt();
    boolean tls = in.readBoolean();
    String spec = in.readString();
    RpcSettings settings = RpcSettings.CODEC.decode(in);
    return new HandleData(id, "master", host, port, tls, spec, settings, in.readBytes(), in.readUnsignedVarLong(), 0);
  }
}
