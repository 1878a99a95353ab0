package dev.rpcparallel.fuzz;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

/**
 * Shared pieces of the Jazzer fuzz targets ({@code *FuzzTest}): a cursor over the fuzzer's bytes
 * and the allocation check. See docs/SECURITY.md, section "Fuzzing".
 */
public final class Fuzz {
  private Fuzz() {}

  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

  static {
    THREADS.setThreadAllocatedMemoryEnabled(true);
  }

  /** Bytes allocated so far by the calling thread (every target runs on one thread). */
  public static long allocated() {
    return THREADS.getCurrentThreadAllocatedBytes();
  }

  /**
   * Runs {@code target} and fails if it allocated more than {@code base + perByte * inputLength}
   * bytes on the calling thread: what "a peer cannot make us allocate more than it sent" means
   * for a target. The bounds are generous (they include exceptions and the fuzzer's own hooks);
   * an allocation driven by a length field instead of bytes received exceeds them by far. A run
   * over the bound is repeated once and only the repetition counts: the first run of a target in
   * a JVM also loads (and instruments) classes.
   */
  public static void checkAllocation(Runnable target, int inputLength, long base, long perByte, String what) {
    long bound = base + perByte * inputLength;
    long before = allocated();
    target.run();
    if (allocated() - before <= bound) {
      return;
    }
    before = allocated();
    target.run();
    long used = allocated() - before;
    if (used > bound) {
      throw new AssertionError(what + " allocated " + used + " bytes for " + inputLength
          + " input bytes (bound " + bound + " = " + base + " + " + perByte + " per input byte)");
    }
  }

  /**
   * Whether {@code e} was made by the library's catch-all for stray runtime exceptions ({@code
   * BaseCodec.decode}, or {@code CodecException.wrap} under {@code fromBytes}): for a library
   * codec that is a bug hidden as a CodecException. Told by where the exception was created, not
   * by its message, which holds text from the input.
   */
  public static boolean wrapsStrayException(RuntimeException e) {
    StackTraceElement[] st = e.getStackTrace();
    if (st.length == 0) {
      return false;
    }
    String at = st[0].getClassName() + "." + st[0].getMethodName();
    return at.equals("dev.rpcparallel.codec.BaseCodec.decode") || at.equals("dev.rpcparallel.codec.CodecException.wrap");
  }

  /** The property that makes the {@code writeSeeds} tests of the fuzz targets (re)write their seed corpus. */
  public static final String WRITE_SEEDS = "fuzz.writeSeeds";

  /**
   * Writes {@code seeds} as {@code seed-NAME} files into the inputs directory of {@code
   * test}'s fuzz test {@code method} under src/test/resources, where Jazzer runs them in
   * regression mode and starts fuzzing from them.
   */
  public static void writeSeeds(Class<?> test, String method, Map<String, byte[]> seeds) {
    Path dir = Path.of("src", "test", "resources")
        .resolve(test.getPackageName().replace('.', '/'))
        .resolve(test.getSimpleName() + "Inputs")
        .resolve(method);
    try {
      Files.createDirectories(dir);
      for (Map.Entry<String, byte[]> e : seeds.entrySet()) {
        Files.write(dir.resolve("seed-" + e.getKey()), e.getValue());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code parts} one after the other. */
  public static byte[] concat(byte[]... parts) {
    int n = 0;
    for (byte[] p : parts) {
      n += p.length;
    }
    byte[] out = new byte[n];
    int at = 0;
    for (byte[] p : parts) {
      System.arraycopy(p, 0, out, at, p.length);
      at += p.length;
    }
    return out;
  }

  /** One byte. */
  public static byte[] b(int... bytes) {
    byte[] out = new byte[bytes.length];
    for (int i = 0; i < bytes.length; i++) {
      out[i] = (byte) bytes[i];
    }
    return out;
  }

  /** A 4-byte big-endian length header. */
  public static byte[] header(long length) {
    return b((int) (length >>> 24), (int) (length >>> 16), (int) (length >>> 8), (int) length);
  }

  /** {@code body} behind its 4-byte length. */
  public static byte[] framed(byte[] body) {
    return concat(header(body.length), body);
  }

  /** Reads the fuzzer's bytes front to back; past the end every read yields zeros. */
  public static final class Cursor {
    private final byte[] data;
    private int at;

    public Cursor(byte[] data) {
      this.data = data;
    }

    public int remaining() {
      return data.length - at;
    }

    public boolean hasMore() {
      return at < data.length;
    }

    public int u8() {
      return at < data.length ? data[at++] & 0xFF : 0;
    }

    public int u16() {
      return (u8() << 8) | u8();
    }

    /** Up to {@code n} bytes (fewer at the end). */
    public byte[] take(int n) {
      int k = Math.max(0, Math.min(n, remaining()));
      byte[] out = Arrays.copyOfRange(data, at, at + k);
      at += k;
      return out;
    }

    public byte[] rest() {
      return take(remaining());
    }
  }
}
