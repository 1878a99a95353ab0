package dev.rpcparallel.codec;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Assume;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Example;

class BuiltinCodecsPropertiesTest {

  @Example
  void voidTakesOneByteAndDecodesToNull() {
    org.assertj.core.api.Assertions.assertThat(Codecs.VOID.toBytes(null)).containsExactly(0);
    Roundtrip.check(Codecs.VOID, null);
  }

  @Property(tries = 200)
  void booleans(@ForAll boolean v) {
    Roundtrip.check(Codecs.BOOLEAN, v);
  }

  @Property(tries = 300)
  void bytes(@ForAll byte v) {
    Roundtrip.check(Codecs.BYTE, v);
  }

  @Property(tries = 300)
  void shorts(@ForAll short v) {
    Roundtrip.check(Codecs.SHORT, v);
  }

  @Property(tries = 300)
  void chars(@ForAll char v) {
    Roundtrip.check(Codecs.CHAR, v);
  }

  @Property(tries = 300)
  void ints(@ForAll int v) {
    Roundtrip.check(Codecs.INT, v);
  }

  @Property(tries = 300)
  void longs(@ForAll long v) {
    Roundtrip.check(Codecs.LONG, v);
  }

  @Property(tries = 300)
  void floats(@ForAll float v) {
    Roundtrip.check(Codecs.FLOAT, v);
  }

  @Property(tries = 300)
  void doubles(@ForAll double v) {
    Roundtrip.check(Codecs.DOUBLE, v);
  }

  @Property(tries = 300)
  void strings(@ForAll String v) {
    Assume.that(StandardCharsets.UTF_8.newEncoder().canEncode(v)); // lone surrogates are not UTF-8
    Roundtrip.check(Codecs.STRING, v);
  }

  @Property(tries = 300)
  void byteArrays(@ForAll byte[] v) {
    Roundtrip.check(Codecs.BYTES, v);
  }

  @Property(tries = 300)
  void uuids(@ForAll long msb, @ForAll long lsb) {
    Roundtrip.check(Codecs.UUID, new UUID(msb, lsb));
  }

  @Property(tries = 300)
  void durations(@ForAll long seconds, @ForAll("nanos") int nanos) {
    Roundtrip.check(Codecs.DURATION, Duration.ofSeconds(seconds, nanos));
  }

  @Property(tries = 300)
  void instants(@ForAll("epochSeconds") long seconds, @ForAll("nanos") int nanos) {
    Roundtrip.check(Codecs.INSTANT, Instant.ofEpochSecond(seconds, nanos));
  }

  @Property(tries = 200)
  void intArrays(@ForAll int[] v) {
    Roundtrip.check(Codecs.INT_ARRAY, v);
  }

  @Property(tries = 200)
  void longArrays(@ForAll long[] v) {
    Roundtrip.check(Codecs.LONG_ARRAY, v);
  }

  @Property(tries = 200)
  void doubleArrays(@ForAll double[] v) {
    Roundtrip.check(Codecs.DOUBLE_ARRAY, v);
  }

  @Provide
  Arbitrary<Integer> nanos() {
    return Arbitraries.integers().between(0, 999_999_999);
  }

  @Provide
  Arbitrary<Long> epochSeconds() {
    return Arbitraries.longs().between(Instant.MIN.getEpochSecond(), Instant.MAX.getEpochSecond());
  }
}
