package dev.rpcparallel.internal.transport;

import java.io.ByteArrayOutputStream;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * HKDF with HMAC-SHA256 (RFC 5869), with the JDK's {@code HmacSHA256}: {@link #extract} a
 * pseudorandom key from input keying material and a salt, then {@link #expand} it into as many
 * bytes as needed, bound to an {@code info} label. Stateless and thread-safe.
 */
final class Hkdf {
  private static final String HMAC = "HmacSHA256";
  /** HashLen: the length of an HMAC-SHA256 output, and of a pseudorandom key. */
  static final int HASH_LENGTH = 32;

  private Hkdf() {}

  /** Extract then expand: {@code length} bytes of output keying material (RFC 5869 §2). */
  static byte[] derive(byte[] ikm, byte[] salt, byte[] info, int length) {
    return expand(extract(salt, ikm), info, length);
  }

  /**
   * HKDF-Extract (RFC 5869 §2.2): PRK = HMAC-SHA256(key = salt, message = ikm). An empty salt is
   * HashLen zero bytes, as the RFC says of a salt not provided.
   */
  static byte[] extract(byte[] salt, byte[] ikm) {
    Mac mac = mac(salt.length == 0 ? new byte[HASH_LENGTH] : salt);
    return mac.doFinal(ikm);
  }

  /**
   * HKDF-Expand (RFC 5869 §2.3): T(i) = HMAC-SHA256(prk, T(i-1) | info | i), for i = 1, 2, ...;
   * the first {@code length} bytes of T(1) | T(2) | ...
   *
   * @throws IllegalArgumentException if {@code length} is negative or over 255 * HashLen
   */
  static byte[] expand(byte[] prk, byte[] info, int length) {
    if (length < 0 || length > 255 * HASH_LENGTH) {
      throw new IllegalArgumentException("HKDF-SHA256 output length must be 0 to " + 255 * HASH_LENGTH + ": " + length);
    }
    Mac mac = mac(prk);
    ByteArrayOutputStream okm = new ByteArrayOutputStream(length + HASH_LENGTH);
    byte[] t = new byte[0];
    for (int i = 1; okm.size() < length; i++) {
      mac.update(t);
      mac.update(info);
      mac.update((byte) i);
      t = mac.doFinal();
      okm.writeBytes(t);
    }
    return Arrays.copyOf(okm.toByteArray(), length);
  }

  private static Mac mac(byte[] key) {
    try {
      Mac mac = Mac.getInstance(HMAC);
      mac.init(new SecretKeySpec(key, HMAC));
      return mac;
    } catch (InvalidKeyException e) {
      throw new IllegalArgumentException("not an HMAC-SHA256 key: " + e.getMessage(), e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK lacks HmacSHA256: " + e, e); // every JDK has it
    }
  }
}
