package dev.rpcparallel.internal.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class OutputPumpTest {

  /** Lines are prefixed; CRLF ends a line; a line that never ends is passed on in bounded pieces. */
  @Test
  void linesArePrefixedAndEndlessLinesComeInBoundedPieces() {
    String endless = "x".repeat(OutputPump.MAX_LINE * 2 + 100);
    byte[] input = ("a\r\nb\n" + endless + "\ntail").getBytes(StandardCharsets.UTF_8);
    List<String> kept = new CopyOnWriteArrayList<>();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    OutputPump pump = new OutputPump(new ByteArrayInputStream(input), () -> "w", "STDERR", new PrintStream(out, true), kept::add);
    pump.awaitEnd(10_000);
    String p = "[WORKER w STDERR] ";
    assertThat(kept).containsExactly(p + "a", p + "b", p + "x".repeat(OutputPump.MAX_LINE), p + "x".repeat(OutputPump.MAX_LINE),
        p + "x".repeat(100), p + "tail");
    assertThat(out.toString(StandardCharsets.UTF_8).lines()).containsExactlyElementsOf(kept);
  }
}
