package dev.rpcparallel.internal.process;

import java.io.File;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** The class path a worker JVM gets. */
public final class ClassPaths {
  private ClassPaths() {}

  /**
   * This JVM's {@code java.class.path}, plus the jars and directories of any URL class loaders
   * between {@code loaded}'s class loader and the system loader (for masters run inside an
   * isolating loader, such as {@code mvn exec:java}), plus {@code extra}.
   */
  public static String forWorker(Class<?> loaded, List<Path> extra) {
    Set<String> entries = new LinkedHashSet<>();
    for (String e : System.getProperty("java.class.path").split(File.pathSeparator)) {
      if (!e.isEmpty()) {
        entries.add(e);
      }
    }
    for (ClassLoader l = loaded.getClassLoader(); l != null && l != ClassLoader.getSystemClassLoader(); l = l.getParent()) {
      if (l instanceof URLClassLoader u) {
        for (URL url : u.getURLs()) {
          if ("file".equals(url.getProtocol())) {
            try {
              entries.add(Path.of(url.toURI()).toString());
            } catch (URISyntaxException | IllegalArgumentException e) {
              // not a plain file: skip
            }
          }
        }
      }
    }
    for (Path p : extra) {
      entries.add(p.toString());
    }
    return String.join(File.pathSeparator, entries);
  }
}
