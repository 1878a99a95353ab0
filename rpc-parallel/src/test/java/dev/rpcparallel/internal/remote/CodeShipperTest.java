package dev.rpcparallel.internal.remote;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** What a host prints reaches our messages escaped and bounded. */
class CodeShipperTest {
  @Test
  void aHostsTextIsEscapedAndCut() {
    String evil = "\u001b[2J\u001b[31mFAKE LOG LINE\r\nnext\tline\u0007" + "A".repeat(10_000) + "tail";
    String said = CodeShipper.sanitize(evil);
    assertThat(said).doesNotContain("\u001b").doesNotContain("\r").doesNotContain("\u0007");
    assertThat(said.length()).isLessThanOrEqualTo(2_001);
    assertThat(said).endsWith("tail").startsWith("…");
    assertThat(CodeShipper.sanitize("\u001b[31mred\nnext\tok")).isEqualTo("\\u001b[31mred\nnext\tok");
  }

  @Test
  void directoriesForTheShell() {
    assertThat(CodeShipper.dirExpression("~")).isEqualTo("\"$HOME\"");
    assertThat(CodeShipper.dirExpression("~/a b")).isEqualTo("\"$HOME\"/'a b'");
    assertThat(CodeShipper.dirExpression("/opt/x")).isEqualTo("/opt/x");
    assertThat(CodeShipper.dirExpression("~user/x")).isEqualTo("'~user/x'");
  }
}
