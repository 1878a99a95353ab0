package dev.rpcparallel.internal.remote;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gets a class path onto a host before a worker starts there: finds and checks the host's java,
 * looks up each jar by its SHA-256 in the host's cache directory, copies those missing (each to
 * a temporary name, checked by hash on arrival, then renamed, so a reader never sees half a
 * file), and refuses a cached or installed jar whose bytes are not what their name says. Spawns
 * to one host and cache directory from this JVM take turns, so concurrent spawns copy each file
 * once; other masters are safe through the rename. Thread-safe.
 */
public final class CodeShipper {
  private static final Logger log = LoggerFactory.getLogger(CodeShipper.class);
  /** The oldest Java a worker runs on. */
  public static final int MIN_JAVA = 17;
  private static final long PROGRESS_BYTES = 8L << 20;
  private static final Map<String, ReentrantLock> turns = new ConcurrentHashMap<>();
  /** A shell pattern for 64 lowercase hex digits (a SHA-256). */
  private static final String HEX64 = "[0-9a-f]".repeat(64);
  private static final java.util.regex.Pattern HAVE = java.util.regex.Pattern.compile("have (\\S+) ([0-9a-f]{64})?");
  private static final int MAX_SAID = 2_000;

  /**
   * What a host has, ready for a worker.
   *
   * @param java the remote java executable
   * @param javaVersion its feature version (17, 21, ...)
   * @param classPath the remote class path, in order
   * @param filesCopied files copied by this call (0 when all were there)
   * @param bytesCopied bytes copied by this call
   */
  public record Prepared(String java, int javaVersion, List<String> classPath, int filesCopied, long bytesCopied) {}

  private CodeShipper() {}

  /**
   * Prepares {@code target} for {@code entries}.
   *
   * @throws RemoteFailureException naming the host (and path, for a bad jar) if ssh fails, java
   *     is missing or too old, or a jar there is not what it should be
   */
  public static Prepared prepare(SshTarget target, List<ShippedEntry> entries) {
    String dirExpr = target.installation().or(target::cacheDirectory).map(CodeShipper::dirExpression)
        .orElse("\"${XDG_CACHE_HOME:-$HOME/.cache}/rpc-parallel/classpath\"");
    ReentrantLock turn = turns.computeIfAbsent(target.destination() + "|" + dirExpr, k -> new ReentrantLock());
    turn.lock();
    try {
      Probe probe = probe(target, entries, dirExpr);
      List<String> classPath = new ArrayList<>();
      List<ShippedEntry> missing = new ArrayList<>();
      for (ShippedEntry e : entries) {
        String file = fileName(target, e);
        String path = probe.dir + "/" + file;
        String found = probe.files.get(file);
        if (found == null) {
          if (target.installation().isPresent()) {
            throw new RemoteFailureException("host " + target.destination() + ": " + path + " is missing from the existing installation"
                + " (it should hold " + e.source() + ", sha256 " + e.sha256() + ")");
          }
          missing.add(e);
        } else if (!found.equals(e.sha256())) {
          throw new RemoteFailureException("host " + target.destination() + ": " + path + " is not the expected " + e.source()
              + " (its sha256 is " + found + ", expected " + e.sha256() + ")"
              + (target.installation().isPresent() ? "" : "; it was changed after it was copied: delete the host's copies and spawn again"));
        }
        classPath.add(path);
      }
      long bytes = copy(target, missing, probe.dir);
      return new Prepared(probe.java, probe.version, classPath, missing.size(), bytes);
    } finally {
      turn.unlock();
    }
  }

  /**
   * Deletes the host's cache directory (every class path copied there, by any master).
   *
   * @throws RemoteFailureException if ssh fails or the directory cannot be removed
   */
  public static void delete(SshTarget target) {
    if (target.installation().isPresent()) {
      throw new RemoteFailureException("host " + target.destination() + " uses an existing installation: rpc-parallel did not copy it and does not delete it");
    }
    String dirExpr = target.cacheDirectory().map(CodeShipper::dirExpression)
        .orElse("\"${XDG_CACHE_HOME:-$HOME/.cache}/rpc-parallel/classpath\"");
    // Only what we put there: files named <sha256>.jar and our temporary .<random>.part files;
    // then the directory, if that left it empty. Never rm -r: the directory may be one the user
    // also keeps other things in (even ~).
    String script = "d=" + dirExpr + "; [ -d \"$d\" ] || { echo \"nothing to delete in $d\"; exit 0; }; n=0; "
        + "for f in \"$d\"/*.jar \"$d\"/.*.part; do b=${f##*/}; case \"$b\" in " + HEX64 + ".jar|.*.part) "
        + "[ ! -L \"$f\" ] && { [ -f \"$f\" ] || [ -d \"$f\" ]; } && rm -rf -- \"$f\" && n=$((n+1));; esac; done; "
        + "rmdir -- \"$d\" 2>/dev/null; echo \"deleted $n copies in $d\"";
    SshRun.Result r = SshRun.run(target.command("sh -c " + ShellQuoting.word(script)), new byte[0], bound(target), "deleting copies on " + target.destination());
    if (r.status() != 0) {
      throw failure(target, "cannot delete the class path copies", r);
    }
    log.info("rpc-parallel: {} on {}", r.stdout().strip(), target.destination());
  }

