package dev.rpcparallel.internal.protocol;

/**
 * Texts the protocol itself sends (close reasons, error messages, class and worker names): they
 * must never fail to encode, so an unpaired surrogate (which strict UTF-8 refuses) becomes
 * U+FFFD, and length cuts never split a surrogate pair.
 */
public final class Texts {
  private Texts() {}

  /** {@code s} with every unpaired surrogate replaced by U+FFFD; null stays null. */
  public static String safe(String s) {
    if (s == null) {
      return null;
    }
    StringBuilder out = null;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean paired = Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
      if (paired) {
        if (out != null) {
          out.append(c).append(s.charAt(i + 1));
        }
        i++;
        continue;
      }
      if (Character.isSurrogate(c)) {
        if (out == null) {
          out = new StringBuilder(s.length()).append(s, 0, i);
        }
        out.append((char) 0xFFFD);
      } else if (out != null) {
        out.append(c);
      }
    }
    return out == null ? s : out.toString();
  }

  /** At most {@code max} characters of {@code s} (then "..."), never splitting a pair, made {@link #safe}. */
  public static String cut(String s, int max) {
    if (s.length() <= max) {
      return safe(s);
    }
    int end = Character.isHighSurrogate(s.charAt(max - 1)) ? max - 1 : max;
    return safe(s.substring(0, end)) + "...";
  }
}
