package dev.rpcparallel;

import java.util.List;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * How a worker process is started from its Java command line. {@link #local()} runs it as is;
 * {@link #wrap} rewrites it, for example to prefix {@code nice -n 10} or {@code taskset -c 1}, or
 * to run it in a container. The worker still reads its bootstrap from stdin and connects back to
 * the master over TCP, so a wrapper must pass stdin/stdout/stderr through. Implementations must
 * be thread-safe.
 */
@FunctionalInterface
public interface Launcher {

  /** The command to execute, given the worker's Java command line. */
  List<String> command(List<String> javaCommand);

  /** Runs the Java command unchanged. */
  static Launcher local() {
    return cmd -> cmd;
  }

  /** Runs {@code wrapper.apply(javaCommand)}. */
  static Launcher wrap(UnaryOperator<List<String>> wrapper) {
    Objects.requireNonNull(wrapper, "wrapper");
    return wrapper::apply;
  }

  /** Prefixes the Java command with {@code prefix}, e.g. {@code prefix("nice", "-n", "10")}. */
  static Launcher prefix(String... prefix) {
    List<String> p = List.of(prefix);
    return cmd -> {
      List<String> out = new java.util.ArrayList<>(p);
      out.addAll(cmd);
      return out;
    };
  }
}