  private static String fileName(SshTarget target, ShippedEntry e) {
    return target.installation().isPresent() ? e.name() : e.sha256() + ".jar";
  }

  /** A directory for the remote shell: {@code ~/x} becomes {@code "$HOME"/x}; the rest is quoted. */
  static String dirExpression(String dir) {
    if (dir.equals("~")) {
      return "\"$HOME\"";
    }
    if (dir.startsWith("~/")) {
      return "\"$HOME\"/" + ShellQuoting.word(dir.substring(2));
    }
    return ShellQuoting.word(dir);
  }

  private record Probe(String dir, String java, int version, Map<String, String> files) {}

  private static Probe probe(SshTarget target, List<ShippedEntry> entries, String dirExpr) {
    StringBuilder s = new StringBuilder();
    s.append("d=").append(dirExpr).append('\n');
    if (target.installation().isEmpty()) {
      // Private to the login user: nobody else may plant, swap or link files where jars are
      // checked and then loaded.
      s.append("umask 077; mkdir -p -- \"$d\" || exit 3\n");
      s.append("[ -O \"$d\" ] && [ ! -L \"$d\" ] || { echo \"$d is not a directory of the login user\" >&2; exit 3; }\n");
    }
    s.append("p=$(cd -- \"$d\" 2>/dev/null && pwd -P) || { echo \"no directory $d\" >&2; exit 3; }; d=$p\n");
    s.append("[ -z \"$(find \"$d\" -maxdepth 0 -perm /022)\" ] || { echo \"$d is writable by group or others\" >&2; exit 3; }\n");
    s.append("echo \"dir $d\"\n");
    s.append("j=").append(target.java().map(ShellQuoting::word).orElse("")).append('\n');
    s.append("if [ -z \"$j\" ]; then if [ -n \"${JAVA_HOME:-}\" ] && [ -x \"$JAVA_HOME/bin/java\" ]; then j=\"$JAVA_HOME/bin/java\";"
        + " else j=$(command -v java 2>/dev/null || true); fi; fi\n");
    s.append("echo \"java $j\"\n");
    s.append("if [ -n \"$j\" ] && [ -x \"$j\" ]; then echo \"version $(\"$j\" -version 2>&1 | head -n 1)\"; fi\n");
    s.append("for f in");
    for (ShippedEntry e : entries) {
      s.append(' ').append(ShellQuoting.word(fileName(target, e)));
    }
    s.append("; do if [ -f \"$d/$f\" ] && [ ! -L \"$d/$f\" ]; then echo \"have $f $(sha256sum < \"$d/$f\" | cut -c1-64)\"; "
        + "elif [ -e \"$d/$f\" ] || [ -L \"$d/$f\" ]; then echo \"have $f\"; else echo \"missing $f\"; fi; done\n");
    SshRun.Result r = SshRun.run(target.command("sh -s"), s.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8),
        bound(target), "reaching " + target.destination());
    if (r.status() != 0) {
      throw failure(target, r.status() == 3
          ? "cannot use the " + (target.installation().isPresent() ? "installation" : "cache") + " directory" : "cannot prepare the host", r);
    }
    String dir = null;
    String java = "";
    String versionLine = null;
    Map<String, String> files = new HashMap<>();
    for (String line : r.stdout().split("\n")) {
      if (line.startsWith("dir ")) {
        dir = line.substring(4);
      } else if (line.startsWith("java ")) {
        java = line.substring(5);
      } else if (line.startsWith("version ")) {
        versionLine = line.substring(8);
      } else if (line.startsWith("have ")) {
        java.util.regex.Matcher m = HAVE.matcher(line);
        if (!m.matches()) {
          throw new RemoteFailureException("host " + target.destination() + ": unexpected answer from its shell: " + sanitize(line));
        }
        files.put(m.group(1), m.group(2) == null ? "(not a regular file)" : m.group(2));
      }
    }
    if (dir == null) {
      throw failure(target, "unexpected answer from the host's shell", r);
    }
    if (dir.indexOf(':') >= 0 || !dir.startsWith("/")) {
      throw new RemoteFailureException("host " + target.destination() + ": the directory " + sanitize(dir)
          + " cannot be on a class path (it must be absolute and hold no ':')");
    }
    String where = target.java().map(j -> "at " + j).orElse("(looked for $JAVA_HOME/bin/java and java on the PATH)");
    if (java.isEmpty() || versionLine == null) {
      throw new RemoteFailureException("host " + target.destination() + ": no java found " + where
          + "; install JDK " + MIN_JAVA + "+ there or set the remote java path");
    }
    String javaFound = java;
    String line = versionLine;
    int version = JavaVersion.feature(line).orElseThrow(() -> new RemoteFailureException("host " + target.destination()
        + ": cannot read the version of " + javaFound + " from: " + line));
    if (version < MIN_JAVA) {
      throw new RemoteFailureException("host " + target.destination() + ": " + java + " is Java " + version
          + " (" + versionLine + "); rpc-parallel workers need Java " + MIN_JAVA + " or later");
    }
    return new Probe(dir, java, version, files);
  }

  private static long copy(SshTarget target, List<ShippedEntry> missing, String dir) {
    if (missing.isEmpty()) {
      return 0;
    }
    long total = missing.stream().mapToLong(ShippedEntry::size).sum();
    long start = System.nanoTime();
    log.info("rpc-parallel: copying {} class path file(s), {} KiB, to {}:{}", missing.size(), (total + 1023) / 1024,
        target.destination(), dir);
    // One ssh session for all: a tar stream, unpacked into a private temporary directory, each
    // file checked by its SHA-256, then renamed into place.
    StringBuilder script = new StringBuilder("d=" + ShellQuoting.word(dir) + "; umask 077; "
        + "t=$(mktemp -d \"$d/.XXXXXXXXXX.part\") || exit 3; "
        + "fail() { rm -rf -- \"$t\"; echo \"$1\" >&2; exit 3; }; "
        + "tar -x -o -f - -C \"$t\" || fail \"tar could not unpack the copies\"; ");
    for (ShippedEntry e : missing) {
      String file = e.sha256() + ".jar";
      script.append("s=$(sha256sum < \"$t/").append(file).append("\" | cut -c1-64); [ \"$s\" = ").append(e.sha256())
          .append(" ] || fail \"the copy of ").append(file).append(" arrived with sha256 ${s:-(none)}\"; ");
    }
    script.append("chmod 0644 \"$t\"/*.jar && mv -f -- \"$t\"/*.jar \"$d\"/ && rmdir -- \"$t\" || fail \"cannot move the copies into place\"");
    Duration limit = bound(target).plusSeconds(60 + total / (1 << 20)); // >= 1 MiB/s
    SshRun.Result r = SshRun.run(target.command("sh -c " + ShellQuoting.word(script.toString())), out -> {
      long done = 0;
      for (ShippedEntry e : missing) {
        Ustar.writeFile(out, e.sha256() + ".jar", e.jar());
        long before = done;
        done += e.size();
        if (total >= PROGRESS_BYTES && done * 4 / total > before * 4 / total && done < total) { // at each quarter
          log.info("rpc-parallel: copied {}/{} KiB to {}", done / 1024, total / 1024, target.destination());
        }
      }
      Ustar.end(out);
    }, limit, "copying " + missing.size() + " class path file(s) to " + target.destination());
    if (r.status() != 0) {
      throw failure(target, "cannot copy " + missing.size() + " class path file(s) to " + dir, r);
    }
    log.info("rpc-parallel: copied {} KiB to {} in {} ms", (total + 1023) / 1024, target.destination(),
        (System.nanoTime() - start) / 1_000_000);
    return total;
  }

  private static Duration bound(SshTarget target) {
    return target.connectTimeout().multipliedBy(2).plusSeconds(10);
  }

  static RemoteFailureException failure(SshTarget target, String what, SshRun.Result r) {
    String said = sanitize(r.stderr().strip());
    return new RemoteFailureException("host " + target.destination() + ": " + what + " (ssh exited with status " + r.status() + ")"
        + (said.isEmpty() ? "" : "; ssh said: " + said));
  }

  /**
   * What a host printed, fit for a message: control characters but newline and tab escaped (no
   * terminal escapes in our logs), and only the last {@value #MAX_SAID} characters.
   */
  static String sanitize(String text) {
    String tail = text.length() > MAX_SAID ? "…" + text.substring(text.length() - MAX_SAID) : text;
    StringBuilder b = new StringBuilder(tail.length());
    tail.codePoints().forEach(c -> {
      if (c == '\n' || c == '\t' || (c >= 0x20 && c != 0x7f && !(c >= 0x80 && c < 0xa0))) {
        b.appendCodePoint(c);
      } else {
        b.append(String.format("\\u%04x", c));
      }
    });
    return b.toString();
  }
}
