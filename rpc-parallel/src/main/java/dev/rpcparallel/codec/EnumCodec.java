package dev.rpcparallel.codec;

import java.util.List;

/** {@code enum Name{A,B,C}}: the ordinal (declaration order) as an unsigned varint. */
final class EnumCodec<E extends Enum<E>> extends BaseCodec<E> {
  private final Class<E> type;
  private final E[] constants;

  EnumCodec(Class<E> type) {
    if (!type.isEnum()) {
      throw new IllegalArgumentException(type.getName() + " is not an enum class");
    }
    this.type = type;
    this.constants = type.getEnumConstants();
  }

  @Override
  public void encode(E value, BinaryWriter out) {
    if (value == null) {
      throw nullValue();
    }
    out.writeUnsignedVarLong(type.cast(value).ordinal());
  }

  @Override
  E read(BinaryReader in) {
    int at = in.position();
    long ordinal = in.readUnsignedVarLong();
    if (ordinal < 0 || ordinal >= constants.length) {
      throw new CodecException(
          shape(), at, "unknown ordinal " + Long.toUnsignedString(ordinal) + " (" + constants.length + " constants)");
    }
    return constants[(int) ordinal];
  }

  @Override
  void describe(StringBuilder sb, List<Object> path) {
    sb.append("enum ").append(type.getSimpleName()).append('{');
    for (int i = 0; i < constants.length; i++) {
      sb.append(i == 0 ? "" : ",").append(constants[i].name());
    }
    sb.append('}');
  }
}
