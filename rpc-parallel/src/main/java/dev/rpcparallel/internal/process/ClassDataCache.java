package dev.rpcparallel.internal.process;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A per-user cache of dynamic class-data-sharing (AppCDS) archives for local workers: the JVM
 * options that make a worker map the archive of its JDK, class path and JVM options, or, when there
 * is none yet, write it when it exits. A worker started with an archive reaches its first reply in
 * about 60 % of the time (docs/PERFORMANCE.md).
 *
 * <ul>
 *   <li>Where: {@value #DIRECTORY_PROPERTY} if set, else {@code $XDG_CACHE_HOME/rpc-parallel/cds}
 *       or {@code ~/.cache/rpc-parallel/cds}, created owner-only. The archive is code the worker
 *       maps: a directory (or its parent) that is not owned by this user or is writable by others
 *       (unless sticky), an archive not owned by this user or writable by others, or a directory
 *       this process cannot write, turns the cache off for that spawn.
 *   <li>Key: SHA-256 of the JDK (real home, its {@code release} file, size and time of {@code
 *       libjvm.so}), the JVM options other than {@code -D} ones, and each class path entry (jars
 *       named by a jar's manifest {@code Class-Path} included) with its size and modification time.
 *       A changed jar or JDK gives a new key; archives untouched for {@link #MAX_AGE} are deleted
 *       when a new one is made.
 *   <li>Writing: the first worker of a key gets {@code -XX:ArchiveClassesAtExit} (JDK 17, 18) or
 *       {@code -XX:+AutoCreateSharedArchive} (JDK 19+) and dumps the archive when it exits (about
 *       0.5 s more at exit, 0.1 s more to start). Only the worker holding the key's claim file (made
 *       with an atomic create, stale after {@link #CLAIM_TTL}) writes; workers started meanwhile
 *       run without. The JVM removes the old file before it writes and writes the header last, so
 *       a reader never maps a half-written archive, and a worker killed while dumping leaves a
 *       file without the archive magic, which is deleted.
 *   <li>Checking: an archive is used only if it starts with the dynamic archive's magic and, once
 *       seen, keeps the size, time and inode recorded in its {@code .ok} file (JDK 17 maps a
 *       truncated archive and dies of SIGBUS). The JVM checks the rest (JDK, class path jars'
 *       sizes and times) and ignores an archive that does not match; on JDK 19+ it rewrites one
 *       made by another JDK build or that it cannot map, but not one whose class path differs,
 *       which the key rules out. The JVM's CDS messages are turned off ({@code
 *       -Xlog:cds=off,cds+dynamic=off}), so a rejected archive only costs the speed-up.
 *   <li>Skipped: JDKs before 17 or whose home has no {@code release} file or base CDS archive; a
 *       class path with a non-empty directory (JDK 17-25 refuse to dump, and JDK 17 then exits
 *       with status 1); JVM options (or {@code JAVA_TOOL_OPTIONS}, {@code JDK_JAVA_OPTIONS},
 *       {@code _JAVA_OPTIONS}) that choose CDS or AOT settings themselves or cannot be inspected
 *       ({@code @argfiles}, {@code -XX:Flags=}, {@code -XX:VMOptionsFile=}); less than {@link
 *       #MIN_FREE_BYTES} free for a new archive.
 * </ul>
 *
 * <p>JDK 24+'s AOT cache ({@code -XX:AOTCacheOutput}) was measured and not used: a worker
 * used ~15 % less CPU to its first reply than with the dynamic archive, while making it costs a
 * second JVM run for 5-8 s when the training worker exits (longer than the master's shutdown
 * grace, so often killed) and prints a {@code JAVA_TOOL_OPTIONS} line on the worker's stderr.
 *
 * <p>Thread-safe; never throws: any failure means no class-data options.
 */
public final class ClassDataCache {
  private static final Logger log = LoggerFactory.getLogger(ClassDataCache.class);

  /** System property naming the cache directory, overriding the default. */
  public static final String DIRECTORY_PROPERTY = "dev.rpcparallel.classDataCache.directory";
  /** How long a claim to write an archive holds before another worker may try. */
  static final Duration CLAIM_TTL = Duration.ofMinutes(2);
  /** A file without the magic younger than this may still be being written: left alone. */
  static final Duration WRITING_GRACE = Duration.ofMinutes(1);
  /** Files of the cache untouched for this long are deleted when a new archive is claimed. */
  static final Duration MAX_AGE = Duration.ofDays(30);
  /** Free space the cache's file system needs before a worker is asked to write an archive. */
  static final long MIN_FREE_BYTES = 256L << 20;
  /** The first four bytes of a dynamic CDS archive (JDK 13+), little-endian 0xf00baba8. */
  static final int DYNAMIC_MAGIC = 0xf00baba8;
  private static final List<String> QUIET = List.of("-Xlog:cds=off", "-Xlog:cds+dynamic=off");
  private static final List<String> ENV_OPTIONS = List.of("JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS", "_JAVA_OPTIONS");

  /** Class-Path entries of a jar's manifest, by path and size and time of the jar. */
  private static final Map<String, List<Path>> MANIFEST_PATHS = new ConcurrentHashMap<>();

  private ClassDataCache() {}

  /** What the cache decided for one spawn. */
  public enum Mode {
    /** No class-data options (skipped, or another worker is writing the archive). */
    OFF,
    /** The worker maps the archive (JDK 19+: and rewrites it at exit if the JVM finds it stale). */
    USE,
    /** The worker writes the archive when it exits. */
    WRITE
  }

  /** The options for one spawn, the archive they name and what they do. */
  public record Plan(Mode mode, List<String> options, Optional<Path> archive) {
    static final Plan OFF = new Plan(Mode.OFF, List.of(), Optional.empty());
  }

  /**
   * The extra JVM options (to go before {@code jvmOptions}) for a local worker started by {@code
   * java} with these options, class path and added environment; empty when class-data sharing does
   * not apply.
   */
  public static List<String> jvmOptions(Path java, List<String> jvmOptions, String classPath, Map<String, String> env) {
    return plan(defaultDirectory(), java, jvmOptions, classPath, env).options();
  }

  /**
   * The options of a worker that maps the archive if there is one, but never writes it: a spare
   * worker, which may wait for hours (a writer holds the key's claim for its whole life, and
   * writes only when it exits). Empty when there is no usable archive.
   */
  public static List<String> mapOnlyJvmOptions(Path java, List<String> jvmOptions, String classPath, Map<String, String> env) {
    Plan plan = plan(defaultDirectory(), java, jvmOptions, classPath, env, false);
    return plan.options().stream().filter(o -> !o.equals("-XX:+AutoCreateSharedArchive")).toList();
  }

  /** The default directory: the property, else {@code ${XDG_CACHE_HOME:-~/.cache}/rpc-parallel/cds}. */
  public static Path defaultDirectory() {
    String p = System.getProperty(DIRECTORY_PROPERTY);
    if (p != null && !p.isEmpty()) {
      return Path.of(p).toAbsolutePath();
    }
    String xdg = System.getenv("XDG_CACHE_HOME");
    Path base = xdg != null && !xdg.isEmpty() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
    return base.resolve("rpc-parallel").resolve("cds").toAbsolutePath();
  }

  /** {@link #jvmOptions} with the cache in {@code dir}, and what they mean. */
  public static Plan plan(Path dir, Path java, List<String> jvmOptions, String classPath, Map<String, String> env) {
    return plan(dir, java, jvmOptions, classPath, env, true);
  }

  /** {@link #plan}; without {@code mayWrite}, never {@link Mode#WRITE} (nor a claim). */
  static Plan plan(Path dir, Path java, List<String> jvmOptions, String classPath, Map<String, String> env, boolean mayWrite) {
    try {
      return planOrThrow(dir, java, jvmOptions, classPath, env, mayWrite);
    } catch (IOException | RuntimeException e) {
      log.debug("class-data cache not used: {}", e.toString());
      return Plan.OFF;
    }
  }

  private static Plan planOrThrow(Path dir, Path java, List<String> jvmOptions, String classPath, Map<String, String> env,
      boolean mayWrite) throws IOException {
    if (!choosesNothing(jvmOptions)) {
      return off("the JVM options choose class-data or AOT settings");
    }
    for (String name : ENV_OPTIONS) {
      String v = env.containsKey(name) ? env.get(name) : System.getenv(name);
      if (v != null && !choosesNothing(List.of(v.trim().split("\\s+")))) {
        return off(name + " chooses class-data or AOT settings");
      }
    }
    Optional<Jdk> jdk = Jdk.of(java);
    if (jdk.isEmpty() || jdk.get().feature() < 17) {
      return off("not a JDK 17+ home with a base CDS archive: " + java);
    }
    Optional<List<String>> entries = classPathState(classPath);
    if (entries.isEmpty()) {
      return off("the class path has a non-empty directory (CDS archives only jars)");
    }
    if (!safeDirectory(dir)) {
      return Plan.OFF;
    }
    MessageDigest md = sha256();
    update(md, "rpc-parallel cds 1");
    update(md, jdk.get().identity());
    for (String o : jvmOptions) {
      if (!o.startsWith("-D")) {
        update(md, o);
      }
    }
    update(md, "-cp");
    for (String e : entries.get()) {
      update(md, e);
    }
    String key = HexFormat.of().formatHex(md.digest(), 0, 20);
    Path archive = dir.resolve(key + ".jsa");
    List<String> out = new ArrayList<>(QUIET);
    boolean auto = jdk.get().feature() >= 19;
    if (usable(archive)) {
      out.add("-XX:SharedArchiveFile=" + archive);
      if (auto) {
        out.add("-XX:+AutoCreateSharedArchive");
      }
      return new Plan(Mode.USE, List.copyOf(out), Optional.of(archive));
    }
    if (!mayWrite) {
      return off("no archive yet, and this worker does not write one");
    }
    if (Files.exists(archive, LinkOption.NOFOLLOW_LINKS) || !claim(dir, key)) {
      return off("the archive " + archive + " is being written");
    }
    if (auto) {
      out.add("-XX:SharedArchiveFile=" + archive);
      out.add("-XX:+AutoCreateSharedArchive");
    } else {
      out.add("-XX:ArchiveClassesAtExit=" + archive);
    }
    return new Plan(Mode.WRITE, List.copyOf(out), Optional.of(archive));
  }

  private static Plan off(String why) {
    log.debug("class-data cache not used: {}", why);
    return Plan.OFF;
  }

  /** True if no option sets CDS or AOT itself or hides options from inspection. */
  static boolean choosesNothing(List<String> options) {
    for (String o : options) {
      if (o.startsWith("-Xshare") || o.startsWith("@") || o.startsWith("-XX:Flags=") || o.startsWith("-XX:VMOptionsFile=")
          || o.equals("-XX:-UseCompressedClassPointers")) {
        return false;
      }
      if (o.startsWith("-XX:")) {
        String flag = o.substring(4).replaceFirst("^[+-]", "");
        if (flag.startsWith("SharedArchiveFile") || flag.startsWith("ArchiveClassesAtExit") || flag.startsWith("AutoCreateSharedArchive")
            || flag.startsWith("SharedClassListFile") || flag.startsWith("DumpLoadedClassList") || flag.startsWith("AOT")
            || flag.startsWith("UseSharedSpaces") || flag.startsWith("RecordDynamicDumpInfo") || flag.startsWith("SharedBaseAddress")) {
          return false;
        }
      }
      if (o.startsWith("--patch-module") || o.startsWith("--upgrade-module-path") || o.startsWith("--limit-modules")) {
        return false; // CDS is off (JDK 17) or partly off with these
      }
    }
    return true;
  }

  /**
   * Each class path entry (and the entries named by jars' Class-Path manifests) with its size and
   * modification time, in order; empty if an entry is a non-empty directory.
   */
  static Optional<List<String>> classPathState(String classPath) throws IOException {
    List<String> out = new ArrayList<>();
    Set<Path> seen = new LinkedHashSet<>();
    for (String e : classPath.split(File.pathSeparator)) {
      if (!e.isEmpty() && !addEntry(Path.of(e).toAbsolutePath().normalize(), out, seen)) {
        return Optional.empty();
      }
    }
    return Optional.of(out);
  }

  private static boolean addEntry(Path p, List<String> out, Set<Path> seen) throws IOException {
    if (!seen.add(p)) {
      return true;
    }
    BasicFileAttributes a;
    try {
      a = Files.readAttributes(p, BasicFileAttributes.class);
    } catch (NoSuchFileException e) {
      out.add(p + "\0absent");
      return true;
    }
    if (a.isDirectory()) {
      try (DirectoryStream<Path> d = Files.newDirectoryStream(p)) {
        if (d.iterator().hasNext()) {
          return false;
        }
      }
      out.add(p + "\0empty directory");
      return true;
    }
    out.add(p + "\0" + a.size() + "\0" + a.lastModifiedTime().toMillis());
    if (a.isRegularFile()) {
      for (Path q : manifestClassPath(p, a)) {
        if (!addEntry(q, out, seen)) {
          return false;
        }
      }
    }
    return true;
  }

  /** The entries of a jar's manifest Class-Path attribute (local files only), remembered per jar version. */
  private static List<Path> manifestClassPath(Path jar, BasicFileAttributes a) {
    String id = jar + "\0" + a.size() + "\0" + a.lastModifiedTime().toMillis();
    return MANIFEST_PATHS.computeIfAbsent(id, k -> {
      List<Path> paths = new ArrayList<>();
      try (JarFile j = new JarFile(jar.toFile(), false)) {
        Manifest m = j.getManifest();
        String cp = m == null ? null : m.getMainAttributes().getValue(Attributes.Name.CLASS_PATH);
        if (cp != null) {
          for (String e : cp.trim().split("\\s+")) {
            if (e.isEmpty()) {
              continue;
            }
            try {
              java.net.URI u = jar.getParent().toUri().resolve(e);
              if ("file".equals(u.getScheme())) {
                paths.add(Path.of(u).normalize());
              }
            } catch (RuntimeException bad) {
              // the JVM ignores what it cannot parse too
            }
          }
        }
      } catch (IOException notAJar) {
        // not a jar: the JVM does not read a manifest from it either
      }
      return List.copyOf(paths);
    });
  }

  /**
   * True if {@code dir} exists or can be made owner-only, is a directory owned by this user that
   * others cannot write, inside a directory that is this user's or root's and either not writable
   * by others or sticky, and this process can write it.
   */
  static boolean safeDirectory(Path dir) {
    try {
      if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
        if (Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
          log.debug("class-data cache not used: {} is not a directory", dir);
          return false;
        }
        try {
          Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } catch (FileAlreadyExistsException raced) {
          // made by someone else meanwhile: checked below
        }
      }
      int me = myUid();
      int mode = (Integer) Files.getAttribute(dir, "unix:mode", LinkOption.NOFOLLOW_LINKS);
      int uid = (Integer) Files.getAttribute(dir, "unix:uid", LinkOption.NOFOLLOW_LINKS);
      if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS) || uid != me || (mode & 0022) != 0) {
        log.debug("class-data cache not used: {} is not a directory of this user that only it can write", dir);
        return false;
      }
      Path parent = dir.getParent();
      if (parent != null) {
        int pmode = (Integer) Files.getAttribute(parent, "unix:mode");
        int puid = (Integer) Files.getAttribute(parent, "unix:uid");
        if ((puid != me && puid != 0) || ((pmode & 0022) != 0 && (pmode & 01000) == 0)) {
          log.debug("class-data cache not used: others can replace {} (its parent's owner or permissions)", dir);
          return false;
        }
      }
      if (!Files.isWritable(dir)) {
        log.debug("class-data cache not used: {} is not writable", dir);
        return false;
      }
      return true;
    } catch (IOException | RuntimeException e) {
      log.debug("class-data cache not used: {}: {}", dir, e.toString());
      return false;
    }
  }

  private static volatile Integer uid;

  private static int myUid() throws IOException {
    Integer u = uid;
    if (u == null) {
      u = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
      uid = u;
    }
    return u;
  }

  /**
   * True if the archive can be mapped: it is this user's, others cannot write it, it starts with
   * the dynamic archive magic and matches its {@code .ok} record (made here at first sight). A
   * file without the magic older than {@link #WRITING_GRACE}, or one changed in place since it was
   * recorded, is deleted.
   */
  static boolean usable(Path archive) throws IOException {
    BasicFileAttributes a;
    try {
      a = Files.readAttributes(archive, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException e) {
      return false;
    }
    if (!a.isRegularFile()) {
      return false;
    }
    int mode = (Integer) Files.getAttribute(archive, "unix:mode", LinkOption.NOFOLLOW_LINKS);
    int owner = (Integer) Files.getAttribute(archive, "unix:uid", LinkOption.NOFOLLOW_LINKS);
    if (owner != myUid() || (mode & 0022) != 0) {
      log.debug("class-data cache not used: {} is not this user's or others can write it", archive);
      return false;
    }
    boolean old = a.lastModifiedTime().toMillis() < System.currentTimeMillis() - WRITING_GRACE.toMillis();
    if (!hasMagic(archive)) {
      if (old) {
        log.debug("class-data cache: deleting {}, not a complete archive", archive);
        deleteQuietly(archive);
      }
      return false;
    }
    Path ok = archive.resolveSibling(archive.getFileName() + ".ok");
    String state = a.size() + " " + a.lastModifiedTime().toMillis() + " " + a.fileKey();
    String recorded = null;
    try {
      recorded = Files.readString(ok, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      // first sight
    }
    if (state.equals(recorded)) {
      return true;
    }
    if (recorded != null && recorded.endsWith(" " + a.fileKey())) {
      // The same file changed in place: not how the JVM writes (it replaces the file). Corrupt.
      log.debug("class-data cache: deleting {}, changed since it was written", archive);
      deleteQuietly(archive);
      deleteQuietly(ok);
      return false;
    }
    // A new archive (the JVM writes the header last, so it is complete): record it.
    Path tmp = archive.resolveSibling(archive.getFileName() + ".ok." + ProcessHandle.current().pid() + "." + System.nanoTime());
    Files.writeString(tmp, state, StandardCharsets.UTF_8);
    Files.move(tmp, ok, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    deleteQuietly(archive.resolveSibling(archive.getFileName().toString().replaceFirst("\\.jsa$", ".claim")));
    return true;
  }

  static boolean hasMagic(Path archive) throws IOException {
    byte[] head = new byte[4];
    try (InputStream in = Files.newInputStream(archive)) {
      if (in.readNBytes(head, 0, 4) < 4) {
        return false;
      }
    }
    return ByteBuffer.wrap(head).order(ByteOrder.LITTLE_ENDIAN).getInt() == DYNAMIC_MAGIC;
  }

  /** Claims the right to write the key's archive: true for one caller per {@link #CLAIM_TTL}. */
  private static boolean claim(Path dir, String key) throws IOException {
    if (dir.getFileSystem() == java.nio.file.FileSystems.getDefault()
        && Files.getFileStore(dir).getUsableSpace() < MIN_FREE_BYTES) {
      log.debug("class-data cache: no new archive, less than {} MiB free in {}", MIN_FREE_BYTES >> 20, dir);
      return false;
    }
    Path claim = dir.resolve(key + ".claim");
    for (int attempt = 0; attempt < 2; attempt++) {
      try {
        Files.writeString(claim, ProcessHandle.current().pid() + "\n", StandardCharsets.UTF_8,
            java.nio.file.StandardOpenOption.CREATE_NEW, java.nio.file.StandardOpenOption.WRITE);
        prune(dir, claim);
        return true;
      } catch (FileAlreadyExistsException taken) {
        FileTime t;
        try {
          t = Files.getLastModifiedTime(claim, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException gone) {
          continue;
        }
        if (t.toMillis() > System.currentTimeMillis() - CLAIM_TTL.toMillis()) {
          return false;
        }
        deleteQuietly(claim); // stale: its writer was killed, or has not exited yet
      }
    }
    return false;
  }

  /** Deletes this user's files in the cache untouched for {@link #MAX_AGE}. */
  private static void prune(Path dir, Path keep) {
    long limit = System.currentTimeMillis() - MAX_AGE.toMillis();
    try (DirectoryStream<Path> d = Files.newDirectoryStream(dir)) {
      for (Path p : d) {
        BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        if (!p.equals(keep) && a.isRegularFile() && a.lastModifiedTime().toMillis() < limit) {
          deleteQuietly(p);
        }
      }
    } catch (IOException | RuntimeException e) {
      log.debug("class-data cache: pruning {} failed: {}", dir, e.toString());
    }
  }

  private static void deleteQuietly(Path p) {
    try {
      Files.deleteIfExists(p);
    } catch (IOException e) {
      log.debug("class-data cache: cannot delete {}: {}", p, e.toString());
    }
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void update(MessageDigest md, String s) {
    md.update(s.getBytes(StandardCharsets.UTF_8));
    md.update((byte) 0);
  }

  /** A JDK found from its {@code java} program. */
  record Jdk(Path home, int feature, String identity) {
    /**
     * The JDK whose {@code bin/java} this is (symbolic links resolved), if its home has a {@code
     * release} file naming its version, a {@code lib/server/libjvm.so} and a base CDS archive.
     */
    static Optional<Jdk> of(Path java) throws IOException {
      Path real;
      try {
        real = java.toRealPath();
      } catch (NoSuchFileException e) {
        return Optional.empty();
      }
      Path bin = real.getParent();
      if (bin == null || !real.getFileName().toString().equals("java") || bin.getFileName() == null
          || !bin.getFileName().toString().equals("bin") || bin.getParent() == null) {
        return Optional.empty();
      }
      Path home = bin.getParent();
      Path release = home.resolve("release");
      Path server = home.resolve("lib").resolve("server");
      Path libjvm = server.resolve("libjvm.so");
      if (!Files.isRegularFile(release) || !Files.isRegularFile(libjvm) || !Files.isRegularFile(server.resolve("classes.jsa"))) {
        return Optional.empty();
      }
      String text = Files.readString(release, StandardCharsets.UTF_8);
      int feature = 0;
      for (String line : text.split("\n")) {
        if (line.startsWith("JAVA_VERSION=")) {
          String v = line.substring("JAVA_VERSION=".length()).replace("\"", "").trim();
          String first = v.split("[.+\\-_]")[0];
          try {
            feature = Integer.parseInt(first);
          } catch (NumberFormatException e) {
            return Optional.empty();
          }
        }
      }
      BasicFileAttributes a = Files.readAttributes(libjvm, BasicFileAttributes.class);
      return Optional.of(new Jdk(home, feature,
          home + "\0" + text + "\0" + a.size() + "\0" + a.lastModifiedTime().toMillis()));
    }
  }
}
