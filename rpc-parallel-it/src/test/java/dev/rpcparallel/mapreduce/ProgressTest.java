package dev.rpcparallel.mapreduce;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rpcparallel.RpcParallel;
import dev.rpcparallel.fixtures.mapreduce.ProgressBarMain;
import dev.rpcparallel.fixtures.mapreduce.Tagged;
import dev.rpcparallel.testing.NoLeaks;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** Progress reports of a job, and the console bar that draws only on a terminal. */
@Timeout(120)
@ExtendWith(NoLeaks.class)
class ProgressTest {

  @Test
  void aThousandInputJobReportsMonotonicProgressAndEndsWithOneFinalReport() {
    List<Progress> reports = new CopyOnWriteArrayList<>();
    PoolConfig config = PoolConfig.builder().localWorkers(2).progress(reports::add, Duration.ofMillis(10)).build();
    try (RpcParallel app = RpcParallel.create();
        MapStream<Tagged.Result> out = MapReduce.map(app, config, new Tagged(), 2000L, LongStream.range(0, 1000).boxed().toList())) {
      assertThat(out.stream().count()).isEqualTo(1000);
    }
    assertThat(reports.size()).as("reports of a ~1 s job every 10 ms").isGreaterThan(5);
    Progress last = reports.get(reports.size() - 1);
    assertThat(last.finished()).isTrue();
    assertThat(last.done()).isEqualTo(1000);
    assertThat(last.failures()).isZero();
    assertThat(reports.stream().filter(Progress::finished)).hasSize(1);
    for (int i = 0; i < reports.size(); i++) {
      Progress p = reports.get(i);
      assertThat(p.total()).isEqualTo(1000);
      assertThat(p.done()).isBetween(0L, 1000L);
      assertThat(p.itemsPerSecond()).isPositive();
      if (i > 0) {
        Progress before = reports.get(i - 1);
        assertThat(p.done()).isGreaterThanOrEqualTo(before.done());
        assertThat(p.elapsed()).isGreaterThanOrEqualTo(before.elapsed());
      }
      if (!p.finished() && p.done() > 0) {
        assertThat(p.eta()).isPresent();
      }
    }
  }

  @Test
  void aProgressReportRendersAsABar() {
    String line = ConsoleProgressBar.render(new Progress(52_000, 100_000, 3, 8123.4, Duration.ofSeconds(7), false));
    assertThat(line).isEqualTo("[==============>               ]  52%  52,000/100,000  8,123/s  ETA 0:05  retried 3");
    assertThat(ConsoleProgressBar.render(new Progress(10, 10, 0, 5, Duration.ofSeconds(2), true)))
        .isEqualTo("[==============================] 100%  10/10  5/s  in 0:02");
  }

  /** Under a pseudo-terminal (util-linux {@code script}) the bar is drawn; with stderr a pipe, nothing is. */
  @Test
  void theBarIsDrawnOnlyOnATerminal() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> cmd = List.of(java, "-cp", System.getProperty("java.class.path"), ProgressBarMain.class.getName());

    Process piped = new ProcessBuilder(cmd).start();
    String pipedOut = read(piped.getInputStream());
    String pipedErr = read(piped.getErrorStream());
    assertThat(piped.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(pipedOut).contains("mapped 300");
    assertThat(pipedErr).doesNotContain("300/300").doesNotContain("[=");

    String shell = String.join(" ", cmd.stream().map(ProgressTest::quote).toList());
    Process onPty = new ProcessBuilder("script", "-qfec", shell, "/dev/null").redirectErrorStream(true).start();
    onPty.getOutputStream().close();
    String ptyOut = read(onPty.getInputStream());
    assertThat(onPty.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(ptyOut).contains("mapped 300").contains("\r[").contains("100%  300/300");
  }

  private static String read(java.io.InputStream in) throws IOException {
    return new String(in.readAllBytes(), StandardCharsets.UTF_8);
  }

  private static String quote(String s) {
    return "'" + s.replace("'", "'\\''") + "'";
  }
}
