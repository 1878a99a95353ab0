package dev.rpcparallel.internal.remote;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

/**
 * Turns a class path into the jars to ship, each named by the SHA-256 of its bytes. Jars are
 * shipped as they are; a directory is packed into a jar deterministically (entries sorted, one
 * fixed time stamp), so the same tree always gives the same hash, into a private directory of
 * this user's
 * ({@code ~/.cache/rpc-parallel/packed}). Hashes and packings are remembered per JVM while a file's size and modification
 * time (for a directory: every file's) stay the same. Thread-safe.
 */
public final class ClassPathPacker {
  private static final FileTime FIXED_TIME = FileTime.fromMillis(946684800000L); // 2000-01-01
  private static final Map<String, ShippedEntry> remembered = new ConcurrentHashMap<>();

  private ClassPathPacker() {}

  /** The entries of {@code classPath} (a {@code :}-separated list), skipping those that do not exist. */
  public static List<ShippedEntry> entries(List<String> classPath) {
    List<ShippedEntry> out = new ArrayList<>();
    List<String> names = new ArrayList<>();
    for (String e : classPath) {
      for (Path p : expand(e)) {
        ShippedEntry s = entry(p);
        String name = s.name();
        for (int i = 2; names.contains(name); i++) {
          name = s.name().replaceFirst("\\.jar$", "") + "-" + i + ".jar";
        }
        names.add(name);
        out.add(new ShippedEntry(s.source(), s.jar(), s.sha256(), name, s.size()));
      }
    }
    return out;
  }

  private static List<Path> expand(String entry) {
    if (entry.endsWith("*")) {
      Path dir = Path.of(entry.substring(0, entry.length() - 1));
      List<Path> jars = new ArrayList<>();
      try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, "*.{jar,JAR}")) {
        s.forEach(jars::add);
      } catch (IOException e) {
        return List.of();
      }
      jars.sort(null);
      return jars;
    }
    Path p = Path.of(entry).toAbsolutePath().normalize();
    return Files.exists(p) ? List.of(p) : List.of();
  }

  private static ShippedEntry entry(Path p) {
    try {
      String key = p + "|" + fingerprint(p);
      ShippedEntry known = remembered.get(key);
      if (known != null && Files.exists(known.jar())) {
        return known;
      }
      ShippedEntry made;
      if (Files.isDirectory(p)) {
        Path packed = pack(p);
        String hash = sha256(packed);
        made = new ShippedEntry(p, packed, hash, dirName(p) + ".jar", Files.size(packed));
      } else {
        made = new ShippedEntry(p, p, sha256(p), p.getFileName().toString(), Files.size(p));
      }
      remembered.put(key, made);
      return made;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read class path entry " + p + ": " + e.getMessage(), e);
    }
  }

  /** A directory's name, with its parent's for Maven-style {@code target/classes}. */
  private static String dirName(Path dir) {
    String name = dir.getFileName() == null ? "root" : dir.getFileName().toString();
    Path parent = dir.getParent();
    if (parent != null && parent.getFileName() != null && parent.getParent() != null && parent.getParent().getFileName() != null
        && parent.getFileName().toString().equals("target")) {
      return parent.getParent().getFileName() + "-" + name;
    }
    return name;
  }

  private static String fingerprint(Path p) throws IOException {
    if (!Files.isDirectory(p)) {
      return Files.size(p) + "@" + Files.getLastModifiedTime(p).toMillis();
    }
    long count = 0;
    long sum = 17;
    try (Stream<Path> files = Files.walk(p)) {
      for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile).sorted()::iterator) {
        count++;
        sum = sum * 31 + p.relativize(f).toString().hashCode();
        sum = sum * 31 + Files.size(f);
        sum = sum * 31 + Files.getLastModifiedTime(f).toMillis();
      }
    }
    return count + "#" + Long.toHexString(sum);
  }

  private static Path pack(Path dir) throws IOException {
    Path out = privateDirectory().resolve("packing-" + Long.toHexString(System.nanoTime()) + ".jar");
    List<Path> files;
    try (Stream<Path> s = Files.walk(dir)) {
      files = s.filter(f -> !f.equals(dir)).sorted().toList();
    }
    try (OutputStream os = Files.newOutputStream(out); JarOutputStream jar = new JarOutputStream(os)) {
      for (Path f : files) {
        String name = dir.relativize(f).toString().replace('\\', '/');
        boolean isDir = Files.isDirectory(f);
        JarEntry e = new JarEntry(isDir ? name + "/" : name);
        e.setLastModifiedTime(FIXED_TIME);
        e.setTime(FIXED_TIME.toMillis());
        jar.putNextEntry(e);
        if (!isDir) {
          try (InputStream in = Files.newInputStream(f)) {
            in.transferTo(jar);
          }
        }
        jar.closeEntry();
      }
    }
    Path named = out.resolveSibling(sha256(out) + ".jar");
    Files.move(out, named, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    return named;
  }

  /** {@code $XDG_CACHE_HOME/rpc-parallel/packed} or {@code ~/.cache/rpc-parallel/packed}, made private to this user. */
  private static Path privateDirectory() throws IOException {
    String xdg = System.getenv("XDG_CACHE_HOME");
    Path base = xdg != null && !xdg.isEmpty() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
    Path dir = base.resolve("rpc-parallel").resolve("packed");
    if (!Files.isDirectory(dir)) {
      try {
        Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      } catch (UnsupportedOperationException e) {
        Files.createDirectories(dir);
      }
    }
    return dir;
  }

  /** The hex SHA-256 of a file's bytes. */
  public static String sha256(Path file) throws IOException {
    MessageDigest md;
    try {
      md = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    byte[] buf = new byte[1 << 16];
    try (InputStream in = Files.newInputStream(file)) {
      int n;
      while ((n = in.read(buf)) > 0) {
        md.update(buf, 0, n);
      }
    }
    return HexFormat.of().formatHex(md.digest());
  }
}
