package dev.rpcparallel.internal.remote;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads the feature version from the first line of {@code java -version}. Stateless. */
final class JavaVersion {
  private static final Pattern QUOTED = Pattern.compile("version \"([0-9.]+)[^\"]*\"");

  private JavaVersion() {}

  /** 17 for {@code openjdk version "17.0.15" 2025-04-15}, 8 for {@code "1.8.0_392"}, 25 for {@code "25"}. */
  static Optional<Integer> feature(String line) {
    Matcher m = QUOTED.matcher(line);
    if (!m.find()) {
      return Optional.empty();
    }
    String[] parts = m.group(1).split("\\.");
    if (parts.length == 0 || parts[0].isEmpty() || parts[0].length() > 4) {
      return Optional.empty();
    }
    int first = Integer.parseInt(parts[0]);
    if (first == 1 && parts.length > 1 && !parts[1].isEmpty() && parts[1].length() <= 4) {
      return Optional.of(Integer.parseInt(parts[1]));
    }
    return Optional.of(first);
  }
}
