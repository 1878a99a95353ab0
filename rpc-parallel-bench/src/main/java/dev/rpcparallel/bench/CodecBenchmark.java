package dev.rpcparallel.bench;

import dev.rpcparallel.codec.BinaryReader;
import dev.rpcparallel.codec.Codec;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * JMH micro-benchmark: encode and decode of a {@code byte[]} with a codec built by {@link
 * Codec#of}. Run with {@code java -cp "target/classes:target/lib/*" org.openjdk.jmh.Main
 * CodecBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class CodecBenchmark {

  private static final Codec<byte[]> BYTES = Codec.of("bytes", (v, out) -> out.writeBytes(v), BinaryReader::readBytes);

  @Param({"8", "1024"})
  int size;

  byte[] value;
  byte[] encoded;

  /** Prepares the value and its encoding. */
  @Setup
  public void setup() {
    value = new byte[size];
    encoded = BYTES.toBytes(value);
  }

  /** Encodes into a fresh array. */
  @Benchmark
  public byte[] encode() {
    return BYTES.toBytes(value);
  }

  /** Decodes a complete encoding. */
  @Benchmark
  public byte[] decode() {
    return BYTES.fromBytes(encoded);
  }
}
