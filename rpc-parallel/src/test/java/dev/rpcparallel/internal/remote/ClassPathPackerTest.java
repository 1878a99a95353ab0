package dev.rpcparallel.internal.remote;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClassPathPackerTest {
  @TempDir Path dir;

  @Test
  void aDirectoryPacksToTheSameBytesWhateverItsTimesAndIsRepackedWhenItChanges() throws Exception {
    Path classes = dir.resolve("m").resolve("target").resolve("classes");
    Files.createDirectories(classes.resolve("a/b"));
    Files.writeString(classes.resolve("a/b/C.class"), "bytes of C");
    Files.writeString(classes.resolve("a/D.class"), "bytes of D");
    ShippedEntry first = ClassPathPacker.entries(List.of(classes.toString())).get(0);
    assertThat(first.name()).isEqualTo("m-classes.jar");
    try (JarFile jar = new JarFile(first.jar().toFile())) {
      assertThat(jar.getEntry("a/b/C.class")).isNotNull();
      assertThat(jar.getEntry("a/D.class")).isNotNull();
    }

    Files.setLastModifiedTime(classes.resolve("a/D.class"), FileTime.fromMillis(1_000_000_000_000L));
    ShippedEntry touched = ClassPathPacker.entries(List.of(classes.toString())).get(0);
    assertThat(touched.sha256()).isEqualTo(first.sha256());

    Files.writeString(classes.resolve("a/D.class"), "new bytes of D");
    ShippedEntry changed = ClassPathPacker.entries(List.of(classes.toString())).get(0);
    assertThat(changed.sha256()).isNotEqualTo(first.sha256());
  }

  @Test
  void jarsShipAsTheyAreAndMissingEntriesAreSkipped() throws Exception {
    Path jar = dir.resolve("lib.jar");
    Files.write(jar, new byte[] {1, 2, 3});
    List<ShippedEntry> entries = ClassPathPacker.entries(List.of(jar.toString(), dir.resolve("nope.jar").toString()));
    assertThat(entries).hasSize(1);
    assertThat(entries.get(0).jar()).isEqualTo(jar);
    assertThat(entries.get(0).sha256()).isEqualTo("039058c6f2c0cb492c533b0a4d14ef77cc0f78abccced5287d84a1a2011cfb81");
    assertThat(entries.get(0).name()).isEqualTo("lib.jar");
  }

  @Test
  void sameNamedJarsGetDistinctInstallationNames() throws Exception {
    Path a = Files.createDirectories(dir.resolve("a")).resolve("x.jar");
    Path b = Files.createDirectories(dir.resolve("b")).resolve("x.jar");
    Files.write(a, new byte[] {1});
    Files.write(b, new byte[] {2});
    List<ShippedEntry> entries = ClassPathPacker.entries(List.of(a.toString(), b.toString()));
    assertThat(entries).extracting(ShippedEntry::name).containsExactly("x.jar", "x-2.jar");
  }
}
