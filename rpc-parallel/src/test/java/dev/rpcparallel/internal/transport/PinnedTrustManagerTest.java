package dev.rpcparallel.internal.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import org.junit.jupiter.api.Test;

/** The pin: a chain is trusted iff its leaf is the application's certificate, in both roles. */
class PinnedTrustManagerTest {
  private static final AppCertificate APP = AppCertificate.generate();
  private static final AppCertificate OTHER = AppCertificate.generate();
  private final PinnedTrustManager pin = new PinnedTrustManager(APP.certificate());

  @Test
  void theApplicationsCertificateIsTrustedAsClientAndServer() throws Exception {
    X509Certificate[] chain = {APP.certificate()};
    pin.checkClientTrusted(chain, "EC");
    pin.checkClientTrusted(chain, "EC", (javax.net.ssl.SSLEngine) null);
    pin.checkServerTrusted(chain, "EC");
    pin.checkServerTrusted(chain, "EC", (javax.net.ssl.SSLEngine) null);
    // Equal encoding, not identity: the same certificate as a worker decoded it.
    X509Certificate decoded = AppCertificate.fromEncoded(APP.encodedCertificate(), APP.encodedPrivateKey()).certificate();
    pin.checkServerTrusted(new X509Certificate[] {decoded, OTHER.certificate()}, "EC");
  }

  @Test
  void anyOtherLeafIsRefused() {
    assertThatThrownBy(() -> pin.checkClientTrusted(new X509Certificate[] {OTHER.certificate()}, "EC"))
        .isInstanceOf(CertificateException.class)
        .hasMessage("the client's certificate is not this application's certificate");
    assertThatThrownBy(() -> pin.checkServerTrusted(new X509Certificate[] {OTHER.certificate(), APP.certificate()}, "EC",
        (java.net.Socket) null))
        .isInstanceOf(CertificateException.class)
        .hasMessage("the server's certificate is not this application's certificate");
    assertThatThrownBy(() -> pin.checkClientTrusted(new X509Certificate[0], "EC", (javax.net.ssl.SSLEngine) null))
        .isInstanceOf(CertificateException.class)
        .hasMessage("the client presented no certificate");
  }

  @Test
  void theOnlyAcceptedIssuerIsTheApplicationsCertificate() {
    assertThat(pin.getAcceptedIssuers()).containsExactly(APP.certificate());
  }
}
