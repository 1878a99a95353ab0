package dev.rpcparallel.internal.session;

/** Quotes untrusted text for our own messages: escaped, bounded, never able to forge a line. */
final class Quoting {
  private Quoting() {}

  /** {@code text} in double quotes, control and non-ASCII characters escaped, cut at {@code max} characters. */
  static String quote(String text, int max) {
    StringBuilder sb = new StringBuilder("\"");
    int n = Math.min(text.length(), max);
    for (int i = 0; i < n; i++) {
      char c = text.charAt(i);
      if (c == '"' || c == '\\') {
        sb.append('\\').append(c);
      } else if (c >= 0x20 && c < 0x7F) {
        sb.append(c);
      } else {
        sb.append(String.format("\\u%04x", (int) c));
      }
    }
    if (text.length() > max) {
      sb.append("...");
    }
    return sb.append('"').toString();
  }
}
