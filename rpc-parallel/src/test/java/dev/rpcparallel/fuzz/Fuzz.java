package dev.rpcparallel.fuzz;

import java.lang.management.ManagementFactory;
import java.util.Arrays;

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
