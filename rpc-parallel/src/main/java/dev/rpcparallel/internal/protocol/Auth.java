package dev.rpcparallel.internal.protocol;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Keys and proofs. Every worker has its own credential, derived from the application secret and
 * the worker's id (plus a generation, for retiring credentials, and an optional expiry):
 *
 * <pre>credential = HMAC-SHA256(appSecret, "rpc-parallel credential v2" || id || generation || expiry)</pre>
 *
 * A handle carries only that credential, never the application secret. In the handshake each
 * side proves it holds the credential by MACing both nonces, the target worker's id, the
 * generation and the expiry under its own role label: a proof cannot be replayed in the other
 * direction, to another worker, or with other terms.
 */
public final class Auth {
  private Auth() {}

  public static final int NONCE_LENGTH = 32;
  public static final int MAC_LENGTH = 32;
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final byte[] CREDENTIAL_LABEL = ascii("rpc-parallel credential v2");
  private static final byte[] CLIENT_LABEL = ascii("rpc-parallel client v2");
  private static final byte[] SERVER_LABEL = ascii("rpc-parallel server v2");
  private static final byte[] RETIRE_LABEL = ascii("rpc-parallel retire v2");
  private static final byte[] TURN_LABEL = ascii("rpc-parallel turn v2");

  /**
   * What a credential is for: the worker, the generation it belongs to, and when it expires
   * ({@code 0}: never; otherwise epoch milliseconds).
   */
  public record Terms(UUID workerId, long generation, long expiresAtMillis) {
    byte[] bytes() {
      return ByteBuffer.allocate(32)
          .putLong(workerId.getMostSignificantBits())
          .putLong(workerId.getLeastSignificantBits())
          .putLong(generation)
          .putLong(expiresAtMillis)
          .array();
    }
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  public static byte[] nonce() {
    byte[] n = new byte[NONCE_LENGTH];
    RANDOM.nextBytes(n);
    return n;
  }

  public static byte[] newSecret() {
    return nonce();
  }

  /** The credential for {@code terms} under the application secret. */
  public static byte[] credential(byte[] appSecret, Terms terms) {
    return mac(appSecret, CREDENTIAL_LABEL, terms.bytes());
  }

  public static byte[] clientProof(byte[] credential, byte[] serverNonce, byte[] clientNonce, Terms terms) {
    return mac(credential, CLIENT_LABEL, serverNonce, clientNonce, terms.bytes());
  }

  public static byte[] serverProof(byte[] credential, byte[] serverNonce, byte[] clientNonce, Terms terms) {
    return mac(credential, SERVER_LABEL, serverNonce, clientNonce, terms.bytes());
  }

  /**
   * The proof in a TURN frame: the worker's own credential (generation 0, as the handle its spawn
   * returns) over the nonces of the connection's handshake, so a turn is bound to that worker and
   * that connection.
   */
  public static byte[] turnProof(byte[] workerCredential, byte[] serverNonce, byte[] clientNonce) {
    return mac(workerCredential, TURN_LABEL, serverNonce, clientNonce);
  }

  /** Authorizes retiring the credentials of worker {@code id} below {@code generation}: only holders of the app secret can. */
  public static byte[] retireProof(byte[] appSecret, UUID id, long generation) {
    return mac(appSecret, RETIRE_LABEL, new Terms(id, generation, 0).bytes());
  }

  /** Constant-time comparison. */
  public static boolean matches(byte[] expected, byte[] actual) {
    return MessageDigest.isEqual(expected, actual);
  }

  private static byte[] mac(byte[] key, byte[]... parts) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      for (byte[] p : parts) {
        mac.update(p);
      }
      return mac.doFinal();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }
}
