package dev.rpcparallel.internal.remote;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Quoting for the POSIX {@code sh} that runs our commands on a remote host. Nothing a user gives
 * (paths, options, environment values) is ever interpreted by that shell: words are single-quoted,
 * and environment values are rebuilt byte by byte by {@code printf}, so they may hold any byte but
 * NUL, newlines included. Stateless.
 */
public final class ShellQuoting {
  private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
  private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9_./:,+@%-]+");

  private ShellQuoting() {}

  /**
   * {@code word} as one shell word: itself when it holds only characters no shell treats
   * specially, else single-quoted with each {@code '} written as {@code '\''}.
   *
   * @throws IllegalArgumentException if it holds a newline, carriage return or NUL (the scripts
   *     we send are one line)
   */
  public static String word(String word) {
    if (word.indexOf('\n') >= 0 || word.indexOf('\r') >= 0 || word.indexOf('\0') >= 0) {
      throw new IllegalArgumentException("cannot pass a word holding a newline or NUL to the remote shell: " + visible(word));
    }
    if (!word.isEmpty() && PLAIN.matcher(word).matches()) {
      return word;
    }
    return "'" + word.replace("'", "'\\''") + "'";
  }

  /** The words, each quoted by {@link #word}, joined by spaces. */
  public static String words(List<String> words) {
    StringBuilder b = new StringBuilder();
    for (String w : words) {
      if (b.length() > 0) {
        b.append(' ');
      }
      b.append(word(w));
    }
    return b.toString();
  }

  /**
   * Shell statements that set and export {@code name} to exactly {@code value}: the value's UTF-8
   * bytes are written as {@code printf} octal escapes, with a sentinel so that command
   * substitution keeps trailing newlines.
   *
   * @throws IllegalArgumentException if {@code name} is not a valid variable name or the value
   *     holds NUL (which no environment can carry)
   */
  public static String export(String name, String value) {
    if (!ENV_NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("not a valid environment variable name: " + visible(name));
    }
    if (value.indexOf('\0') >= 0) {
      throw new IllegalArgumentException("environment variable " + name + " holds a NUL character, which no environment can carry");
    }
    StringBuilder b = new StringBuilder(name).append("=\"$(printf '");
    for (byte x : value.getBytes(StandardCharsets.UTF_8)) {
      int c = x & 0xff;
      if (c < 0x80 && (Character.isLetterOrDigit(c) || c == ' ' || c == '.' || c == '/' || c == '-' || c == '_')) {
        b.append((char) c);
      } else {
        b.append('\\').append(Integer.toOctalString(c | 0x200).substring(1)); // three octal digits
      }
    }
    return b.append("_')\"; ").append(name).append("=\"${").append(name).append("%_}\"; export ").append(name).toString();
  }

  private static String visible(String s) {
    return '"' + s.replace("\n", "\\n").replace("\r", "\\r").replace("\0", "\\0") + '"';
  }
}
