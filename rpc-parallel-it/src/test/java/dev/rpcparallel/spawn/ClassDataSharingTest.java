package dev.rpcparallel.spawn;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rpcparallel.fixtures.CdsMain;
import dev.rpcparallel.testing.NoLeaks;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The class-data cache with real workers: a master JVM ({@link CdsMain}) on a class path of jars
 * only (the JDK archives classes from jars only; the test's own class path has directories, so
 * the workers of the other tests run without the cache) spawns one worker, calls it and shuts it
 * down. Checks that the first worker writes the archive when it exits, that the next one maps it
 * (its classes come from the archive's top layer), that a corrupt, truncated, stale or unsafe
 * archive or directory leaves a worker that answers, exits with 0 and prints nothing, and that
 * the switch turns it off. Not timed.
 */
@Timeout(240)
@ExtendWith(NoLeaks.class)
class ClassDataSharingTest {
  private static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();
  private static final boolean AUTO = Runtime.version().feature() >= 19;
  private static final String WRITE = AUTO ? "-XX:+AutoCreateSharedArchive" : "-XX:ArchiveClassesAtExit=";

  @TempDir
  static Path jars;
  private static String classPath;

  @TempDir
  Path tmp;

  /** The test's class path with every non-empty directory replaced by a jar of it. */
  @BeforeAll
  static void jarOnlyClassPath() throws IOException {
    List<String> out = new ArrayList<>();
    int i = 0;
    for (String e : System.getProperty("java.class.path").split(File.pathSeparator)) {
      Path p = Path.of(e);
      if (e.isEmpty() || Files.isDirectory(p) && isEmpty(p)) {
        continue;
      }
      if (Files.isDirectory(p)) {
        Path jar = jars.resolve((i++) + "-" + p.getParent().getParent().getFileName() + "-" + p.getFileName() + ".jar");
        try (JarOutputStream j = new JarOutputStream(Files.newOutputStream(jar)); Stream<Path> files = Files.walk(p)) {
          for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
            j.putNextEntry(new ZipEntry(p.relativize(f).toString().replace(File.separatorChar, '/')));
            Files.copy(f, j);
            j.closeEntry();
          }
        }
        out.add(jar.toString());
      } else {
        out.add(e);
      }
    }
    classPath = String.join(File.pathSeparator, out);
  }

  private static boolean isEmpty(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.findAny().isEmpty();
    }
  }

  /** What one run of the master printed: its lines (stdout and stderr), and the worker's arguments. */
  record Run(List<String> lines, List<String> workerArgs) {}

  private static Run master(Path cache, String onOff, String... workerOptions) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(JAVA, "--enable-native-access=ALL-UNNAMED",
        "-Ddev.rpcparallel.classDataCache.directory=" + cache, "-cp", classPath, CdsMain.class.getName(), onOff));
    cmd.addAll(Arrays.asList(workerOptions));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    p.getOutputStream().close();
    String text;
    try (InputStream in = p.getInputStream()) {
      text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(text).isZero();
    List<String> lines = text.lines().toList();
    // Nothing but what the master prints: no CDS message from the worker (forwarded with a
    // [WORKER cds ...] prefix) or from the JVMs.
    assertThat(lines).as(text).allMatch(l -> l.startsWith("SUM ") || l.startsWith("ARGS ") || l.startsWith("STATUS "));
    assertThat(lines).as(text).contains("SUM 861", "STATUS 0");
    String args = lines.stream().filter(l -> l.startsWith("ARGS ")).findFirst().orElseThrow().substring(5);
    return new Run(lines, List.of(args.split("\u001f")));
  }

  private static List<Path> archives(Path cache) throws IOException {
    try (Stream<Path> s = Files.list(cache)) {
      return s.filter(p -> p.getFileName().toString().endsWith(".jsa")).toList();
    }
  }

  private static String archiveOption(Run r) {
    return r.workerArgs().stream().filter(a -> a.startsWith("-XX:SharedArchiveFile=") || a.startsWith("-XX:ArchiveClassesAtExit="))
        .findFirst().orElse("");
  }

  private static boolean hasOption(Run r, String prefix) {
    return r.workerArgs().stream().anyMatch(a -> a.startsWith(prefix));
  }

  /** The first worker writes the archive at exit, the next maps it: its classes come from it. */
  @Test
  void theFirstWorkerWritesTheArchiveAndTheNextMapsIt() throws Exception {
    Path cache = tmp.resolve("cds");
    Path classLog = tmp.resolve("class-load.log");
    String logOption = "-Xlog:class+load=info:file=" + classLog; // same options, so the same key, in both runs
    Run first = master(cache, "on", logOption);
    assertThat(hasOption(first, WRITE)).as(first.workerArgs().toString()).isTrue();
    assertThat(first.workerArgs()).contains("-Xlog:cds=off", "-Xlog:cds+dynamic=off");
    List<Path> made = archives(cache);
    assertThat(made).hasSize(1);
    Path archive = made.get(0);
    assertThat(Files.size(archive)).isGreaterThan(1 << 20);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(cache))).isEqualTo("rwx------");
    assertThat(Files.readString(classLog)).doesNotContain("shared objects file (top)");

    Run second = master(cache, "on", logOption);
    assertThat(second.workerArgs()).contains("-XX:SharedArchiveFile=" + archive);
    assertThat(second.workerArgs()).noneMatch(a -> a.startsWith("-XX:ArchiveClassesAtExit"));
    // The worker's own classes were mapped from the dynamic archive (the base one holds only the JDK's).
    List<String> fromTop = Files.readAllLines(classLog).stream().filter(l -> l.contains("source: shared objects file (top)")).toList();
    assertThat(fromTop).anyMatch(l -> l.contains("dev.rpcparallel.internal.engine.WorkerRuntime "));
    assertThat(fromTop).anyMatch(l -> l.contains("io.netty."));
    assertThat(archives(cache)).containsExactly(archive);
  }

  /**
   * A corrupt archive (garbage, or one truncated in place, which JDK 17 would map and die of
   * SIGBUS) still gives a worker that answers and prints nothing; it is deleted and made again.
   */
  @Test
  void theCacheSurvivesACorruptOrTruncatedArchive() throws Exception {
    Path cache = tmp.resolve("cds");
    master(cache, "on");
    Path archive = archives(cache).get(0);
    long size = Files.size(archive);

    // Garbage, just written: may be an archive being written, so left alone and not mapped.
    byte[] garbage = new byte[(int) size];
    new java.util.Random(1).nextBytes(garbage);
    Files.delete(archive);
    Files.write(archive, garbage);
    Run young = master(cache, "on");
    assertThat(archiveOption(young)).isEmpty();
    // Old garbage (its writer died): deleted, and the next worker writes a new archive.
    Files.setLastModifiedTime(archive, FileTime.fromMillis(System.currentTimeMillis() - 600_000));
    Files.setLastModifiedTime(archive.resolveSibling(archive.getFileName().toString().replace(".jsa", ".claim")),
        FileTime.fromMillis(System.currentTimeMillis() - 600_000));
    Run rewrite = master(cache, "on");
    assertThat(hasOption(rewrite, WRITE)).isTrue();
    assertThat(Files.size(archive)).isGreaterThan(1 << 20);
    Run used = master(cache, "on");
    assertThat(used.workerArgs()).contains("-XX:SharedArchiveFile=" + archive);

    // Truncated in place, magic intact.
    try (RandomAccessFile f = new RandomAccessFile(archive.toFile(), "rw")) {
      f.setLength(size / 2);
    }
    Run truncated = master(cache, "on");
    assertThat(hasOption(truncated, WRITE)).isTrue(); // not mapped: deleted, and written again
    assertThat(Files.size(archive)).isGreaterThan(1 << 20);
    assertThat(master(cache, "on").workerArgs()).contains("-XX:SharedArchiveFile=" + archive);
  }

  /**
   * A stale archive under the key's name (here one made before a jar of the class path changed,
   * as after a change the key does not see) is rejected by the JVM silently: the worker answers
   * and prints nothing. (Neither JDK 17 nor, with -XX:+AutoCreateSharedArchive, JDK 25 rewrites
   * an archive whose class path does not match; the key makes this case rare.)
   */
  @Test
  void theCacheSurvivesAStaleArchive() throws Exception {
    Path extra = tmp.resolve("extra.jar");
    try (JarOutputStream j = new JarOutputStream(Files.newOutputStream(extra))) {
      j.putNextEntry(new ZipEntry("extra.txt"));
      j.write(1);
      j.closeEntry();
    }
    String savedCp = classPath;
    classPath = extra + File.pathSeparator + classPath; // first: JDK 17 checks the jars up to the last one it archived from
    Path classLog = tmp.resolve("class-load.log");
    String logOption = "-Xlog:class+load=info:file=" + classLog; // the same in every run: the same key
    try {
      Path before = tmp.resolve("cds-before");
      master(before, "on", logOption);
      Path stale = archives(before).get(0);
      Files.setLastModifiedTime(extra, FileTime.fromMillis(Files.getLastModifiedTime(extra).toMillis() - 60_000));
      Path cache = tmp.resolve("cds");
      master(cache, "on", logOption);
      Path archive = archives(cache).get(0);
      Files.delete(archive);
      Files.copy(stale, archive); // a whole archive, but for the jar as it was
      Run r = master(cache, "on", logOption);
      assertThat(r.workerArgs()).contains("-XX:SharedArchiveFile=" + archive);
      assertThat(Files.readString(classLog)).doesNotContain("shared objects file (top)"); // rejected
      assertThat(Files.mismatch(archive, stale)).isEqualTo(-1L);
    } finally {
      classPath = savedCp;
    }
  }

  /** An unusable or unsafe cache directory is ignored: no class-data options, nothing printed. */
  @Test
  void anUnwritableOrUnsafeCacheDirectoryIsIgnored() throws Exception {
    Path file = Files.writeString(tmp.resolve("a-file"), "x");
    Run underAFile = master(file.resolve("cds"), "on");
    assertThat(archiveOption(underAFile)).isEmpty();
    assertThat(underAFile.workerArgs()).doesNotContain("-Xlog:cds=off");

    Path open = Files.createDirectories(tmp.resolve("open"));
    Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxrwxrwx"));
    assertThat(archiveOption(master(open, "on"))).isEmpty();
    assertThat(archives(open)).isEmpty();

    Path readOnly = Files.createDirectories(tmp.resolve("read-only"));
    boolean root = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid") == 0;
    if (root) { // root writes anywhere: another user's directory stands in
      Files.setAttribute(readOnly, "unix:uid", 65534);
    } else {
      Files.setPosixFilePermissions(readOnly, PosixFilePermissions.fromString("r-x------"));
    }
    assertThat(archiveOption(master(readOnly, "on"))).isEmpty();
    Files.setPosixFilePermissions(readOnly, PosixFilePermissions.fromString("rwx------"));
    assertThat(archives(readOnly)).isEmpty();
  }

  /** classDataSharing(false), or an -Xshare option of the user's, turns it off. */
  @Test
  void itCanBeTurnedOff() throws Exception {
    Path cache = tmp.resolve("cds");
    Run off = master(cache, "off");
    assertThat(archiveOption(off)).isEmpty();
    assertThat(off.workerArgs()).doesNotContain("-Xlog:cds=off");
    assertThat(cache).doesNotExist();
    Run userChoice = master(cache, "on", "-Xshare:auto");
    assertThat(archiveOption(userChoice)).isEmpty();
    assertThat(cache).doesNotExist();
  }
}
