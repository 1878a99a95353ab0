package dev.rpcparallel;

import dev.rpcparallel.codec.BinaryReader;
import dev.rpcparallel.codec.BinaryWriter;
import dev.rpcparallel.codec.Codec;
import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * A handle to a running worker of type {@code W} (its spec class): its id, optional name,
 * address, the settings its server uses and the credential needed to connect to it. It is a plain
 * value: {@link #codec(Class)} encodes it, so it can be the argument or result of any function,
 * and any process holding it can {@link RpcParallel#connect(Worker, Object) connect} to the worker.
 *
 * <p>The credential opens this worker only (not other workers of the application, nor its
 * master), possibly until an expiry; {@link RpcParallel#retireCredentials} makes earlier handles
 * of a worker useless. {@link #toString()} never shows it. Treat an encoded handle like a password
 * for that one worker. Immutable and thread-safe.
 *
 * @param <W> the worker type: the {@link WorkerSpec} class it runs
 */
public final class Worker<W extends WorkerSpec<?, ?, ?, ?>> {
  private static final String FIELDS_SHAPE = "{id:uuid,name:nullable<string>,host:string,port:i32,tls:bool,spec:string,settings:"
      + RpcSettings.CODEC.shape() + ",credential:bytes,generation:u64,expiresAtMillis:u64}";

  private final UUID id;
  private final String name;
  private final String host;
  private final int port;
  private final boolean tls;
  private final String specClass;
  private final RpcSettings settings;
  private final byte[] credential;
  private final long generation;
  private final long expiresAtMillis;

  Worker(UUID id, String name, String host, int port, boolean tls, String specClass, RpcSettings settings, byte[] credential,
      long generation, long expiresAtMillis) {
    this.id = Objects.requireNonNull(id, "id");
    this.name = name;
    this.host = Objects.requireNonNull(host, "host");
    this.port = port;
    this.tls = tls;
    this.specClass = Objects.requireNonNull(specClass, "specClass");
    this.settings = Objects.requireNonNull(settings, "settings");
    this.credential = credential.clone();
    this.generation = generation;
    this.expiresAtMillis = expiresAtMillis;
  }

  /**
   * The worker's id: a random UUID chosen when it was spawned or served, the same in all its
   * handles.
   */
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

  /**
   * The host clients connect to: the advertise host of the instance hosting the worker ({@link
   * RpcParallel.Builder#advertiseHost}, by default its bind host; {@code 127.0.0.1} for spawned
   * workers), or {@code "in-memory"} for a worker served by an in-memory instance.
   */
  public String host() {
    return host;
  }

  /**
   * The port the worker's server listens on (for an in-memory worker, a number that names its
   * listener).
   */
  public int port() {
    return port;
  }

  /**
   * Whether the worker's server speaks TLS 1.3 with mutual authentication: it does whenever it
   * listens on an address other than loopback (docs/REMOTE.md). Clients follow what the handle
   * says.
   */
  public boolean usesTls() {
    return tls;
  }

  /** The fully qualified name of the worker's {@link WorkerSpec} class. */
  public String specClass() {
    return specClass;
  }

  /**
   * The settings of the worker's server. Connections to it use their timing and flow control, but
   * the connecting application keeps its own {@code maxMessageSize}, {@code writeBufferLimit} and
   * {@code readBufferLimit} where they are smaller.
   */
  public RpcSettings settings() {
    return settings;
  }

  byte[] credential() {
    return credential.clone();
  }

  long generation() {
    return generation;
  }

  long expiresAtMillis() {
    return expiresAtMillis;
  }

  /**
   * When this handle's credential stops opening the worker, if it was issued with an expiry
   * ({@link RpcParallel#issueHandle}).
   */
  public Optional<Instant> expiresAt() {
    return expiresAtMillis == 0 ? Optional.empty() : Optional.of(Instant.ofEpochMilli(expiresAtMillis));
  }

  /**
   * This handle typed as a worker of {@code type}, for handles decoded with the untyped {@link
   * #CODEC} or got from {@link WorkerContext#worker()}.
   *
   * @throws IllegalArgumentException if the worker runs another spec class
   */
  @SuppressWarnings("unchecked") // checked against the spec class name, the type's only runtime trace
  public <X extends WorkerSpec<?, ?, ?, ?>> Worker<X> as(Class<X> type) {
    if (!type.getName().equals(specClass)) {
      throw new IllegalArgumentException("worker " + nameOrId() + " runs " + specClass + ", not " + type.getName());
    }
    return (Worker<X>) this;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Worker<?> w
        && w.id.equals(id)
        && Objects.equals(w.name, name)
        && w.host.equals(host)
        && w.port == port
        && w.tls == tls
        && w.specClass.equals(specClass)
        && w.settings.equals(settings)
        && Arrays.equals(w.credential, credential)
        && w.generation == generation
        && w.expiresAtMillis == expiresAtMillis;
  }

  @Override
  public int hashCode() {
    return id.hashCode();
  }

  @Override
  public String toString() {
    return "Worker{" + (name != null ? name + ", " : "") + "id=" + id + ", " + host + ":" + port + (tls ? " (TLS)" : "") + ", " + specClass + "}";
  }

  /**
   * The wire codec of handles of any worker type (includes the credential). Narrow a decoded
   * handle with {@link #as(Class)}, or use {@link #codec(Class)}.
   */
  public static final Codec<Worker<?>> CODEC = Codec.of("Worker<?>" + FIELDS_SHAPE, Worker::write, Worker::read);

  /**
   * The wire codec of handles of workers of {@code type}; decoding a handle of another worker
   * type fails with a {@link dev.rpcparallel.codec.CodecException}.
   */
  public static <W extends WorkerSpec<?, ?, ?, ?>> Codec<Worker<W>> codec(Class<W> type) {
    String shape = "Worker<" + type.getName() + ">" + FIELDS_SHAPE;
    return Codec.of(shape, Worker::write, in -> {
      int at = in.position();
      Worker<?> w = read(in);
      if (!w.specClass.equals(type.getName())) {
        throw in.error(shape, "handle at offset " + at + " is of worker type " + w.specClass);
      }
      return w.as(type);
    });
  }

  private static void write(Worker<?> w, BinaryWriter out) {
    out.writeFixedLong(w.id.getMostSignificantBits());
    out.writeFixedLong(w.id.getLeastSignificantBits());
    out.writeBoolean(w.name != null);
    if (w.name != null) {
      out.writeString(w.name);
    }
    out.writeString(w.host);
    out.writeVarInt(w.port);
    out.writeBoolean(w.tls);
    out.writeString(w.specClass);
    RpcSettings.CODEC.encode(w.settings, out);
    out.writeBytes(w.credential);
    out.writeUnsignedVarLong(w.generation).writeUnsignedVarLong(w.expiresAtMillis);
  }

  private static Worker<?> read(BinaryReader in) {
    UUID id = new UUID(in.readFixedLong(), in.readFixedLong());
    String name = in.readBoolean() ? in.readString() : null;
    String host = in.readString();
    int port = in.readVarInt();
    if (port < 0 || port > 65535) {
      throw in.error("Worker", "port out of range: " + port);
    }
    boolean tls = in.readBoolean();
    String spec = in.readString();
    RpcSettings settings = RpcSettings.CODEC.decode(in);
    byte[] credential = in.readBytes();
    long generation = in.readUnsignedVarLong();
    long expires = in.readUnsignedVarLong();
    if (generation < 0 || expires < 0) {
      throw in.error("Worker", "generation or expiry out of range");
    }
    return new Worker<>(id, name, host, port, tls, spec, settings, credential, generation, expires);
  }
}
