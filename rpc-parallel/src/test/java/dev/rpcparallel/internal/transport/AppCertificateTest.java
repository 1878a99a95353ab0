package dev.rpcparallel.internal.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.security.KeyPairGenerator;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The application's TLS identity: what {@link AppCertificate} writes, and what it refuses to read. */
class AppCertificateTest {
  private static final AppCertificate APP = AppCertificate.generate();

  @Test
  void generatedCertificateParsesAsASelfSignedV3Certificate() throws Exception {
    X509Certificate c = (X509Certificate) CertificateFactory.getInstance("X.509")
        .generateCertificate(new ByteArrayInputStream(APP.encodedCertificate()));
    assertThat(c).isEqualTo(APP.certificate());
    assertThat(c.getVersion()).isEqualTo(3);
    assertThat(c.getSubjectX500Principal().getName()).isEqualTo("CN=rpc-parallel app");
    assertThat(c.getIssuerX500Principal()).isEqualTo(c.getSubjectX500Principal());
    assertThat(c.getSigAlgName()).isEqualTo("SHA256withECDSA");
    assertThat(c.getSigAlgParams()).isNull();
    assertThat(c.getPublicKey().getAlgorithm()).isEqualTo("EC");
    assertThat(c.getSerialNumber().signum()).isPositive();
    assertThat(c.getSerialNumber().toByteArray()).hasSize(16);
    assertThat(c.getBasicConstraints()).isEqualTo(-1); // not a CA
    assertThat(c.getKeyUsage()[0]).isTrue(); // digitalSignature
    assertThat(c.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2");
    assertThat(c.getCriticalExtensionOIDs()).containsExactlyInAnyOrder("2.5.29.19", "2.5.29.15");
    c.verify(c.getPublicKey());
    c.checkValidity(); // now
    c.checkValidity(java.util.Date.from(ZonedDateTime.now().plusYears(9).toInstant()));
    assertThat(APP.toString()).contains(APP.fingerprint()).doesNotContain("PRIVATE");
  }

  @Test
  void eachGenerationIsANewIdentity() {
    AppCertificate other = AppCertificate.generate();
    assertThat(other.encodedCertificate()).isNotEqualTo(APP.encodedCertificate());
    assertThat(other.certificate().getSerialNumber()).isNotEqualTo(APP.certificate().getSerialNumber());
  }

  @Test
  void encodedFormsRoundTrip() {
    AppCertificate back = AppCertificate.fromEncoded(APP.encodedCertificate(), APP.encodedPrivateKey());
    assertThat(back.encodedCertificate()).isEqualTo(APP.encodedCertificate());
    assertThat(back.encodedPrivateKey()).isEqualTo(APP.encodedPrivateKey());
    assertThat(back.certificate()).isEqualTo(APP.certificate());
    assertThat(back.fingerprint()).isEqualTo(APP.fingerprint());
  }

  @Test
  void aKeyOfAnotherCertificateIsRefused() {
    AppCertificate other = AppCertificate.generate();
    assertThatThrownBy(() -> AppCertificate.fromEncoded(APP.encodedCertificate(), other.encodedPrivateKey()))
        .isExactlyInstanceOf(IllegalArgumentException.class)
        .hasMessage("the private key does not belong to the certificate");
  }

  @Test
  void aKeyOnAnotherCurveIsRefused() throws Exception {
    KeyPairGenerator kpg = KeyPairGenerator.getInstance("EC");
    kpg.initialize(new ECGenParameterSpec("secp384r1"));
    byte[] p384 = kpg.generateKeyPair().getPrivate().getEncoded();
    assertThatThrownBy(() -> AppCertificate.fromEncoded(APP.encodedCertificate(), p384))
        .isExactlyInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("the private key does not belong to the certificate");
  }

  @Test
  void garbageIsRefusedWithMessagesNamingThePart() {
    byte[] garbage = "certainly not DER".getBytes();
    assertThatThrownBy(() -> AppCertificate.fromEncoded(garbage, APP.encodedPrivateKey()))
        .isExactlyInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("not a DER-encoded X.509 certificate");
    assertThatThrownBy(() -> AppCertificate.fromEncoded(new byte[0], APP.encodedPrivateKey()))
        .isExactlyInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("not a DER-encoded X.509 certificate");
    assertThatThrownBy(() -> AppCertificate.fromEncoded(APP.encodedCertificate(), garbage))
        .isExactlyInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("not a PKCS#8-encoded EC private key");
    assertThatThrownBy(() -> AppCertificate.fromEncoded(APP.encodedCertificate(), new byte[0]))
        .isExactlyInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("not a PKCS#8-encoded EC private key");
  }

  @Test
  void aDamagedCertificateIsRefused() {
    byte[] cert = APP.encodedCertificate();
    byte[] truncated = Arrays.copyOf(cert, cert.length - 10);
    assertThatThrownBy(() -> AppCertificate.fromEncoded(truncated, APP.encodedPrivateKey()))
        .isExactlyInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("not a DER-encoded X.509 certificate");
    byte[] trailing = Arrays.copyOf(cert, cert.length + 1);
    assertThatThrownBy(() -> AppCertificate.fromEncoded(trailing, APP.encodedPrivateKey()))
        .isExactlyInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("not exactly one DER-encoded X.509 certificate");
    byte[] badSignature = cert.clone();
    badSignature[badSignature.length - 3] ^= 1; // inside the signature's integers
    assertThatThrownBy(() -> AppCertificate.fromEncoded(badSignature, APP.encodedPrivateKey()))
        .isExactlyInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("the certificate is not self-signed by its own key");
  }

  @Test
  void encodedFormsAreCopies() {
    APP.encodedCertificate()[0] = 0;
    APP.encodedPrivateKey()[0] = 0;
    AppCertificate.fromEncoded(APP.encodedCertificate(), APP.encodedPrivateKey());
  }

  // ---- the DER writer ----

  @Test
  void validityTimesSwitchToGeneralizedTimeIn2050() {
    assertThat(hex(Der.time(ZonedDateTime.of(2049, 12, 31, 23, 59, 59, 999, ZoneOffset.UTC))))
        .isEqualTo("170d" + hex("491231235959Z".getBytes()));
    assertThat(hex(Der.time(ZonedDateTime.of(2050, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC))))
        .isEqualTo("180f" + hex("20500101000000Z".getBytes()));
    assertThat(hex(Der.time(ZonedDateTime.of(2030, 6, 1, 12, 0, 0, 0, ZoneOffset.ofHours(2)))))
        .isEqualTo("170d" + hex("300601100000Z".getBytes()));
  }

  @Test
  void aCertificateValidPast2049Parses() throws Exception {
    KeyPairGenerator kpg = KeyPairGenerator.getInstance("EC");
    kpg.initialize(new ECGenParameterSpec("secp256r1"));
    ZonedDateTime notAfter = ZonedDateTime.of(2060, 1, 2, 3, 4, 5, 0, ZoneOffset.UTC);
    byte[] der = AppCertificate.certificate(kpg.generateKeyPair(), BigInteger.ONE,
        ZonedDateTime.of(2020, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC), notAfter);
    X509Certificate c = (X509Certificate) CertificateFactory.getInstance("X.509")
        .generateCertificate(new ByteArrayInputStream(der));
    assertThat(c.getNotAfter().toInstant()).isEqualTo(notAfter.toInstant());
  }

  @Test
  void derEncodingsMatchX690() {
    assertThat(hex(Der.oid("1.2.840.10045.4.3.2"))).isEqualTo("06082a8648ce3d040302");
    assertThat(hex(Der.oid("2.5.4.3"))).isEqualTo("0603550403");
    assertThat(hex(Der.integer(BigInteger.valueOf(128)))).isEqualTo("02020080");
    assertThat(hex(Der.integer(BigInteger.TWO))).isEqualTo("020102");
    assertThat(hex(Der.bool(true))).isEqualTo("0101ff");
    assertThat(hex(Der.bitString(new byte[] {5}))).isEqualTo("03020005");
    assertThat(hex(Der.explicit(0, Der.integer(BigInteger.TWO)))).isEqualTo("a003020102");
    for (int n : List.of(0, 127, 128, 255, 256, 65535, 65536)) {
      byte[] tlv = Der.tlv(Der.OCTET_STRING, new byte[n]);
      String header = hex(Arrays.copyOf(tlv, tlv.length - n));
      assertThat(header).isEqualTo(switch (n) {
        case 0 -> "0400";
        case 127 -> "047f";
        case 128 -> "048180";
        case 255 -> "0481ff";
        case 256 -> "04820100";
        case 65535 -> "0482ffff";
        default -> "0483010000";
      });
    }
  }

  private static String hex(byte[] b) {
    return HexFormat.of().formatHex(b);
  }
}
