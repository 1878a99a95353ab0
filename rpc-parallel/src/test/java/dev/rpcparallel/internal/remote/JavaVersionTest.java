package dev.rpcparallel.internal.remote;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class JavaVersionTest {
  @Test
  void readsTheFeatureVersion() {
    assertThat(JavaVersion.feature("openjdk version \"17.0.15\" 2025-04-15")).contains(17);
    assertThat(JavaVersion.feature("openjdk version \"25.0.3\" 2026-04-21 LTS")).contains(25);
    assertThat(JavaVersion.feature("java version \"1.8.0_392\"")).contains(8);
    assertThat(JavaVersion.feature("openjdk version \"21\" 2023-09-19")).contains(21);
    assertThat(JavaVersion.feature("openjdk version \"26-ea\" 2026-03-17")).contains(26);
    assertThat(JavaVersion.feature("bash: java: command not found")).isEmpty();
    assertThat(JavaVersion.feature("openjdk version \"99999999999999999999\"")).isEmpty();
  }
}
