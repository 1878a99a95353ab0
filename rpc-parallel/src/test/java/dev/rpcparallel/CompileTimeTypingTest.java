package dev.rpcparallel;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Worker types are checked by the compiler, as in the original: each case compiles a small
 * program against the library with javac and expects it to be rejected (with a well-typed twin
 * that must compile, so the check itself is shown to work).
 */
class CompileTimeTypingTest {
  private static final String SPECS = """
      import dev.rpcparallel.*;
      import dev.rpcparallel.codec.Codecs;
      final class Sum extends StatelessWorkerSpec {
        static final Rpc<Sum, Integer, Long> SUM = Rpc.of("sum", Codecs.INT, Codecs.LONG);
        static final Rpc<Sum, Void, Long> NOW = Rpc.of("now", Codecs.VOID, Codecs.LONG);
        public void implement(Implementations<Void, Void> t) {}
      }
      final class Other extends StatelessWorkerSpec {
        static final Rpc<Other, Integer, Long> ECHO = Rpc.of("echo", Codecs.INT, Codecs.LONG);
        public void implement(Implementations<Void, Void> t) {}
      }
      final class Labelled implements WorkerSpec<Integer, Integer, String, String> {
        public dev.rpcparallel.codec.Codec<Integer> initArgCodec() { return Codecs.INT; }
        public Integer initWorkerState(Integer a, WorkerContext c) { return a; }
        public dev.rpcparallel.codec.Codec<String> connectionArgCodec() { return Codecs.STRING; }
        public String initConnectionState(ConnectionContext c, Integer s, String a) { return a; }
        public void implement(Implementations<Integer, String> t) {}
      }
      """;

  @TempDir Path dir;

  @Test
  void callingAnotherWorkerTypesFunctionDoesNotCompile() throws Exception {
    assertCompiles("Connection<Sum> c = app.connect(app.serve(new Sum(), null)); long r = c.call(Sum.SUM, 1);");
    assertRejected("Connection<Sum> c = app.connect(app.serve(new Sum(), null)); long r = c.call(Other.ECHO, 1);",
        "no suitable method found for call");
  }

  @Test
  void aUnitQueryNeedsNoArgument() throws Exception {
    assertCompiles("long r = app.connect(app.serve(new Sum(), null)).call(Sum.NOW);");
    assertRejected("long r = app.connect(app.serve(new Sum(), null)).call(Sum.SUM);", "no suitable method found for call");
  }

  @Test
  void connectingWithTheWrongConnectionArgumentDoesNotCompile() throws Exception {
    assertCompiles("Connection<Labelled> c = app.connect(app.serve(new Labelled(), 1), \"label\");");
    assertRejected("app.connect(app.serve(new Labelled(), 1), 42);", "no suitable method found for connect");
    assertRejected("app.connect(app.serve(new Labelled(), 1));", "no suitable method found for connect");
  }

  @Test
  void spawningWithTheWrongInitArgumentDoesNotCompile() throws Exception {
    assertCompiles("Worker<Labelled> w = app.spawn(new Labelled(), 7);");
    assertRejected("app.spawn(new Labelled(), \"seven\");", "inference variable A has incompatible bounds");
  }

  @Test
  void aHandleIsTypedByItsWorker() throws Exception {
    assertRejected("Worker<Other> w = app.serve(new Sum(), null);", "incompatible types");
  }

  private void assertCompiles(String body) throws Exception {
    List<String> errors = compile(body);
    assertThat(errors).as("well-typed program").isEmpty();
  }

  private void assertRejected(String body, String expected) throws Exception {
    List<String> errors = compile(body);
    assertThat(errors).as("errors for: " + body).isNotEmpty();
    assertThat(String.join("\n", errors)).contains(expected);
  }

  private List<String> compile(String body) throws Exception {
    Path src = dir.resolve("Program.java");
    Files.writeString(src, SPECS + "public class Program {\n  static void run(RpcParallel app) {\n    " + body + "\n  }\n}\n");
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
    try (StandardJavaFileManager files = javac.getStandardFileManager(diagnostics, Locale.ROOT, null)) {
      Path out = Files.createDirectories(dir.resolve("out"));
      List<String> options = List.of("-classpath", libraryClasses(), "-d", out.toString(), "-proc:none");
      javac.getTask(null, files, diagnostics, options, null, files.getJavaFileObjects(src.toFile())).call();
    }
    return diagnostics.getDiagnostics().stream()
        .filter(d -> d.getKind() == Diagnostic.Kind.ERROR)
        .map(d -> d.getMessage(Locale.ROOT))
        .collect(Collectors.toList());
  }

  private static String libraryClasses() throws URISyntaxException {
    return new File(RpcParallel.class.getProtectionDomain().getCodeSource().getLocation().toURI()).getPath();
  }
}
