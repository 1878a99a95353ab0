package dev.rpcparallel.codec;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** The built-in codecs of single values and primitive arrays; see {@link Codecs}. */
final class ScalarCodecs {
  private ScalarCodecs() {}

  private static final int NANOS_PER_SECOND = 1_000_000_000;

  /** A fixed-shape codec from an encoder and a decoder. */
  static final class Scalar<T> extends BaseCodec<T> {
    private final String name;
    private final boolean acceptsNull;
    private final Codec.Encoder<T> encoder;
    private final Codec.Decoder<T> decoder;

    Scalar(String name, boolean acceptsNull, Codec.Encoder<T> encoder, Codec.Decoder<T> decoder) {
      this.name = name;
      this.acceptsNull = acceptsNull;
      this.encoder = encoder;
      this.decoder = decoder;
    }

    @Override
    public void encode(T value, BinaryWriter out) {
      if (value == null && !acceptsNull) {
        throw nullValue();
      }
      encoder.encode(value, out);
    }

    @Override
    T read(BinaryReader in) {
      return decoder.decode(in);
    }

    @Override
    void describe(StringBuilder sb, List<Object> path) {
      sb.append(name);
    }

    @Override
    boolean acceptsNull() {
      return acceptsNull;
    }
  }

  private static <T> Scalar<T> scalar(String name, Codec.Encoder<T> encoder, Codec.Decoder<T> decoder) {
    return new Scalar<>(name, false, encoder, decoder);
  }

  static final Codec<Void> VOID =
      new Scalar<Void>(
          "unit",
          true,
          (v, out) -> out.writeByte(0),
          in -> {
            int at = in.position();
            int b = in.readByte();
            if (b != 0) {
              throw new CodecException("unit", at, "expected a zero byte, got " + b);
            }
            return null;
          });

  static final Codec<Boolean> BOOLEAN = scalar("bool", (v, out) -> out.writeBoolean(v), BinaryReader::readBoolean);

  static final Codec<Byte> BYTE = scalar("i8", (v, out) -> out.writeByte(v), in -> (byte) in.readByte());

  static final Codec<Short> SHORT =
      scalar(
          "i16",
          (v, out) -> out.writeVarInt(v),
          in -> {
            int at = in.position();
            long v = in.readVarLong();
            if (v < Short.MIN_VALUE || v > Short.MAX_VALUE) {
              throw new CodecException("i16", at, "value " + v + " out of short range");
            }
            return (short) v;
          });

  static final Codec<Character> CHAR =
      scalar(
          "char",
          (v, out) -> out.writeUnsignedVarLong(v),
          in -> {
            int at = in.position();
            long v = in.readUnsignedVarLong();
            if (v < 0 || v > Character.MAX_VALUE) {
              throw new CodecException("char", at, "value " + Long.toUnsignedString(v) + " out of char range");
            }
            return (char) v;
          });

  static final Codec<Integer> INT = scalar("i32", (v, out) -> out.writeVarInt(v), BinaryReader::readVarInt);

  static final Codec<Long> LONG = scalar("i64", (v, out) -> out.writeVarLong(v), BinaryReader::readVarLong);

  static final Codec<Float> FLOAT = scalar("f32", (v, out) -> out.writeFloat(v), BinaryReader::readFloat);

  static final Codec<Double> DOUBLE = scalar("f64", (v, out) -> out.writeDouble(v), BinaryReader::readDouble);

  static final Codec<String> STRING = scalar("string", (v, out) -> out.writeString(v), BinaryReader::readString);

  static final Codec<byte[]> BYTES = scalar("bytes", (v, out) -> out.writeBytes(v), BinaryReader::readBytes);

  static final Codec<UUID> UUID_CODEC =
      scalar(
          "uuid",
          (v, out) -> out.writeFixedLong(v.getMostSignificantBits()).writeFixedLong(v.getLeastSignificantBits()),
          in -> new UUID(in.readFixedLong(), in.readFixedLong()));

  static final Codec<Duration> DURATION =
      scalar(
          "duration",
          (v, out) -> out.writeVarLong(v.getSeconds()).writeUnsignedVarLong(v.getNano()),
          in -> Duration.ofSeconds(in.readVarLong(), readNanos(in, "duration")));

  private static final long MIN_INSTANT_SECONDS = Instant.MIN.getEpochSecond();
  private static final long MAX_INSTANT_SECONDS = Instant.MAX.getEpochSecond();

  static final Codec<Instant> INSTANT =
      scalar(
          "instant",
          (v, out) -> out.writeVarLong(v.getEpochSecond()).writeUnsignedVarLong(v.getNano()),
          in -> {
            int at = in.position();
            long seconds = in.readVarLong();
            if (seconds < MIN_INSTANT_SECONDS || seconds > MAX_INSTANT_SECONDS) {
              throw new CodecException("instant", at, "epoch second " + seconds + " out of Instant range");
            }
            return Instant.ofEpochSecond(seconds, readNanos(in, "instant"));
          });

  private static int readNanos(BinaryReader in, String shape) {
    int at = in.position();
    long nanos = in.readUnsignedVarLong();
    if (nanos < 0 || nanos >= NANOS_PER_SECOND) {
      throw new CodecException(shape, at, "nanosecond field " + Long.toUnsignedString(nanos) + " out of range");
    }
    return (int) nanos;
  }

  static final Codec<int[]> INT_ARRAY =
      scalar(
          "i32[]",
          (v, out) -> {
            out.writeLength(v.length);
            for (int x : v) {
              out.writeVarInt(x);
            }
          },
          in -> {
            int n = in.readLength(1);
            in.charge(16 + 4L * n);
            int[] a = new int[n];
            for (int i = 0; i < a.length; i++) {
              a[i] = in.readVarInt();
            }
            return a;
          });

  static final Codec<long[]> LONG_ARRAY =
      scalar(
          "i64[]",
          (v, out) -> {
            out.writeLength(v.length);
            for (long x : v) {
              out.writeVarLong(x);
            }
          },
          in -> {
            int n = in.readLength(1);
            in.charge(16 + 8L * n);
            long[] a = new long[n];
            for (int i = 0; i < a.length; i++) {
              a[i] = in.readVarLong();
            }
            return a;
          });

  static final Codec<double[]> DOUBLE_ARRAY =
      scalar(
          "f64[]",
          (v, out) -> {
            out.writeLength(v.length);
            for (double x : v) {
              out.writeDouble(x);
            }
          },
          in -> {
            double[] a = new double[in.readLength(8)];
            for (int i = 0; i < a.length; i++) {
              a[i] = in.readDouble();
            }
            return a;
          });
}
