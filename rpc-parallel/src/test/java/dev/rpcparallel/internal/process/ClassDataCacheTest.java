package dev.rpcparallel.internal.process;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rpcparallel.internal.process.ClassDataCache.Mode;
import dev.rpcparallel.internal.process.ClassDataCache.Plan;
import java.io.File;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The class-data cache's decisions, without starting JVMs (the archive is faked by its magic;
 * rpc-parallel-it's ClassDataSharingTest runs real workers).
 */
class ClassDataCacheTest {
  private static final Path JAVA = Path.of(System.getProperty("java.home"), "bin", "java");
  private static final boolean AUTO = Runtime.version().feature() >= 19;
  private static final List<String> OPTS = List.of("-XX:+UseSerialGC", "-Xss512k", "-Dsome.property=1");

  @TempDir
  Path tmp;
  Path cache;
  Path jar;

  @BeforeEach
  void setUp() throws IOException {
    cache = tmp.resolve("cache").resolve("cds");
    jar = jar(tmp.resolve("app.jar"), null);
  }

  private static Path jar(Path p, String manifestClassPath) throws IOException {
    Manifest m = new Manifest();
    m.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    if (manifestClassPath != null) {
      m.getMainAttributes().put(Attributes.Name.CLASS_PATH, manifestClassPath);
    }
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(p), m)) {
      out.putNextEntry(new ZipEntry("a/A.class"));
      out.write(new byte[] {1, 2, 3});
      out.closeEntry();
    }
    return p;
  }

  private Plan plan(List<String> opts, String classPath) {
    return ClassDataCache.plan(cache, JAVA, opts, classPath, Map.of());
  }

  private Plan plan() {
    return plan(OPTS, jar.toString());
  }

  /** What the worker JVM leaves behind: a file starting with the dynamic archive magic. */
  private static void fakeArchive(Path archive, int size) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(ClassDataCache.DYNAMIC_MAGIC);
    Files.write(archive, b.array());
  }

  @Test
  void firstSpawnWritesLaterOnesWaitThenUseTheArchive() throws IOException {
    Plan first = plan();
    assertThat(first.mode()).isEqualTo(Mode.WRITE);
    Path archive = first.archive().orElseThrow();
    assertThat(archive.getParent()).isEqualTo(cache);
    assertThat(archive.getFileName().toString()).matches("[0-9a-f]{40}\\.jsa");
    assertThat(first.options()).contains("-Xlog:cds=off", "-Xlog:cds+dynamic=off");
    assertThat(first.options()).contains(AUTO ? "-XX:+AutoCreateSharedArchive" : "-XX:ArchiveClassesAtExit=" + archive);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(cache))).isEqualTo("rwx------");

    // The first worker has not exited: the others run without, and do not write.
    assertThat(plan().mode()).isEqualTo(Mode.OFF);
    assertThat(plan().options()).isEmpty();

    fakeArchive(archive, 8192);
    Plan later = plan();
    assertThat(later.mode()).isEqualTo(Mode.USE);
    assertThat(later.archive()).contains(archive);
    assertThat(later.options()).contains("-XX:SharedArchiveFile=" + archive);
    assertThat(later.options().contains("-XX:+AutoCreateSharedArchive")).isEqualTo(AUTO);
    assertThat(later.options()).noneMatch(o -> o.startsWith("-XX:ArchiveClassesAtExit"));
    assertThat(archive.resolveSibling(archive.getFileName() + ".ok")).exists();
    assertThat(Files.list(cache).map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".claim"));
    assertThat(plan()).isEqualTo(later);
  }

  /** A spare worker maps an archive but never claims the key: it may wait for hours before it exits. */
  @Test
  void aWorkerThatMayNotWriteNeverClaimsTheKey() throws IOException {
    Plan spare = ClassDataCache.plan(cache, JAVA, OPTS, jar.toString(), Map.of(), false);
    assertThat(spare.mode()).isEqualTo(Mode.OFF);
    try (var files = Files.list(cache)) {
      assertThat(files.filter(f -> f.getFileName().toString().endsWith(".claim"))).isEmpty();
    }
    assertThat(plan().mode()).as("the next ordinary spawn may still write it").isEqualTo(Mode.WRITE);
  }

  @Test
  void theKeyFollowsTheJarsAndTheJvmOptionsButNotSystemProperties() throws IOException {
    Path a = plan().archive().orElseThrow();
    assertThat(plan(List.of("-XX:+UseSerialGC", "-Xss512k", "-Dsome.property=2"), jar.toString()).mode()).isEqualTo(Mode.OFF);
    assertThat(plan(List.of("-XX:+UseParallelGC", "-Xss512k"), jar.toString()).archive()).isPresent().get().isNotEqualTo(a);
    Files.setLastModifiedTime(jar, FileTime.fromMillis(Files.getLastModifiedTime(jar).toMillis() - 10_000));
    Plan rebuilt = plan();
    assertThat(rebuilt.mode()).isEqualTo(Mode.WRITE);
    assertThat(rebuilt.archive()).isPresent().get().isNotEqualTo(a);
  }

  @Test
  void aClassPathWithANonEmptyDirectoryIsSkipped() throws IOException {
    Path classes = Files.createDirectories(tmp.resolve("classes"));
    Path empty = Files.createDirectories(tmp.resolve("empty"));
    assertThat(plan(OPTS, jar + File.pathSeparator + empty + File.pathSeparator + tmp.resolve("absent.jar")).mode())
        .isEqualTo(Mode.WRITE);
    Files.writeString(classes.resolve("A.class"), "x");
    assertThat(plan(OPTS, jar + File.pathSeparator + classes).mode()).isEqualTo(Mode.OFF);
    // Also behind a jar's manifest Class-Path (as in surefire's booter jar): the JVM follows it.
    Path booter = jar(tmp.resolve("booter.jar"), "classes/ app.jar");
    assertThat(plan(OPTS, booter.toString()).mode()).isEqualTo(Mode.OFF);
  }

  @Test
  void optionsThatChooseCdsOrAotThemselvesTurnItOff() {
    for (String o : List.of("-Xshare:off", "-Xshare:auto", "-XX:SharedArchiveFile=/x.jsa", "-XX:ArchiveClassesAtExit=/x.jsa",
        "-XX:+AutoCreateSharedArchive", "-XX:-AutoCreateSharedArchive", "-XX:AOTCache=/x.aot", "-XX:AOTMode=off",
        "-XX:AOTCacheOutput=/x", "-XX:-UseSharedSpaces", "-XX:SharedClassListFile=/x", "-XX:DumpLoadedClassList=/x",
        "@/tmp/argfile", "-XX:Flags=/x", "-XX:VMOptionsFile=/x", "--patch-module=java.base=/x", "-XX:-UseCompressedClassPointers")) {
      assertThat(plan(List.of("-Xss512k", o), jar.toString()).options()).as(o).isEmpty();
    }
    assertThat(ClassDataCache.plan(cache, JAVA, OPTS, jar.toString(), Map.of("JAVA_TOOL_OPTIONS", "-Xmx1g -Xshare:off")).mode())
        .isEqualTo(Mode.OFF);
    assertThat(cache).doesNotExist();
  }

  @Test
  void anArchiveWithoutTheMagicIsLeftWhileYoungAndDeletedWhenOld() throws IOException {
    Path archive = plan().archive().orElseThrow();
    Files.write(archive, new byte[8192]); // being written: the header comes last
    assertThat(plan().mode()).isEqualTo(Mode.OFF);
    assertThat(archive).exists();
    Files.setLastModifiedTime(archive, FileTime.fromMillis(System.currentTimeMillis() - 120_000));
    Files.setLastModifiedTime(cache.resolve(archive.getFileName().toString().replace(".jsa", ".claim")),
        FileTime.fromMillis(System.currentTimeMillis() - 300_000)); // the writer was killed
    Plan again = plan();
    assertThat(again.mode()).isEqualTo(Mode.WRITE);
    assertThat(archive).doesNotExist();
  }

  @Test
  void anArchiveTruncatedInPlaceIsDeletedAndRemade() throws IOException {
    Path archive = plan().archive().orElseThrow();
    fakeArchive(archive, 8192);
    assertThat(plan().mode()).isEqualTo(Mode.USE);
    try (RandomAccessFile f = new RandomAccessFile(archive.toFile(), "rw")) {
      f.setLength(4096); // the magic survives: JDK 17 would map it and die of SIGBUS
    }
    assertThat(plan().mode()).isEqualTo(Mode.WRITE);
    assertThat(archive).doesNotExist();
  }

  @Test
  void aReplacedArchiveIsANewOne() throws IOException {
    Path archive = plan().archive().orElseThrow();
    fakeArchive(archive, 8192);
    assertThat(plan().mode()).isEqualTo(Mode.USE);
    Files.delete(archive); // as the JVM does before it writes
    fakeArchive(archive, 12288);
    assertThat(plan().mode()).isEqualTo(Mode.USE);
    assertThat(archive).exists();
  }

  @Test
  void anUnsafeOrUnusableDirectoryIsIgnored() throws IOException {
    // A file where the directory should be.
    Files.createDirectories(cache.getParent());
    Files.writeString(cache, "not a directory");
    assertThat(plan().options()).isEmpty();
    Files.delete(cache);
    // Writable by others.
    Files.createDirectory(cache, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    Files.setPosixFilePermissions(cache, PosixFilePermissions.fromString("rwxrwxrwx"));
    assertThat(plan().options()).isEmpty();
    // Its parent writable by others (not sticky): the directory could be swapped.
    Files.setPosixFilePermissions(cache, PosixFilePermissions.fromString("rwx------"));
    Files.setPosixFilePermissions(cache.getParent(), PosixFilePermissions.fromString("rwxrwxrwx"));
    assertThat(plan().options()).isEmpty();
    Files.setPosixFilePermissions(cache.getParent(), PosixFilePermissions.fromString("rwx------"));
    assertThat(plan().mode()).isEqualTo(Mode.WRITE);
    try (var files = Files.list(cache)) {
      for (Path p : files.toList()) {
        Files.delete(p);
      }
    }
    // An archive others can write is not mapped.
    Path archive = plan().archive().orElseThrow();
    fakeArchive(archive, 8192);
    Files.setPosixFilePermissions(archive, PosixFilePermissions.fromString("rw-rw-rw-"));
    assertThat(plan().options()).isEmpty();
  }

  @Test
  void aDirectoryOfAnotherUserIsIgnored() throws IOException {
    boolean root = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid") == 0;
    Files.createDirectories(cache);
    if (root) {
      Files.setAttribute(cache, "unix:uid", 65534);
      assertThat(plan().options()).isEmpty();
    } else {
      Files.setPosixFilePermissions(cache, PosixFilePermissions.fromString("r-x------")); // not writable
      try {
        assertThat(plan().options()).isEmpty();
      } finally {
        Files.setPosixFilePermissions(cache, PosixFilePermissions.fromString("rwx------"));
      }
    }
  }

  @Test
  void anExecutableOutsideAJdkHomeIsSkipped() throws IOException {
    Path fake = Files.createDirectories(tmp.resolve("bin")).resolve("java");
    Files.writeString(fake, "#!/bin/sh\n");
    assertThat(ClassDataCache.plan(cache, fake, OPTS, jar.toString(), Map.of()).options()).isEmpty();
    assertThat(ClassDataCache.plan(cache, tmp.resolve("nowhere/bin/java"), OPTS, jar.toString(), Map.of()).options()).isEmpty();
    assertThat(ClassDataCache.Jdk.of(JAVA)).get().extracting(ClassDataCache.Jdk::feature).isEqualTo(Runtime.version().feature());
  }
}
