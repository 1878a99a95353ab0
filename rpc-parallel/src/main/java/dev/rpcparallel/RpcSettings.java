package dev.rpcparallel;

import dev.rpcparallel.codec.BinaryReader;
import dev.rpcparallel.codec.BinaryWriter;
import dev.rpcparallel.codec.Codec;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Protocol settings shared by every connection of one application: maximum message size,
 * handshake timeout, heartbeat interval and timeout, and the per-stream flow-control window.
 *
 * <p>They are chosen once per application (see {@link RpcParallel.Builder#settings}), may be
 * overridden per field by the environment variable {@value #ENV_VAR}, travel to every worker and
 * inside every {@link Worker} handle, so that both ends of every connection use the same values.
 *
 * <h2>Environment override syntax</h2>
 *
 * <pre>RPC_PARALLEL_RPC_SETTINGS="heartbeatTimeout=8s,heartbeatInterval=2s,maxMessageSize=1500"</pre>
 *
 * A comma-separated list of {@code field=value}. Fields: {@code maxMessageSize} (bytes; suffixes
 * {@code k}, {@code m}, {@code g} for KiB, MiB, GiB), {@code handshakeTimeout}, {@code
 * heartbeatInterval}, {@code heartbeatTimeout} (durations: a number with {@code ms}, {@code s},
 * {@code m} or {@code h}), {@code streamWindow} (bytes). A field present in the variable wins over
 * the application's value; absent fields keep it. Unknown fields or malformed values are an
 * {@link IllegalArgumentException} naming the field.
 *
 * <p>Immutable and thread-safe.
 */
public final class RpcSettings {
  /** The environment variable that overrides settings per field. */
  public static final String ENV_VAR = "RPC_PARALLEL_RPC_SETTINGS";

  static final long DEFAULT_MAX_MESSAGE_SIZE = 100L * 1024 * 1024;

  private static final RpcSettings DEFAULTS =
      new RpcSettings(
          DEFAULT_MAX_MESSAGE_SIZE, Duration.ofSeconds(30), Duration.ofSeconds(10), Duration.ofSeconds(30), 1 << 20);

  private final long maxMessageSize;
  private final Duration handshakeTimeout;
  private final Duration heartbeatInterval;
  private final Duration heartbeatTimeout;
  private final int streamWindow;

  private RpcSettings(
      long maxMessageSize,
      Duration handshakeTimeout,
      Duration heartbeatInterval,
      Duration heartbeatTimeout,
      int streamWindow) {
    if (maxMessageSize < 1024 || maxMessageSize > Integer.MAX_VALUE - 64) {
      throw new IllegalArgumentException("maxMessageSize must be in [1 KiB, 2 GiB), got " + maxMessageSize);
    }
    requirePositive("handshakeTimeout", handshakeTimeout);
    requirePositive("heartbeatInterval", heartbeatInterval);
    requirePositive("heartbeatTimeout", heartbeatTimeout);
    if (heartbeatTimeout.compareTo(heartbeatInterval) < 0) {
      throw new IllegalArgumentException(
          "heartbeatTimeout (" + heartbeatTimeout + ") must not be shorter than heartbeatInterval (" + heartbeatInterval + ")");
    }
    if (streamWindow < 1024) {
      throw new IllegalArgumentException("streamWindow must be at least 1024 bytes, got " + streamWindow);
    }
    this.maxMessageSize = maxMessageSize;
    this.handshakeTimeout = handshakeTimeout;
    this.heartbeatInterval = heartbeatInterval;
    this.heartbeatTimeout = heartbeatTimeout;
    this.streamWindow = streamWindow;
  }

  private static void requirePositive(String name, Duration d) {
    Objects.requireNonNull(d, name);
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + " must be positive, got " + d);
    }
  }

  /** The defaults of the original library: 100 MiB, 30 s handshake, heartbeat every 10 s, timeout 30 s. */
  public static RpcSettings defaults() {
    return DEFAULTS;
  }

  public static Builder builder() {
    return DEFAULTS.toBuilder();
  }

  public Builder toBuilder() {
    return new Builder(this);
  }

  /** Largest frame accepted or sent, in bytes; checked before any buffer is allocated. */
  public long maxMessageSize() {
    return maxMessageSize;
  }

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

  /** These settings with the fields present in {@value #ENV_VAR} (read from {@code env}) replaced. */
  public RpcSettings withOverrides(Map<String, String> env) {
    String spec = env.get(ENV_VAR);
    return spec == null || spec.isBlank() ? this : SettingsSyntax.apply(this, spec);
  }

  /** The env-var text that reproduces these settings (every field). */
  public String toEnvString() {
    return "maxMessageSize=" + maxMessageSize
        + ",handshakeTimeout=" + handshakeTimeout.toMillis() + "ms"
        + ",heartbeatInterval=" + heartbeatInterval.toMillis() + "ms"
        + ",heartbeatTimeout=" + heartbeatTimeout.toMillis() + "ms"
        + ",streamWindow=" + streamWindow;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RpcSettings s
        && s.maxMessageSize == maxMessageSize
        && s.handshakeTimeout.equals(handshakeTimeout)
        && s.heartbeatInterval.equals(heartbeatInterval)
        && s.heartbeatTimeout.equals(heartbeatTimeout)
        && s.streamWindow == streamWindow;
  }

  @Override
  public int hashCode() {
    return Objects.hash(maxMessageSize, handshakeTimeout, heartbeatInterval, heartbeatTimeout, streamWindow);
  }

  @Override
  public String toString() {
    return "RpcSettings{" + toEnvString() + "}";
  }

  /** Wire codec: every field, durations in nanoseconds. */
  public static final Codec<RpcSettings> CODEC =
      Codec.of(
          "RpcSettings{maxMessageSize:i64,handshakeTimeout:i64,heartbeatInterval:i64,heartbeatTimeout:i64,streamWindow:i32}",
          (s, out) -> write(s, out),
          RpcSettings::read);

  private static void write(RpcSettings s, BinaryWriter out) {
    out.writeVarLong(s.maxMessageSize);
    out.writeVarLong(s.handshakeTimeout.toNanos());
    out.writeVarLong(s.heartbeatInterval.toNanos());
    out.writeVarLong(s.heartbeatTimeout.toNanos());
    out.writeVarInt(s.streamWindow);
  }

  private static RpcSettings read(BinaryReader in) {
    long max = in.readVarLong();
    long hs = in.readVarLong();
    long hi = in.readVarLong();
    long ht = in.readVarLong();
    int window = in.readVarInt();
    try {
      return new RpcSettings(max, Duration.ofNanos(hs), Duration.ofNanos(hi), Duration.ofNanos(ht), window);
    } catch (IllegalArgumentException e) {
      throw in.error("RpcSettings", e.getMessage());
    }
  }

  /** Builds settings; every setter validates on {@link #build()}. Not thread-safe. */
  public static final class Builder {
    private long maxMessageSize;
    private Duration handshakeTimeout;
    private Duration heartbeatInterval;
    private Duration heartbeatTimeout;
    private int streamWindow;

    private Builder(RpcSettings s) {
      maxMessageSize = s.maxMessageSize;
      handshakeTimeout = s.handshakeTimeout;
      heartbeatInterval = s.heartbeatInterval;
      heartbeatTimeout = s.heartbeatTimeout;
      streamWindow = s.streamWindow;
    }

    public Builder maxMessageSize(long bytes) {
      this.maxMessageSize = bytes;
      return this;
    }

    public Builder handshakeTimeout(Duration d) {
      this.handshakeTimeout = d;
      return this;
    }

    public Builder heartbeatInterval(Duration d) {
      this.heartbeatInterval = d;
      return this;
    }

    public Builder heartbeatTimeout(Duration d) {
      this.heartbeatTimeout = d;
      return this;
    }

    public Builder streamWindow(int bytes) {
      this.streamWindow = bytes;
      return this;
    }

    /** @throws IllegalArgumentException if a value is out of range */
    public RpcSettings build() {
      return new RpcSettings(maxMessageSize, handshakeTimeout, heartbeatInterval, heartbeatTimeout, streamWindow);
    }
  }

  /** Parses the {@value #ENV_VAR} syntax. */
    private static final class SettingsSyntax {
      private SettingsSyntax() {}

    static RpcSettings apply(RpcSettings base, String spec) {
      RpcSettings.Builder b = base.toBuilder();
      for (String part : spec.split(",")) {
        String item = part.trim();
        if (item.isEmpty()) {
          continue;
        }
        int eq = item.indexOf('=');
        if (eq <= 0) {
          throw new IllegalArgumentException(RpcSettings.ENV_VAR + ": expected field=value, got '" + item + "'");
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
            default -> throw new IllegalArgumentException("unknown field");
          }
        } catch (RuntimeException e) {
          throw new IllegalArgumentException(
              RpcSettings.ENV_VAR + ": bad value for field '" + field + "' ('" + value + "'): " + e.getMessage(), e);
        }
      }
      try {
        return b.build();
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(RpcSettings.ENV_VAR + ": " + e.getMessage(), e);
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
