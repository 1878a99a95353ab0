package dev.rpcparallel.internal.transport;

import java.net.Socket;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Trusts exactly one certificate, the application's: a peer's chain is accepted iff its leaf
 * certificate's encoding equals the pinned one's, whatever else the chain holds. TLS itself (the
 * peer's CertificateVerify signature) proves the peer holds the certificate's private key, so a
 * peer is trusted iff it holds the application's key.
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
  private final byte[] pinnedEncoding;

  PinnedTrustManager(X509Certificate pinned) {
    this.pinned = pinned;
    try {
      this.pinnedEncoding = pinned.getEncoded();
    } catch (CertificateEncodingException e) {
      throw new IllegalArgumentException("cannot encode the pinned certificate: " + e.getMessage(), e);
    }
  }

  private void check(X509Certificate[] chain, String peer) throws CertificateException {
    if (chain == null || chain.length == 0) {
      throw new CertificateException("the " + peer + " presented no certificate");
    }
    if (!Arrays.equals(chain[0].getEncoded(), pinnedEncoding)) {
      throw new CertificateException("the " + peer + "'s certificate is not this application's certificate");
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
