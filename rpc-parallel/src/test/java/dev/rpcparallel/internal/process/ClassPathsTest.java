package dev.rpcparallel.internal.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The worker's class path includes what an isolating class loader added (e.g. mvn exec:java). */
class ClassPathsTest {

  /** A class with no dependencies, loadable by an isolated class loader. */
  static final class Plain {}

  @Test
  void includesTheMastersClassPathAndExtras() {
    String cp = ClassPaths.forWorker(String.class, List.of(Path.of("/opt/extra.jar")));
    List<String> entries = Arrays.asList(cp.split(File.pathSeparator));
    assertThat(entries).containsAll(Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
        .filter(e -> !e.isEmpty()).toList());
    assertThat(entries).endsWith("/opt/extra.jar");
  }

  @Test
  void includesTheJarsOfAnIsolatingClassLoader() throws Exception {
    String classFile = Plain.class.getName().replace('.', '/') + ".class";
    Path isolated = Path.of("target", "isolated-classes").toAbsolutePath();
    Path target = isolated.resolve(classFile);
    Files.createDirectories(target.getParent());
    try (var in = Plain.class.getClassLoader().getResourceAsStream(classFile)) {
      assertThat(in).as(classFile).isNotNull();
      Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
    }
    try (URLClassLoader loader = new URLClassLoader(new URL[] {isolated.toUri().toURL()}, null)) {
      Class<?> plain = Class.forName(Plain.class.getName(), false, loader);
      assertThat(plain.getClassLoader()).isSameAs(loader);
      assertThat(ClassPaths.forWorker(plain, List.of()).split(File.pathSeparator)).contains(isolated.toString());
    }
  }
}
