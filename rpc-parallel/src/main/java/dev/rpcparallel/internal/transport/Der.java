package dev.rpcparallel.internal.transport;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;

/**
 * The few ASN.1 DER encodings an X.509 certificate of {@link AppCertificate} needs (ITU-T X.690):
 * each method returns one complete TLV (tag, length, value). Only what is written here is
 * supported: definite lengths, single-byte tags, no parsing. Stateless and thread-safe.
 */
final class Der {
  // Universal tags (X.690 §8). Constructed types have bit 6 (0x20) set.
  static final int BOOLEAN = 0x01;
  static final int INTEGER = 0x02;
  static final int BIT_STRING = 0x03;
  static final int OCTET_STRING = 0x04;
  static final int OID = 0x06;
  static final int UTF8_STRING = 0x0c;
  static final int UTC_TIME = 0x17;
  static final int GENERALIZED_TIME = 0x18;
  static final int SEQUENCE = 0x30;
  static final int SET = 0x31;

  private static final DateTimeFormatter UTC_TIME_FORMAT = DateTimeFormatter.ofPattern("yyMMddHHmmss'Z'");
  private static final DateTimeFormatter GENERALIZED_TIME_FORMAT = DateTimeFormatter.ofPattern("yyyyMMddHHmmss'Z'");

  private Der() {}

  /** A TLV with {@code tag} and {@code content}; the length is in short or long form (X.690 §8.1.3). */
  static byte[] tlv(int tag, byte[] content) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(content.length + 6);
    out.write(tag);
    int n = content.length;
    if (n < 0x80) {
      out.write(n); // short form: one byte
    } else {
      // long form: 0x80 | count of length bytes, then the length big-endian with no leading zero
      int bytes = (Integer.SIZE - Integer.numberOfLeadingZeros(n) + 7) / 8;
      out.write(0x80 | bytes);
      for (int i = bytes - 1; i >= 0; i--) {
        out.write(n >>> (8 * i));
      }
    }
    out.writeBytes(content);
    return out.toByteArray();
  }

  /** The concatenation of {@code parts} (already encoded TLVs). */
  static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  /** SEQUENCE of already encoded {@code elements}, in order. */
  static byte[] sequence(byte[]... elements) {
    return tlv(SEQUENCE, concat(elements));
  }

  /** SET of one element (a SET OF with several would need its elements sorted, X.690 §11.6). */
  static byte[] setOf(byte[] element) {
    return tlv(SET, element);
  }

  /** A context-specific constructed tag {@code [n] EXPLICIT} around one encoded element. */
  static byte[] explicit(int n, byte[] element) {
    return tlv(0xa0 | n, element);
  }

  /** INTEGER in two's complement, minimal (BigInteger's encoding is exactly DER's). */
  static byte[] integer(BigInteger value) {
    return tlv(INTEGER, value.toByteArray());
  }

  /** BOOLEAN: DER requires 0xff for true. */
  static byte[] bool(boolean value) {
    return tlv(BOOLEAN, new byte[] {value ? (byte) 0xff : 0});
  }

  /** OCTET STRING around {@code content}. */
  static byte[] octetString(byte[] content) {
    return tlv(OCTET_STRING, content);
  }

  /** BIT STRING of whole bytes: the first content byte counts unused bits in the last (0). */
  static byte[] bitString(byte[] bytes) {
    byte[] content = new byte[bytes.length + 1];
    System.arraycopy(bytes, 0, content, 1, bytes.length);
    return tlv(BIT_STRING, content);
  }

  /** UTF8String. */
  static byte[] utf8String(String s) {
    return tlv(UTF8_STRING, s.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * OBJECT IDENTIFIER in dotted form, e.g. {@code "1.2.840.10045.4.3.2"}: the first two arcs
   * share one value (40 * first + second), then each arc is base 128, high bit set on all but its
   * last byte (X.690 §8.19).
   */
  static byte[] oid(String dotted) {
    String[] arcs = dotted.split("\\.");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    writeBase128(out, 40L * Long.parseLong(arcs[0]) + Long.parseLong(arcs[1]));
    for (int i = 2; i < arcs.length; i++) {
      writeBase128(out, Long.parseLong(arcs[i]));
    }
    return tlv(OID, out.toByteArray());
  }

  private static void writeBase128(ByteArrayOutputStream out, long value) {
    int groups = Math.max(1, (Long.SIZE - Long.numberOfLeadingZeros(value) + 6) / 7);
    for (int i = groups - 1; i >= 0; i--) {
      int b = (int) (value >>> (7 * i)) & 0x7f;
      out.write(i > 0 ? b | 0x80 : b);
    }
  }

  /**
   * A certificate validity time as RFC 5280 §4.1.2.5 requires: UTCTime (YYMMDDHHMMSSZ) for years
   * 1950 through 2049, GeneralizedTime (YYYYMMDDHHMMSSZ) from 2050 on; always UTC, whole
   * seconds.
   */
  static byte[] time(ZonedDateTime t) {
    ZonedDateTime utc = t.withZoneSameInstant(ZoneOffset.UTC).withNano(0);
    boolean utcTime = utc.getYear() >= 1950 && utc.getYear() < 2050;
    String text = (utcTime ? UTC_TIME_FORMAT : GENERALIZED_TIME_FORMAT).format(utc);
    return tlv(utcTime ? UTC_TIME : GENERALIZED_TIME, text.getBytes(StandardCharsets.US_ASCII));
  }
}
