package dev.rpcparallel.mapreduce;

import java.io.Console;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A one-line progress bar on stderr, redrawn in place with a carriage return:
 *
 * <pre>[==========>          ]  52%  52,000/100,000  8,123/s  ETA 0:06</pre>
 *
 * It draws only when stderr is a terminal ({@link #auto()}), so logs and CI output stay
 * clean; {@link #to(PrintStream)} draws regardless. It is written here rather than taken from a
 * library: one redrawn line needs no terminal handling, and a dependency (with its own terminal
 * library) for that would be a poor trade for every user.
 */
public final class ConsoleProgressBar implements ProgressListener {
  private static final int WIDTH = 30;
  private static final Pattern TERMINAL = Pattern.compile("/dev/(pts/\\d+|tty\\w*|console)");

  private final PrintStream out;
  private int lastLength;

  private ConsoleProgressBar(PrintStream out) {
    this.out = out;
  }

  /** A bar on stderr if stderr is a terminal, else a listener that draws nothing. */
  public static ProgressListener auto() {
    return onTerminal() ? new ConsoleProgressBar(System.err) : p -> {};
  }

  /** A bar drawn on {@code out}, terminal or not. */
  public static ConsoleProgressBar to(PrintStream out) {
    return new ConsoleProgressBar(out);
  }

  /**
   * Whether stderr is a terminal: on Linux, where {@code /proc/self/fd/2} points ({@code /dev/pts/N}
   * or {@code /dev/ttyN}); elsewhere, whether the JVM has a console ({@code Console.isTerminal()}
   * on JDK 22+).
   */
  static boolean onTerminal() {
    Path stderr = Path.of("/proc/self/fd/2");
    if (Files.exists(stderr, LinkOption.NOFOLLOW_LINKS)) {
      try {
        return TERMINAL.matcher(Files.readSymbolicLink(stderr).toString()).matches();
      } catch (IOException | UnsupportedOperationException e) {
        return false;
      }
    }
    Console c = System.console();
    if (c == null) {
      return false;
    }
    try {
      Method isTerminal = Console.class.getMethod("isTerminal");
      return (Boolean) isTerminal.invoke(c);
    } catch (ReflectiveOperationException e) {
      return true; // before JDK 22 a console exists only on a terminal
    }
  }

  @Override
  public synchronized void onProgress(Progress p) {
    String line = render(p);
    String pad = line.length() < lastLength ? " ".repeat(lastLength - line.length()) : "";
    out.print("\r" + line + pad);
    if (p.finished()) {
      out.println();
    }
    out.flush();
    lastLength = line.length();
  }

  /** The text of one line (no carriage return). */
  static String render(Progress p) {
    StringBuilder sb = new StringBuilder("[");
    if (p.total() > 0) {
      int filled = (int) Math.min(WIDTH, p.done() * WIDTH / p.total());
      sb.append("=".repeat(Math.max(0, filled - 1))).append(filled > 0 ? (filled == WIDTH ? "=" : ">") : "")
          .append(" ".repeat(WIDTH - filled)).append("] ")
          .append(String.format(Locale.ROOT, "%3d%%  ", p.done() * 100 / p.total()))
          .append(String.format(Locale.ROOT, "%,d/%,d", p.done(), p.total()));
    } else {
      int pos = (int) (p.elapsed().toMillis() / 100 % WIDTH);
      sb.append(" ".repeat(pos)).append("<=>", 0, Math.min(3, WIDTH - pos)).append(" ".repeat(Math.max(0, WIDTH - pos - 3)))
          .append("] ").append(String.format(Locale.ROOT, "%,d", p.done()));
    }
    sb.append(String.format(Locale.ROOT, "  %,.0f/s", p.itemsPerSecond()));
    p.eta().filter(e -> !p.finished()).ifPresent(e -> sb.append("  ETA ").append(clock(e)));
    if (p.finished()) {
      sb.append("  in ").append(clock(p.elapsed()));
    }
    if (p.failures() > 0) {
      sb.append(String.format(Locale.ROOT, "  retried %,d", p.failures()));
    }
    return sb.toString();
  }

  private static String clock(Duration d) {
    long s = d.toSeconds();
    return s >= 3600
        ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
        : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
  }
}
