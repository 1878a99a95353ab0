package dev.rpcparallel.internal.remote;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes a POSIX ustar archive of regular files (names under 100 ASCII characters, mode 0644,
 * owner 0, time 0): how the missing jars of a spawn go to a host in one ssh session, to {@code
 * tar -x} there. Stateless.
 */
final class Ustar {
  private static final int BLOCK = 512;

  private Ustar() {}

  /** Writes one file entry: its header, its bytes, and padding to a whole block. */
  static void writeFile(OutputStream out, String name, Path file) throws IOException {
    byte[] n = name.getBytes(StandardCharsets.US_ASCII);
    if (n.length >= 100 || name.contains("/")) {
      throw new IllegalArgumentException("not a plain ustar file name: " + name);
    }
    long size = Files.size(file);
    byte[] h = new byte[BLOCK];
    System.arraycopy(n, 0, h, 0, n.length);
    octal(h, 100, 8, 0644);
    octal(h, 108, 8, 0);
    octal(h, 116, 8, 0);
    octal(h, 124, 12, size);
    octal(h, 136, 12, 0);
    h[156] = '0'; // regular file
    System.arraycopy("ustar\0".getBytes(StandardCharsets.US_ASCII), 0, h, 257, 6);
    h[263] = '0';
    h[264] = '0';
    for (int i = 148; i < 156; i++) {
      h[i] = ' '; // the checksum counts its own field as spaces
    }
    long sum = 0;
    for (byte b : h) {
      sum += b & 0xff;
    }
    octal(h, 148, 7, sum); // six digits and NUL, then the space already there
    out.write(h);
    long copied = Files.copy(file, out);
    if (copied != size) {
      throw new IOException(file + " changed while it was being copied (" + copied + " bytes, expected " + size + ")");
    }
    int pad = (int) ((BLOCK - size % BLOCK) % BLOCK);
    out.write(new byte[pad]);
  }

  /** Ends the archive: two zero blocks. */
  static void end(OutputStream out) throws IOException {
    out.write(new byte[2 * BLOCK]);
  }

  /** {@code value} as zero-padded octal digits in {@code width - 1} bytes, then NUL. */
  private static void octal(byte[] h, int offset, int width, long value) {
    String s = Long.toOctalString(value);
    if (s.length() > width - 1) {
      throw new IllegalArgumentException("too large for ustar: " + value);
    }
    s = "0".repeat(width - 1 - s.length()) + s;
    System.arraycopy(s.getBytes(StandardCharsets.US_ASCII), 0, h, offset, width - 1);
    h[offset + width - 1] = 0;
  }
}
