package dev.rpcparallel.internal.remote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * The quoting runs through real shells (dash as Debian's {@code sh}, and bash), the way the
 * remote side runs it: words and environment values come out byte for byte.
 */
class ShellQuotingTest {
  private static final String NASTY = "a'b\"c $HOME `id` $(id) \\n\\ (x) [y] {z} ; & | < > * ? ~ # ! % é 中 \t end";

  @ParameterizedTest
  @ValueSource(strings = {"/bin/sh", "/bin/dash", "/bin/bash"})
  void wordsReachTheProgramUnchanged(String shell) throws Exception {
    List<String> words = List.of("plain", "", "two words", NASTY, "-Dx=y", "~", "'", "''", "a\\", "x=$y");
    String script = "exec printf '%s\\0' " + ShellQuoting.words(words);
    byte[] out = run(shell, List.of("-c", script), new byte[0]);
    assertThat(new String(out, StandardCharsets.UTF_8).split("\0", -1)).containsExactly(
        words.get(0), words.get(1), words.get(2), words.get(3), words.get(4), words.get(5), words.get(6), words.get(7),
        words.get(8), words.get(9), "");
  }

  @ParameterizedTest
  @ValueSource(strings = {"/bin/sh", "/bin/dash", "/bin/bash"})
  void exportedValuesArriveByteIdentical(String shell) throws Exception {
    String value = NASTY + "\nsecond line\n\n";
    String script = ShellQuoting.export("RP_VALUE", value) + "; exec printenv RP_VALUE";
    byte[] out = run(shell, List.of("-c", script), new byte[0]);
    // printenv adds one newline of its own
    assertThat(new String(out, StandardCharsets.UTF_8)).isEqualTo(value + "\n");
  }

  @ParameterizedTest
  @ValueSource(strings = {"/bin/dash", "/bin/bash"})
  void theLaunchLineIsReadAloneAndTheRestOfStdinReachesTheProgram(String shell) throws Exception {
    // What the host's sh does with RemoteLaunch's stdin: read one line, run it; the program gets the rest.
    String line = ShellQuoting.export("RP_VALUE", "x\ny") + "; exec head -c 5\n";
    byte[] stdin = (line + "HELLO and more").getBytes(StandardCharsets.UTF_8);
    byte[] out = run(shell, List.of("-c", "IFS= read -r s && eval \"$s\""), stdin);
    assertThat(new String(out, StandardCharsets.UTF_8)).isEqualTo("HELLO");
  }

  @Test
  void refusesWhatCannotBeCarried() {
    assertThatThrownBy(() -> ShellQuoting.word("a\nb")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("newline");
    assertThatThrownBy(() -> ShellQuoting.export("1BAD", "v")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("1BAD");
    assertThatThrownBy(() -> ShellQuoting.export("A-B", "v")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ShellQuoting.export("OK", "a\0b")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("NUL");
  }

  @Test
  void plainWordsStayReadable() {
    assertThat(ShellQuoting.word("/usr/bin/java")).isEqualTo("/usr/bin/java");
    assertThat(ShellQuoting.word("-Xss512k")).isEqualTo("-Xss512k");
    assertThat(ShellQuoting.word("a b")).isEqualTo("'a b'");
    assertThat(ShellQuoting.word("-Dx=y")).isEqualTo("'-Dx=y'");
  }

  static byte[] run(String shell, List<String> args, byte[] stdin) throws IOException, InterruptedException {
    if (!Files.isExecutable(Path.of(shell))) {
      throw new org.opentest4j.TestAbortedException(shell + " is not installed here");
    }
    List<String> cmd = new java.util.ArrayList<>();
    cmd.add(shell);
    cmd.addAll(args);
    Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    try (OutputStream in = p.getOutputStream()) {
      in.write(stdin);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (InputStream o = p.getInputStream()) {
      o.transferTo(out);
    }
    assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as("exit status of " + cmd).isZero();
    return out.toByteArray();
  }
}
