package dev.rpcparallel.internal.protocol;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * HMAC-SHA256 challenge-response with the application's shared secret. Each side proves it
 * knows the secret by MACing both nonces under its own role label, so neither proof can be
 * replayed as the other.
 */
public final class Auth {
  private Auth() {}

  public static final int NONCE_LENGTH = 32;
  public static final int MAC_LENGTH = 32;
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final byte[] CLIENT_LABEL = "rpc-parallel client v1".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] SERVER_LABEL = "rpc-parallel server v1".getBytes(StandardCharsets.US_ASCII);

  public static byte[] nonce() {
    byte[] n = new byte[NONCE_LENGTH];
    RANDOM.nextBytes(n);
    return n;
  }

  public static byte[] newSecret() {
    return nonce();
  }

  public static byte[] clientProof(byte[] secret, byte[] serverNonce, byte[] clientNonce) {
    return mac(secret, CLIENT_LABEL, serverNonce, clientNonce);
  }

  public static byte[] serverProof(byte[] secret, byte[] serverNonce, byte[] clientNonce) {
    return mac(secret, SERVER_LABEL, serverNonce, clientNonce);
  }

  /** Constant-time comparison. */
  public static boolean matches(byte[] expected, byte[] actual) {
    return MessageDigest.isEqual(expected, actual);
  }

  private static byte[] mac(byte[] secret, byte[] label, byte[] a, byte[] b) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret, "HmacSHA256"));
      mac.update(label);
      mac.update(a);
      mac.update(b);
      return mac.doFinal();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }
}
