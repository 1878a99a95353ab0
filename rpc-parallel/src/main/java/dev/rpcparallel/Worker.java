package dev.rpcparallel;

import dev.rpcparallel.codec.BinaryReader;
import dev.rpcparallel.codec.BinaryWriter;
import dev.rpcparallel.codec.Codec;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * A handle to a running worker: its id, optional name, address, the worker type, the settings
 * its server uses and the credentials needed to connect. It is a plain value: it has a {@link
 * #CODEC}, so it can be the argument or result of any function, and any process holding it can
 * {@link RpcParallel#connect(Worker, Object) connect} to the worker.
 *
 * <p>The credentials are the application's shared secret; {@link #toString()} never shows them.
 * Treat an encoded handle like a password. Immutable and thread-safe.
 */
public final class Worker {
  private final UUID id;
  private final String name;
  private final String host;
  private final int port;
  private final String specClass;
  private final RpcSettings settings;
  private final byte[] secret;

  /** For internal use: handles are made by {@code serve} and {@code spawn}. */
  Worker(UUID id, String name, String host, int port, String specClass, RpcSettings settings, byte[] secret) {
    this.id = Objects.requireNonNull(id, "id");
    this.name = name;
    this.host = Objects.requireNonNull(host, "host");
    this.port = port;
    this.specClass = Objects.requireNonNull(specClass, "specClass");
    this.settings = Objects.requireNonNull(settings, "settings");
    this.secret = secret.clone();
  }

  public UUID id() {
    return id;
  }

  /** The name given at spawn, if any. */
  public Optional<String> name() {
    return Optional.ofNullable(name);
  }

  /** The name if there is one, else the id: what errors and log prefixes use. */
  public String nameOrId() {
    return name != null ? name : id.toString();
  }

  /** The host the worker's server listens on (a loopback address for local workers). */
  public String host() {
    return host;
  }

  public int port() {
    return port;
  }

  /** The fully qualified class name of the worker's {@link WorkerSpec}. */
  public String specClass() {
    return specClass;
  }

  /** The settings of the worker's server; connections to it use the same. */
  public RpcSettings settings() {
    return settings;
  }

  byte[] secret() {
    return secret;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Worker w
        && w.id.equals(id)
        && Objects.equals(w.name, name)
        && w.host.equals(host)
        && w.port == port
        && w.specClass.equals(specClass)
        && w.settings.equals(settings)
        && Arrays.equals(w.secret, secret);
  }

  @Override
  public int hashCode() {
    return id.hashCode();
  }

  @Override
  public String toString() {
    return "Worker{" + (name != null ? name + ", " : "") + "id=" + id + ", " + host + ":" + port + ", " + specClass + "}";
  }

  /** The wire codec of worker handles (includes the credentials). */
  public static final Codec<Worker> CODEC =
      Codec.of(
          "Worker{id:uuid,name:nullable<string>,host:string,port:i32,spec:string,settings:"
              + RpcSettings.CODEC.shape()
              + ",secret:bytes}",
          Worker::write,
          Worker::read);

  private static void write(Worker w, BinaryWriter out) {
    out.writeFixedLong(w.id.getMostSignificantBits());
    out.writeFixedLong(w.id.getLeastSignificantBits());
    out.writeBoolean(w.name != null);
    if (w.name != null) {
      out.writeString(w.name);
    }
    out.writeString(w.host);
    out.writeVarInt(w.port);
    out.writeString(w.specClass);
    RpcSettings.CODEC.encode(w.settings, out);
    out.writeBytes(w.secret);
  }

  private static Worker read(BinaryReader in) {
    UUID id = new UUID(in.readFixedLong(), in.readFixedLong());
    String name = in.readBoolean() ? in.readString() : null;
    String host = in.readString();
    int port = in.readVarInt();
    if (port < 0 || port > 65535) {
      throw in.error("Worker", "port out of range: " + port);
    }
    String spec = in.readString();
    RpcSettings settings = RpcSettings.CODEC.decode(in);
    byte[] secret = in.readBytes();
    return new Worker(id, name, host, port, spec, settings, secret);
  }
}
