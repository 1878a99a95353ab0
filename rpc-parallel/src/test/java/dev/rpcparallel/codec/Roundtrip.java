package dev.rpcparallel.codec;

import static org.assertj.core.api.Assertions.assertThat;

/** Round-trip assertions shared by the property tests. */
final class Roundtrip {
  private Roundtrip() {}

  /** Encodes and decodes {@code value}, also embedded between other bytes, and checks equality. */
  static <T> void check(Codec<T> codec, T value) {
    byte[] bytes = codec.toBytes(value);
    assertThat(bytes).isNotEmpty();
    assertThat((Object) codec.fromBytes(bytes)).isEqualTo(value);

    BinaryWriter out = new BinaryWriter();
    out.writeString("before");
    codec.encode(value, out);
    out.writeVarInt(42);
    BinaryReader in = new BinaryReader(out.toByteArray());
    assertThat(in.readString()).isEqualTo("before");
    assertThat((Object) codec.decode(in)).isEqualTo(value);
    assertThat(in.readVarInt()).isEqualTo(42);
    in.expectEnd("trailer");
  }
}
