package dev.rpcparallel.internal.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import org.junit.jupiter.api.Test;

/** The pin: a chain is trusted iff its leaf holds the application's key, in both roles. */
class PinnedTrustManagerTest {
  private static final AppCertificate APP = AppCertificate.derive("the application's secret".getBytes());
  private static final AppCertificate OTHER = AppCertificate.generate();
  private final PinnedTrustManager pin = new PinnedTrustManager(APP.certificate());

  @Test
  void theApplicationsCertificateIsTrustedAsClientAndServer() throws Exception {
    X509Certificate[] chain = {APP.certificate()};
    pin.checkClientTrusted(chain, "EdDSA");
    pin.checkClientTrusted(chain, "EdDSA", (javax.net.ssl.SSLEngine) null);
    pin.checkServerTrusted(chain, "EdDSA");
    pin.checkServerTrusted(chain, "EdDSA", (javax.net.ssl.SSLEngine) null);
    // Equal key, not identity: the same certificate as a worker decoded it, or derived it again.
    X509Certificate decoded = AppCertificate.fromEncoded(APP.encodedCertificate(), APP.encodedPrivateKey()).certificate();
    pin.checkServerTrusted(new X509Certificate[] {decoded, OTHER.certificate()}, "EdDSA");
    pin.checkClientTrusted(new X509Certificate[] {AppCertificate.derive("the application's secret".getBytes())
        .certificate()}, "EdDSA", (java.net.Socket) null);
  }

  @Test
  void anotherCertificateForTheApplicationsKeyIsTrusted() throws Exception {
    ZonedDateTime now = ZonedDateTime.now(ZoneOffset.UTC);
    byte[] der = Ed25519Certificate.write(APP.certificate().getPublicKey(), APP.privateKey(), BigInteger.TEN,
        now, now.plusDays(1));
    X509Certificate rewritten = (X509Certificate) CertificateFactory.getInstance("X.509")
        .generateCertificate(new ByteArrayInputStream(der));
    assertThat(rewritten.getEncoded()).isNotEqualTo(APP.encodedCertificate());
    pin.checkServerTrusted(new X509Certificate[] {rewritten}, "EdDSA", (javax.net.ssl.SSLEngine) null);
  }

  @Test
  void anyOtherKeyIsRefused() throws Exception {
    assertThatThrownBy(() -> pin.checkClientTrusted(new X509Certificate[] {OTHER.certificate()}, "EdDSA"))
        .isInstanceOf(CertificateException.class)
        .hasMessage("the client's certificate does not hold this application's key");
    assertThatThrownBy(() -> pin.checkServerTrusted(new X509Certificate[] {OTHER.certificate(), APP.certificate()},
        "EdDSA", (java.net.Socket) null))
        .isInstanceOf(CertificateException.class)
        .hasMessage("the server's certificate does not hold this application's key");
    // Another key in a certificate otherwise like the application's (same serial, names, dates), signed by it.
    X509Certificate c = APP.certificate();
    byte[] der = Ed25519Certificate.write(OTHER.certificate().getPublicKey(), APP.privateKey(), c.getSerialNumber(),
        c.getNotBefore().toInstant().atZone(ZoneOffset.UTC), c.getNotAfter().toInstant().atZone(ZoneOffset.UTC));
    X509Certificate lookalike = (X509Certificate) CertificateFactory.getInstance("X.509")
        .generateCertificate(new ByteArrayInputStream(der));
    assertThatThrownBy(() -> pin.checkServerTrusted(new X509Certificate[] {lookalike}, "EdDSA"))
        .isInstanceOf(CertificateException.class)
        .hasMessage("the server's certificate does not hold this application's key");
    assertThatThrownBy(() -> pin.checkClientTrusted(new X509Certificate[0], "EdDSA", (javax.net.ssl.SSLEngine) null))
        .isInstanceOf(CertificateException.class)
        .hasMessage("the client presented no certificate");
    assertThatThrownBy(() -> pin.checkServerTrusted(null, "EdDSA"))
        .isInstanceOf(CertificateException.class)
        .hasMessage("the server presented no certificate");
  }

  @Test
  void theOnlyAcceptedIssuerIsTheApplicationsCertificate() {
    assertThat(pin.getAcceptedIssuers()).containsExactly(APP.certificate());
  }
}
