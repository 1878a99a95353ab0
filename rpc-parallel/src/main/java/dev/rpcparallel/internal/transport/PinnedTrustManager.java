package dev.rpcparallel.internal.transport;

import java.net.Socket;
import java.security.MessageDigest;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Trusts exactly one key, the application's: a peer's chain is accepted iff its leaf
 * certificate's public key has the same encoding as the pinned certificate's, whatever else the
 * certificate or the chain holds. TLS itself (the peer's CertificateVerify signature) proves the
 * peer holds that key's private key, so a peer is trusted iff it holds the application's key. The
 * key is the identity: pinning it rather than the whole certificate accepts the same peers, and
 * keeps accepting them if the certificate around the key is ever written differently.
 *
 * <p>Why not Netty's {@code trustManager(X509Certificate...)}: that makes the certificate a PKIX
 * trust anchor, which also accepts any certificate the anchor's key signed, and applies PKIX rules
 * (validity, key usage, path checks) that a pin does not need. Being an {@link
 * X509ExtendedTrustManager}, this one is used by JSSE as is: no endpoint identification (hostname
 * check) is added, none is wanted (peers are named by the pin, and addressed by IP as often as by
 * name). Validity dates are not checked either: the pin is exact and lives as long as the
 * application. Stateless and thread-safe.
 */
final class PinnedTrustManager extends X509ExtendedTrustManager {
  private final X509Certificate pinned;
  private final byte[] pinnedKey;

  /** Trusts the key of {@code pinned} (a SubjectPublicKeyInfo encoding is compared). */
  PinnedTrustManager(X509Certificate pinned) {
    this.pinned = pinned;
    this.pinnedKey = pinned.getPublicKey().getEncoded();
    if (pinnedKey == null) {
      throw new IllegalArgumentException("the pinned certificate's key has no encoding");
    }
  }

  private void check(X509Certificate[] chain, String peer) throws CertificateException {
    if (chain == null || chain.length == 0 || chain[0] == null) {
      throw new CertificateException("the " + peer + " presented no certificate");
    }
    if (!MessageDigest.isEqual(chain[0].getPublicKey().getEncoded(), pinnedKey)) {
      throw new CertificateException("the " + peer + "'s certificate does not hold this application's key");
    }
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    check(chain, "client");
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
    check(chain, "client");
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
    check(chain, "client");
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    check(chain, "server");
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
    check(chain, "server");
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
    check(chain, "server");
  }

  /** The pinned certificate: the only issuer (it is self-signed) a client certificate may have. */
  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return new X509Certificate[] {pinned};
  }
}
