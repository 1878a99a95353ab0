package dev.rpcparallel.internal.remote;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The ssh command that starts a worker on a host, and the first line of its stdin. ssh's command
 * line carries a fixed one-liner, {@code exec sh -c 'IFS= read -r s && eval "$s"'}: the host's
 * {@code sh} reads one line from stdin (byte by byte, so nothing after it is consumed) and runs
 * it. That line changes directory, exports the environment and execs java; java then reads the
 * bootstrap that follows on the same stdin. So environment values never appear in any argv, and
 * every word in the line is quoted by {@link ShellQuoting}. Stateless.
 */
public final class RemoteLaunch {
  /** Sets {@code LC_CTYPE=C.UTF-8} when the remote login has no locale at all. */
  static final String NO_LOCALE_MEANS_UTF8 = "[ -n \"${LC_ALL:-}${LC_CTYPE:-}${LANG:-}\" ] || { LC_CTYPE=C.UTF-8; export LC_CTYPE; }; ";

  /** The command the host's login shell runs. */
  static final String READ_AND_RUN = "exec sh -c 'IFS= read -r s && eval \"$s\"'";

  /**
   * What to run and what to write first.
   *
   * @param command the local ssh command
   * @param stdinPrefix the line to write before the bootstrap
   */
  public record Command(List<String> command, byte[] stdinPrefix) {}

  private RemoteLaunch() {}

  /**
   * The launch of {@code javaArgs} (JVM options, class path, main class and arguments, without the
   * java executable) on {@code target} with the prepared java.
   *
   * @throws IllegalArgumentException if a word holds a newline or an environment name is invalid
   */
  public static Command of(SshTarget target, String java, List<String> javaArgs, Map<String, String> env, Optional<String> directory) {
    StringBuilder line = new StringBuilder();
    directory.ifPresent(d -> line.append("cd ").append(CodeShipper.dirExpression(d)).append(" || exit 3; "));
    env.keySet().stream().sorted().forEach(k -> line.append(ShellQuoting.export(k, env.get(k))).append("; "));
    // Without a locale, Java decodes the environment (and file names) as ASCII: default to UTF-8.
    line.append(NO_LOCALE_MEANS_UTF8);
    List<String> words = new ArrayList<>(target.remotePrefix());
    words.add(java);
    words.addAll(javaArgs);
    line.append("exec ").append(ShellQuoting.words(words)).append('\n');
    return new Command(target.command(READ_AND_RUN), line.toString().getBytes(StandardCharsets.UTF_8));
  }
}
