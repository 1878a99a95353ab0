package dev.rpcparallel.internal.remote;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What {@link Ustar} writes, the system's {@code tar} unpacks to the same bytes. */
class UstarTest {
  @TempDir Path dir;

  @Test
  void tarUnpacksWhatWeWrite() throws Exception {
    Path a = dir.resolve("a.bin");
    Path b = dir.resolve("b.bin");
    byte[] big = new byte[70_001];
    new Random(7).nextBytes(big);
    Files.write(a, big);
    Files.write(b, new byte[0]);
    Path out = Files.createDirectory(dir.resolve("out"));
    Process tar = new ProcessBuilder("tar", "-x", "-o", "-f", "-", "-C", out.toString()).redirectErrorStream(true).start();
    try (OutputStream in = tar.getOutputStream()) {
      Ustar.writeFile(in, "0123456789abcdef".repeat(4) + ".jar", a);
      Ustar.writeFile(in, "empty.jar", b);
      Ustar.end(in);
    }
    String said = new String(tar.getInputStream().readAllBytes());
    assertThat(tar.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(tar.exitValue()).as("tar said: " + said).isZero();
    assertThat(Files.readAllBytes(out.resolve("0123456789abcdef".repeat(4) + ".jar"))).isEqualTo(big);
    assertThat(Files.size(out.resolve("empty.jar"))).isZero();
  }
}
