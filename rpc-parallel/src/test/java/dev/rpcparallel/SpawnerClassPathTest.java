package dev.rpcparallel;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The worker's class path includes what an isolating class loader added (e.g. mvn exec:java). */
class SpawnerClassPathTest {

  @Test
  void includesTheMastersClassPathAndExtras() {
    String cp = Spawner.classPath(String.class, List.of(Path.of("/opt/extra.jar")));
    List<String> entries = Arrays.asList(cp.split(File.pathSeparator));
    assertThat(entries).containsAll(Arrays.asList(System.getProperty("java.class.path").split(File.pathSeparator)));
    assertThat(entries).endsWith("/opt/extra.jar");
  }

  @Test
  void includesTheJarsOfAnIsolatingClassLoader() throws Exception {
    Path classes = Path.of(dev.rpcparallel.testing.Plain.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    Path isolated = Path.of("target", "isolated-classes").toAbsolutePath();
    Path target = isolated.resolve("dev/rpcparallel/testing/Plain.class");
    java.nio.file.Files.createDirectories(target.getParent());
    java.nio.file.Files.copy(classes.resolve("dev/rpcparallel/testing/Plain.class"), target,
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    try (URLClassLoader loader = new URLClassLoader(new URL[] {isolated.toUri().toURL()}, null)) {
      Class<?> plain = Class.forName("dev.rpcparallel.testing.Plain", false, loader);
      assertThat(plain.getClassLoader()).isSameAs(loader);
      assertThat(Spawner.classPath(plain, List.of()).split(File.pathSeparator)).contains(isolated.toString());
    }
  }
}
