package dev.rpcparallel;

import dev.rpcparallel.codec.BinaryReader;
import dev.rpcparallel.codec.BinaryWriter;
import dev.rpcparallel.codec.Codec;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Protocol settings shared by every connection of one application: limits, timeouts and flow
 * control.
 *
 * <table>
 *   <caption>Fields and defaults</caption>
 *   <tr><th>field</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>{@code maxMessageSize}</td><td>100 MiB</td><td>largest frame accepted or sent,
 *       checked before any buffer is allocated</td></tr>
 *   <tr><td>{@code handshakeTimeout}</td><td>30 s</td><td>the whole handshake; a peer must also
 *       authenticate within 5 s (or this, if shorter)</td></tr>
 *   <tr><td>{@code heartbeatInterval}</td><td>10 s</td><td>how often each side sends a heartbeat</td></tr>
 *   <tr><td>{@code heartbeatTimeout}</td><td>30 s</td><td>silence after which a connection is
 *       closed (detected within one more interval)</td></tr>
 *   <tr><td>{@code streamWindow}</td><td>1 MiB</td><td>bytes a stream may have in flight before
 *       its producer waits</td></tr>
 *   <tr><td>{@code writeBufferLimit}</td><td>8 MiB</td><td>bytes a connection may have queued for
 *       sending before producers (stream writers, results) wait</td></tr>
 *   <tr><td>{@code readBufferLimit}</td><td>16 MiB</td><td>bytes received on a connection and not
 *       yet taken (on a worker: updates of reverse pipes not yet read, calls and one-way messages
 *       whose handler has not started; on a client, its own streams do not count: their credit
 *       bounds them) above which the connection stops reading from its socket until they are
 *       taken down to half of it</td></tr>
 *   <tr><td>{@code maxConcurrentCalls}</td><td>256</td><td>calls (of every kind) one connection
 *       may have running in a worker; a client queues further calls until one ends</td></tr>
 *   <tr><td>{@code maxOpenStreams}</td><td>128</td><td>streams (pipes, state functions, reverse
 *       pipes) one connection may have open; counted within {@code maxConcurrentCalls}. Opening
 *       one more fails at once with kind {@code LIMIT_EXCEEDED} (it is not queued: a stream lives
 *       as long as its reader wants)</td></tr>
 * </table>
 *
 * <p>They are chosen once per application (see {@link RpcParallel.Builder#settings}), may be
 * overridden per field by the environment variable {@value #ENV_VAR}, and travel to every worker
 * and inside every {@link Worker} handle, so that both ends of every connection use the same
 * timing and flow control. A connecting application takes the worker's values from the handle,
 * except {@code maxMessageSize}, {@code writeBufferLimit} and {@code readBufferLimit}, where it
 * keeps its own if they are smaller: a handle cannot raise what this side accepts and buffers.
 *
 * <h2>Environment override syntax</h2>
 *
 * <pre>RPC_PARALLEL_RPC_SETTINGS="heartbeatTimeout=8s,heartbeatInterval=2s,maxMessageSize=1500"</pre>
 *
 * A comma-separated list of {@code field=value} with the field names above. Sizes are bytes,
 * with optional suffix {@code k}, {@code m} or {@code g} (KiB, MiB, GiB); durations are a number
 * with {@code ms}, {@code s}, {@code m} or {@code h}; counts are plain numbers. A field present in
 * the variable wins over the application's value; absent fields keep it. Unknown fields or
 * malformed values are an {@link IllegalArgumentException} naming the field.
 *
 * <p>Immutable and thread-safe.
 */
public final class RpcSettings {
  /** The environment variable that overrides settings per field. */
  public static final String ENV_VAR = "RPC_PARALLEL_RPC_SETTINGS";

  private static final RpcSettings DEFAULTS = new Builder().build();

  private final long maxMessageSize;
  private final Duration handshakeTimeout;
  private final Duration heartbeatInterval;
  private final Duration heartbeatTimeout;
  private final int streamWindow;
  private final long writeBufferLimit;
  private final long readBufferLimit;
  private final int maxConcurrentCalls;
  private final int maxOpenStreams;

  private RpcSettings(Builder b) {
    if (b.maxMessageSize < 1024 || b.maxMessageSize > Integer.MAX_VALUE - 64) {
      throw new IllegalArgumentException("maxMessageSize must be in [1 KiB, 2 GiB), got " + b.maxMessageSize);
    }
    requirePositive("handshakeTimeout", b.handshakeTimeout);
    requirePositive("heartbeatInterval", b.heartbeatInterval);
    requirePositive("heartbeatTimeout", b.heartbeatTimeout);
    if (b.heartbeatTimeout.compareTo(b.heartbeatInterval) < 0) {
      throw new IllegalArgumentException("heartbeatTimeout (" + b.heartbeatTimeout
          + ") must not be shorter than heartbeatInterval (" + b.heartbeatInterval + ")");
    }
    if (b.streamWindow < 1024) {
      throw new IllegalArgumentException("streamWindow must be at least 1024 bytes, got " + b.streamWindow);
    }
    if (b.writeBufferLimit < 64 * 1024) {
      throw new IllegalArgumentException("writeBufferLimit must be at least 64 KiB, got " + b.writeBufferLimit);
    }
    if (b.readBufferLimit < 64 * 1024) {
      throw new IllegalArgumentException("readBufferLimit must be at least 64 KiB, got " + b.readBufferLimit);
    }
    if (b.maxConcurrentCalls < 1 || b.maxOpenStreams < 1 || b.maxOpenStreams > b.maxConcurrentCalls) {
      throw new IllegalArgumentException("need 1 <= maxOpenStreams <= maxConcurrentCalls, got "
          + b.maxOpenStreams + " and " + b.maxConcurrentCalls);
    }
    this.maxMessageSize = b.maxMessageSize;
    this.handshakeTimeout = b.handshakeTimeout;
    this.heartbeatInterval = b.heartbeatInterval;
    this.heartbeatTimeout = b.heartbeatTimeout;
    this.streamWindow = b.streamWindow;
    this.writeBufferLimit = b.writeBufferLimit;
    this.readBufferLimit = b.readBufferLimit;
    this.maxConcurrentCalls = b.maxConcurrentCalls;
    this.maxOpenStreams = b.maxOpenStreams;
  }

  private static void requirePositive(String name, Duration d) {
    Objects.requireNonNull(d, name);
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + " must be positive, got " + d);
    }
  }

  /** The defaults (those of the original library where it has them; see the table above). */
  public static RpcSettings defaults() {
    return DEFAULTS;
  }

  /** A builder holding the defaults. */
  public static Builder builder() {
    return DEFAULTS.toBuilder();
  }

  /** A builder holding these settings, to derive variants; this instance does not change. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /** Largest frame accepted or sent, in bytes; checked before any buffer is allocated. */
  public long maxMessageSize() {
    return maxMessageSize;
  }

  /**
   * How long a connection's whole handshake may take; a peer must also authenticate within 5 s
   * (or this, if shorter).
   */
  public Duration handshakeTimeout() {
    return handshakeTimeout;
  }

  /** How often each side sends a heartbeat. */
  public Duration heartbeatInterval() {
    return heartbeatInterval;
  }

  /** How long without receiving anything before a connection is closed. */
  public Duration heartbeatTimeout() {
    return heartbeatTimeout;
  }

  /** Bytes a stream may have in flight before its producer waits for the consumer. */
  public int streamWindow() {
    return streamWindow;
  }

  /** Bytes a connection may have queued for sending before its producers wait. */
  public long writeBufferLimit() {
    return writeBufferLimit;
  }

  /**
   * Bytes a connection may hold received but not yet taken (unread stream items, calls and
   * one-way messages not yet started) before it stops reading from its socket.
   */
  public long readBufferLimit() {
    return readBufferLimit;
  }

  /** Calls one connection may have running in a worker at once. */
  public int maxConcurrentCalls() {
    return maxConcurrentCalls;
  }

  /** Streams one connection may have open at once. */
  public int maxOpenStreams() {
    return maxOpenStreams;
  }

  /** These settings with the fields present in {@value #ENV_VAR} (read from {@code env}) replaced. */
  public RpcSettings withOverrides(Map<String, String> env) {
    String spec = env.get(ENV_VAR);
    return spec == null || spec.isBlank() ? this : Syntax.apply(this, spec);
  }

  /** The env-var text that reproduces these settings (every field). */
  public String toEnvString() {
    return "maxMessageSize=" + maxMessageSize
        + ",handshakeTimeout=" + handshakeTimeout.toMillis() + "ms"
        + ",heartbeatInterval=" + heartbeatInterval.toMillis() + "ms"
        + ",heartbeatTimeout=" + heartbeatTimeout.toMillis() + "ms"
        + ",streamWindow=" + streamWindow
        + ",writeBufferLimit=" + writeBufferLimit
        + ",readBufferLimit=" + readBufferLimit
        + ",maxConcurrentCalls=" + maxConcurrentCalls
        + ",maxOpenStreams=" + maxOpenStreams;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RpcSettings s
        && s.maxMessageSize == maxMessageSize
        && s.handshakeTimeout.equals(handshakeTimeout)
        && s.heartbeatInterval.equals(heartbeatInterval)
        && s.heartbeatTimeout.equals(heartbeatTimeout)
        && s.streamWindow == streamWindow
        && s.writeBufferLimit == writeBufferLimit
        && s.readBufferLimit == readBufferLimit
        && s.maxConcurrentCalls == maxConcurrentCalls
        && s.maxOpenStreams == maxOpenStreams;
  }

  @Override
  public int hashCode() {
    return Objects.hash(maxMessageSize, handshakeTimeout, heartbeatInterval, heartbeatTimeout, streamWindow,
        writeBufferLimit, readBufferLimit, maxConcurrentCalls, maxOpenStreams);
  }

  @Override
  public String toString() {
    return "RpcSettings{" + toEnvString() + "}";
  }

  /** Wire codec: every field, durations in nanoseconds. */
  public static final Codec<RpcSettings> CODEC = Codec.of(
      "RpcSettings{maxMessageSize:i64,handshakeTimeout:i64,heartbeatInterval:i64,heartbeatTimeout:i64,streamWindow:i32,"
          + "writeBufferLimit:i64,readBufferLimit:i64,maxConcurrentCalls:i32,maxOpenStreams:i32}",
      RpcSettings::write,
      RpcSettings::read);

  private static void write(RpcSettings s, BinaryWriter out) {
    out.writeVarLong(s.maxMessageSize);
    out.writeVarLong(s.handshakeTimeout.toNanos());
    out.writeVarLong(s.heartbeatInterval.toNanos());
    out.writeVarLong(s.heartbeatTimeout.toNanos());
    out.writeVarInt(s.streamWindow);
    out.writeVarLong(s.writeBufferLimit);
    out.writeVarLong(s.readBufferLimit);
    out.writeVarInt(s.maxConcurrentCalls);
    out.writeVarInt(s.maxOpenStreams);
  }

  private static RpcSettings read(BinaryReader in) {
    Builder b = new Builder();
    b.maxMessageSize = in.readVarLong();
    b.handshakeTimeout = Duration.ofNanos(in.readVarLong());
    b.heartbeatInterval = Duration.ofNanos(in.readVarLong());
    b.heartbeatTimeout = Duration.ofNanos(in.readVarLong());
    b.streamWindow = in.readVarInt();
    b.writeBufferLimit = in.readVarLong();
    b.readBufferLimit = in.readVarLong();
    b.maxConcurrentCalls = in.readVarInt();
    b.maxOpenStreams = in.readVarInt();
    try {
      return b.build();
    } catch (IllegalArgumentException e) {
      throw in.error("RpcSettings", e.getMessage());
    }
  }

  /** Builds settings; values are checked by {@link #build()}. Not thread-safe. */
  public static final class Builder {
    private long maxMessageSize = 100L * 1024 * 1024;
    private Duration handshakeTimeout = Duration.ofSeconds(30);
    private Duration heartbeatInterval = Duration.ofSeconds(10);
    private Duration heartbeatTimeout = Duration.ofSeconds(30);
    private int streamWindow = 1 << 20;
    private long writeBufferLimit = 8L << 20;
    private long readBufferLimit = 16L << 20;
    private int maxConcurrentCalls = 256;
    private int maxOpenStreams = 128;

    private Builder() {}

    private Builder(RpcSettings s) {
      maxMessageSize = s.maxMessageSize;
      handshakeTimeout = s.handshakeTimeout;
      heartbeatInterval = s.heartbeatInterval;
      heartbeatTimeout = s.heartbeatTimeout;
      streamWindow = s.streamWindow;
      writeBufferLimit = s.writeBufferLimit;
      readBufferLimit = s.readBufferLimit;
      maxConcurrentCalls = s.maxConcurrentCalls;
      maxOpenStreams = s.maxOpenStreams;
    }

    /**
     * Largest frame accepted or sent, in bytes (default 100 MiB); a larger message fails with
     * kind {@code MESSAGE_TOO_LARGE}. {@link #build()} requires at least 1 KiB and less than 2 GiB
     * ({@code Integer.MAX_VALUE - 64} at most).
     */
    public Builder maxMessageSize(long bytes) {
      this.maxMessageSize = bytes;
      return this;
    }

    /**
     * How long a connection's whole handshake may take (default 30 s); a peer must also
     * authenticate within 5 s, or this if shorter. {@link #build()} requires it positive.
     */
    public Builder handshakeTimeout(Duration d) {
      this.handshakeTimeout = d;
      return this;
    }

    /**
     * How often each side of a connection sends a heartbeat (default 10 s). {@link #build()}
     * requires it positive and not longer than the heartbeat timeout.
     */
    public Builder heartbeatInterval(Duration d) {
      this.heartbeatInterval = d;
      return this;
    }

    /**
     * Silence after which a connection is closed (default 30 s); it is noticed at the next
     * heartbeat tick, so within one more interval. {@link #build()} requires it positive and not
     * shorter than the heartbeat interval.
     */
    public Builder heartbeatTimeout(Duration d) {
      this.heartbeatTimeout = d;
      return this;
    }

    /**
     * Bytes a stream may have in flight before its producer waits for the consumer (default 1
     * MiB). {@link #build()} requires at least 1024.
     */
    public Builder streamWindow(int bytes) {
      this.streamWindow = bytes;
      return this;
    }

    /**
     * Bytes a connection may have queued for sending before its producers (stream writers,
     * results) wait (default 8 MiB). {@link #build()} requires at least 64 KiB.
     */
    public Builder writeBufferLimit(long bytes) {
      this.writeBufferLimit = bytes;
      return this;
    }

    /**
     * Bytes received and not yet taken above which a connection stops reading (default 16 MiB;
     * {@link #build()} requires at least 64 KiB).
     */
    public Builder readBufferLimit(long bytes) {
      this.readBufferLimit = bytes;
      return this;
    }

    /**
     * Calls of every kind, streams included, that one connection may have running in a worker
     * (default 256); a client queues further calls until one ends. {@link #build()} requires at
     * least 1 and at least {@code maxOpenStreams}.
     */
    public Builder maxConcurrentCalls(int n) {
      this.maxConcurrentCalls = n;
      return this;
    }

    /**
     * Streams (pipes, state functions, reverse pipes) one connection may have open (default 128);
     * opening one more fails at once with kind {@code LIMIT_EXCEEDED}. {@link #build()} requires
     * at least 1 and at most {@code maxConcurrentCalls}.
     */
    public Builder maxOpenStreams(int n) {
      this.maxOpenStreams = n;
      return this;
    }

    /**
     * The settings, once every value is checked.
     *
     * @throws IllegalArgumentException if a value is out of range
     * @throws NullPointerException if a duration is null
     */
    public RpcSettings build() {
      return new RpcSettings(this);
    }
  }

  /** Parses the {@value #ENV_VAR} syntax. */
  private static final class Syntax {
    private Syntax() {}

    static RpcSettings apply(RpcSettings base, String spec) {
      Builder b = base.toBuilder();
      for (String part : spec.split(",")) {
        String item = part.trim();
        if (item.isEmpty()) {
          continue;
        }
        int eq = item.indexOf('=');
        if (eq <= 0) {
          throw new IllegalArgumentException(ENV_VAR + ": expected field=value, got '" + item + "'");
        }
        String field = item.substring(0, eq).trim();
        String value = item.substring(eq + 1).trim();
        try {
          switch (field) {
            case "maxMessageSize" -> b.maxMessageSize(parseBytes(value));
            case "handshakeTimeout" -> b.handshakeTimeout(parseDuration(value));
            case "heartbeatInterval" -> b.heartbeatInterval(parseDuration(value));
            case "heartbeatTimeout" -> b.heartbeatTimeout(parseDuration(value));
            case "streamWindow" -> b.streamWindow(Math.toIntExact(parseBytes(value)));
            case "writeBufferLimit" -> b.writeBufferLimit(parseBytes(value));
            case "readBufferLimit" -> b.readBufferLimit(parseBytes(value));
            case "maxConcurrentCalls" -> b.maxConcurrentCalls(Integer.parseInt(value));
            case "maxOpenStreams" -> b.maxOpenStreams(Integer.parseInt(value));
            default -> throw new IllegalArgumentException("unknown field");
          }
        } catch (RuntimeException e) {
          throw new IllegalArgumentException(
              ENV_VAR + ": bad value for field '" + field + "' ('" + value + "'): " + e.getMessage(), e);
        }
      }
      try {
        return b.build();
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(ENV_VAR + ": " + e.getMessage(), e);
      }
    }

    static long parseBytes(String v) {
      String s = v.toLowerCase(Locale.ROOT);
      long mult = 1;
      char last = s.isEmpty() ? ' ' : s.charAt(s.length() - 1);
      switch (last) {
        case 'k' -> mult = 1024;
        case 'm' -> mult = 1024 * 1024;
        case 'g' -> mult = 1024L * 1024 * 1024;
        default -> {}
      }
      if (mult != 1) {
        s = s.substring(0, s.length() - 1);
      }
      return Math.multiplyExact(Long.parseLong(s.trim()), mult);
    }

    static Duration parseDuration(String v) {
      String s = v.toLowerCase(Locale.ROOT).trim();
      if (s.endsWith("ms")) {
        return Duration.ofMillis(Long.parseLong(s.substring(0, s.length() - 2).trim()));
      }
      char unit = s.isEmpty() ? ' ' : s.charAt(s.length() - 1);
      String num = s.substring(0, Math.max(0, s.length() - 1)).trim();
      return switch (unit) {
        case 's' -> Duration.ofMillis(Math.round(Double.parseDouble(num) * 1000));
        case 'm' -> Duration.ofSeconds(Long.parseLong(num) * 60);
        case 'h' -> Duration.ofHours(Long.parseLong(num));
        default -> throw new IllegalArgumentException("duration needs a unit (ms, s, m, h)");
      };
    }
  }
}
