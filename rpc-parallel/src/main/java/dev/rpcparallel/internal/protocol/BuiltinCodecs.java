package dev.rpcparallel.internal.protocol;

import dev.rpcparallel.codec.Codec;

/** The few codecs the protocol itself needs; same shapes and bytes as their {@code Codecs} twins. */
public final class BuiltinCodecs {
  private BuiltinCodecs() {}

  /** {@code Void}: one zero byte. */
  public static final Codec<Void> UNIT =
      Codec.of(
          "unit",
          (v, out) -> out.writeByte(0),
          in -> {
            int b = in.readByte();
            if (b != 0) {
              throw in.error("unit", "expected 0, got " + b);
            }
            return null;
          });
}
