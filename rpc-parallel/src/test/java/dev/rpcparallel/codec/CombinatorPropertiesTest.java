package dev.rpcparallel.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rpcparallel.codec.TestTypes.Color;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

class CombinatorPropertiesTest {

  @Property(tries = 300)
  void optionals(@ForAll Optional<Integer> v) {
    Roundtrip.check(Codecs.optional(Codecs.INT), v);
  }

  @Property(tries = 300)
  void nullables(@ForAll Optional<Long> v) {
    Roundtrip.check(Codecs.nullable(Codecs.LONG), v.orElse(null));
  }

  @Property(tries = 300)
  void lists(@ForAll List<Long> v) {
    Codec<List<Long>> codec = Codecs.list(Codecs.LONG);
    Roundtrip.check(codec, v);
    List<Long> decoded = codec.fromBytes(codec.toBytes(v));
    assertThatThrownBy(() -> decoded.add(1L)).isInstanceOf(UnsupportedOperationException.class);
  }

  @Property(tries = 300)
  void setsKeepInsertionOrder(@ForAll List<Integer> elements) {
    Set<Integer> v = new LinkedHashSet<>(elements);
    Codec<Set<Integer>> codec = Codecs.set(Codecs.INT);
    Roundtrip.check(codec, v);
    assertThat(codec.fromBytes(codec.toBytes(v))).containsExactlyElementsOf(v);
  }

  @Property(tries = 300)
  void mapsKeepInsertionOrder(@ForAll List<Integer> keys, @ForAll boolean flag) {
    Map<String, Boolean> v = new LinkedHashMap<>();
    for (Integer k : keys) {
      v.put("k" + k, flag);
    }
    Codec<Map<String, Boolean>> codec = Codecs.map(Codecs.STRING, Codecs.BOOLEAN);
    Roundtrip.check(codec, v);
    assertThat(codec.fromBytes(codec.toBytes(v)).keySet()).containsExactlyElementsOf(v.keySet());
  }

  @Property(tries = 300)
  void arrays(@ForAll List<Integer> v) {
    Integer[] array = v.toArray(new Integer[0]);
    Codec<Integer[]> codec = Codecs.array(Codecs.INT, Integer[]::new);
    Roundtrip.check(codec, array);
    assertThat(codec.fromBytes(codec.toBytes(array))).isExactlyInstanceOf(Integer[].class);
  }

  @Property(tries = 100)
  void enums(@ForAll Color v) {
    Roundtrip.check(Codecs.enumOf(Color.class), v);
  }

  @Property(tries = 200)
  void nested(@ForAll List<Optional<Integer>> v) {
    Map<Integer, List<Optional<Integer>>> map = new LinkedHashMap<>();
    map.put(v.size(), v);
    Roundtrip.check(Codecs.list(Codecs.map(Codecs.INT, Codecs.list(Codecs.optional(Codecs.INT)))), List.of(map));
  }

  @Example
  void listsOfUnitCountOneByteEach() {
    List<Void> units = new ArrayList<>(Collections.nCopies(5, null));
    Codec<List<Void>> codec = Codecs.list(Codecs.VOID);
    assertThat(codec.toBytes(units)).hasSize(6);
    assertThat(codec.fromBytes(codec.toBytes(units))).hasSize(5).containsOnlyNulls();
  }

  @Example
  void elementCodecsMustWriteAtLeastOneByte() {
    Codec<String> silent = Codec.of("silent", (v, out) -> {}, in -> "x");
    assertThatThrownBy(() -> Codecs.list(silent).toBytes(List.of("a")))
        .isInstanceOf(CodecException.class)
        .hasMessageContaining("at least one byte");
  }

  @Example
  void duplicatesAreRejected() {
    byte[] twoOnes = {2, 2, 2}; // count 2, then zig-zag 1 twice
    assertThatThrownBy(() -> Codecs.set(Codecs.INT).fromBytes(twoOnes))
        .isInstanceOf(CodecException.class)
        .hasMessageContaining("duplicate");
    byte[] sameKey = {2, 2, 0, 2, 1};
    assertThatThrownBy(() -> Codecs.map(Codecs.INT, Codecs.BOOLEAN).fromBytes(sameKey))
        .isInstanceOf(CodecException.class)
        .hasMessageContaining("duplicate");
  }

  @Example
  void nullsAreRejectedUnlessNullable() {
    assertThatThrownBy(() -> Codecs.STRING.toBytes(null))
        .isInstanceOf(CodecException.class)
        .hasMessageContaining("null value for string");
    assertThatThrownBy(() -> Codecs.list(Codecs.INT).toBytes(Arrays.asList(1, null)))
        .isInstanceOf(CodecException.class);
    assertThat(Codecs.nullable(Codecs.STRING).fromBytes(Codecs.nullable(Codecs.STRING).toBytes(null))).isNull();
  }
}
