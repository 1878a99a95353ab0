package dev.rpcparallel;

import java.time.Duration;
import java.util.Locale;

/** Parses the {@link RpcSettings#ENV_VAR} syntax. */
final class SettingsSyntax {
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
