package dev.rpcparallel.testing;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Linux {@code /proc} readers for leak and socket accounting in tests. */
public final class ProcFs {
  private ProcFs() {}

  static {
    // The JDK opens a socket once per JVM, the first time a file channel is used (sun.nio.ch's
    // pre-close descriptor). Do it now, so that it is never counted as a socket a test leaked.
    try (FileChannel ignored = FileChannel.open(Path.of("/proc/self/stat"))) {
      // opened for its side effect only
    } catch (IOException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** A TCP socket from {@code /proc/self/net/tcp{,6}}: ports, state (0A = LISTEN, 01 = ESTABLISHED), inode. */
  public record TcpSocket(int localPort, int remotePort, String state, long inode) {
    public boolean listening() {
      return state.equals("0A");
    }

    public boolean established() {
      return state.equals("01");
    }
  }

  /** A process whose parent is a given pid (zombies included). */
  public record Child(long pid, char state, String comm) {}

  /** The number of open file descriptors of this JVM. */
  public static int fdCount() {
    return list(Path.of("/proc/self/fd")).size();
  }

  /** The inodes of the sockets this JVM has open. */
  public static Set<Long> socketInodes() {
    return socketInodes("self");
  }

  private static Set<Long> socketInodes(String pid) {
    Set<Long> out = new HashSet<>();
    for (Path fd : list(Path.of("/proc/" + pid + "/fd"))) {
      try {
        String target = Files.readSymbolicLink(fd).toString();
        if (target.startsWith("socket:[")) {
          out.add(Long.parseLong(target.substring(8, target.length() - 1)));
        }
      } catch (IOException e) {
        // closed meanwhile
      }
    }
    return out;
  }

  /** TCP sockets (IPv4 and IPv6) owned by this JVM. */
  public static List<TcpSocket> ownTcpSockets() {
    return tcpSockets("self");
  }

  /** TCP sockets (IPv4 and IPv6) owned by process {@code pid} (same user). */
  public static List<TcpSocket> tcpSocketsOf(long pid) {
    return tcpSockets(Long.toString(pid));
  }

  private static List<TcpSocket> tcpSockets(String pid) {
    Set<Long> mine = socketInodes(pid);
    List<TcpSocket> out = new ArrayList<>();
    for (String table : List.of("/proc/" + pid + "/net/tcp", "/proc/" + pid + "/net/tcp6")) {
      List<String> lines;
      try {
        lines = Files.readAllLines(Path.of(table));
      } catch (IOException e) {
        continue;
      }
      for (String line : lines.subList(1, lines.size())) {
        String[] f = line.trim().split("\\s+");
        long inode = Long.parseLong(f[9]);
        if (inode != 0 && mine.contains(inode)) {
          out.add(new TcpSocket(port(f[1]), port(f[2]), f[3], inode));
        }
      }
    }
    return out;
  }

  private static int port(String hexAddress) {
    return Integer.parseInt(hexAddress.substring(hexAddress.lastIndexOf(':') + 1), 16);
  }

  /** Direct children of {@code parent}, zombies included (ProcessHandle may hide them). */
  public static List<Child> childrenOf(long parent) {
    List<Child> out = new ArrayList<>();
    for (Path p : list(Path.of("/proc"))) {
      String name = p.getFileName().toString();
      if (!name.chars().allMatch(Character::isDigit)) {
        continue;
      }
      try {
        String stat = Files.readString(p.resolve("stat"), StandardCharsets.UTF_8);
        int close = stat.lastIndexOf(')');
        String comm = stat.substring(stat.indexOf('(') + 1, close);
        String[] rest = stat.substring(close + 2).split(" ");
        if (Long.parseLong(rest[1]) == parent) {
          out.add(new Child(Long.parseLong(name), rest[0].charAt(0), comm));
        }
      } catch (IOException | RuntimeException e) {
        // gone meanwhile
      }
    }
    return out;
  }

  /** Whether {@code pid} exists and is not a zombie (exited but not yet reaped by its parent). */
  public static boolean running(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"), StandardCharsets.UTF_8);
      char state = stat.charAt(stat.lastIndexOf(')') + 2);
      return state != 'Z' && state != 'X';
    } catch (IOException e) {
      return false;
    }
  }

  /** The session id of a process (field 6 of its stat line). */
  public static long sessionOf(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"), StandardCharsets.UTF_8);
      String[] rest = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return Long.parseLong(rest[3]);
    } catch (IOException e) {
      throw new AssertionError("cannot read /proc/" + pid + "/stat", e);
    }
  }

  /** The nice value of a process (field 19 of its stat line). */
  public static int niceOf(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"), StandardCharsets.UTF_8);
      String[] rest = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return Integer.parseInt(rest[16]);
    } catch (IOException e) {
      throw new AssertionError("cannot read /proc/" + pid + "/stat", e);
    }
  }

  /** Sends a signal with kill(1), e.g. {@code signal("STOP", pid)}. */
  public static void signal(String name, long pid) {
    try {
      Process p = new ProcessBuilder("kill", "-" + name, Long.toString(pid)).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (p.waitFor() != 0) {
        throw new AssertionError("kill -" + name + " " + pid + " failed: " + out);
      }
    } catch (IOException e) {
      throw new AssertionError("cannot run kill", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  private static List<Path> list(Path dir) {
    List<Path> out = new ArrayList<>();
    try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
      s.forEach(out::add);
    } catch (IOException e) {
      throw new AssertionError("cannot list " + dir, e);
    }
    return out;
  }
}
