package dev.rpcparallel.internal.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.EdECPrivateKey;
import java.security.interfaces.EdECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The application's TLS identity: what {@link AppCertificate} writes, and what it refuses to read. */
class AppCertificateTest {
  private static final AppCertificate APP = AppCertificate.generate();
  private static final byte[] SECRET = "the application's secret".getBytes(StandardCharsets.UTF_8);
  private static final AppCertificate DERIVED = AppCertificate.derive(SECRET);

  @Test
  void generatedCertificateParsesAsASelfSignedV3Ed25519Certificate() throws Exception {
    X509Certificate c = checkWellFormed(APP);
    c.checkValidity(); // now
    c.checkValidity(java.util.Date.from(ZonedDateTime.now().plusYears(9).toInstant()));
    assertThat(APP.toString()).contains(APP.fingerprint()).doesNotContain("PRIVATE");
  }

  @Test
  void derivedCertificateParsesAsASelfSignedV3Ed25519CertificateValidForever() throws Exception {
    X509Certificate c = checkWellFormed(DERIVED);
    assertThat(c.getNotBefore().toInstant()).isEqualTo(Instant.parse("2020-01-01T00:00:00Z"));
    assertThat(c.getNotAfter().toInstant()).isEqualTo(Instant.parse("9999-12-31T23:59:59Z"));
    // RFC 5280 §4.1.2.5: UTCTime through 2049, GeneralizedTime after.
    assertThat(hex(DERIVED.encodedCertificate()))
        .contains("170d" + hex("200101000000Z".getBytes()) + "180f" + hex("99991231235959Z".getBytes()));
    c.checkValidity();
  }

  /** The checks every identity passes; returns its certificate as the JDK parses it. */
  private static X509Certificate checkWellFormed(AppCertificate app) throws Exception {
    X509Certificate c = (X509Certificate) CertificateFactory.getInstance("X.509")
        .generateCertificate(new ByteArrayInputStream(app.encodedCertificate()));
    assertThat(c).isEqualTo(app.certificate());
    assertThat(c.getVersion()).isEqualTo(3);
    assertThat(c.getSubjectX500Principal().getName()).isEqualTo("CN=rpc-parallel app");
    assertThat(c.getIssuerX500Principal()).isEqualTo(c.getSubjectX500Principal());
    assertThat(c.getSigAlgOID()).isEqualTo("1.3.101.112");
    assertThat(c.getSigAlgParams()).isNull();
    assertThat(((EdECPublicKey) c.getPublicKey()).getParams().getName()).isEqualTo("Ed25519");
    // SubjectPublicKeyInfo with AlgorithmIdentifier id-Ed25519 and no parameters (RFC 8410 §4)
    assertThat(hex(c.getPublicKey().getEncoded())).startsWith("302a300506032b6570032100");
    assertThat(c.getSerialNumber().signum()).isPositive();
    assertThat(c.getSerialNumber().toByteArray()).hasSize(16);
    assertThat(c.getBasicConstraints()).isEqualTo(-1); // not a CA
    assertThat(c.getKeyUsage()[0]).isTrue(); // digitalSignature
    assertThat(c.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2");
    assertThat(c.getCriticalExtensionOIDs()).containsExactlyInAnyOrder("2.5.29.19", "2.5.29.15");
    c.verify(c.getPublicKey());
    assertThat(((EdECPrivateKey) app.privateKey()).getParams().getName()).isEqualTo("Ed25519");
    return c;
  }

  @Test
  void eachGenerationIsANewIdentity() {
    AppCertificate other = AppCertificate.generate();
    assertThat(other.encodedCertificate()).isNotEqualTo(APP.encodedCertificate());
    assertThat(other.encodedPrivateKey()).isNotEqualTo(APP.encodedPrivateKey());
    assertThat(other.certificate().getSerialNumber()).isNotEqualTo(APP.certificate().getSerialNumber());
  }

  @Test
  void derivingTwiceFromTheSameSecretGivesTheSameBytes() {
    AppCertificate again = AppCertificate.derive(SECRET.clone());
    assertThat(again).isNotSameAs(DERIVED);
    assertThat(again.encodedCertificate()).isEqualTo(DERIVED.encodedCertificate());
    assertThat(again.encodedPrivateKey()).isEqualTo(DERIVED.encodedPrivateKey());
    assertThat(again.fingerprint()).isEqualTo(DERIVED.fingerprint());
  }

  @Test
  void differentSecretsGiveDifferentKeysAndSerials() {
    byte[] close = SECRET.clone();
    close[close.length - 1] ^= 1;
    AppCertificate other = AppCertificate.derive(close);
    assertThat(other.certificate().getPublicKey().getEncoded()).isNotEqualTo(DERIVED.certificate().getPublicKey().getEncoded());
    assertThat(other.encodedPrivateKey()).isNotEqualTo(DERIVED.encodedPrivateKey());
    assertThat(other.certificate().getSerialNumber()).isNotEqualTo(DERIVED.certificate().getSerialNumber());
  }

  /**
   * A known answer: every member of an application must derive the same identity, on any JDK and
   * in any version of this library that talks to this one. If this fails, the derivation changed:
   * that needs a new HKDF info label ("tls identity v2"), not a new expected value.
   */
  @Test
  void theDerivationIsFixed() {
    byte[] secret = new byte[32];
    for (int i = 0; i < secret.length; i++) {
      secret[i] = (byte) i;
    }
    AppCertificate app = AppCertificate.derive(secret);
    assertThat(hex(((EdECPrivateKey) app.privateKey()).getBytes().orElseThrow()))
        .isEqualTo(hex(Hkdf.derive(secret, "rpc-parallel".getBytes(), "tls identity v1".getBytes(), 32)));
    assertThat(hex(app.certificate().getPublicKey().getEncoded())).isEqualTo(KNOWN_PUBLIC_KEY);
    assertThat(app.fingerprint()).isEqualTo(KNOWN_FINGERPRINT);
  }

  private static final String KNOWN_PUBLIC_KEY =
      "302a300506032b65700321000e9248bc461b4e09b52ddf4f6451f6729f0716434ccf2e6616db4286ed9344b3";
  private static final String KNOWN_FINGERPRINT =
      "41601ac5f8b11972b020e4c9a4f74ed2b5f3288e870a918bfd52c28d84f848b7";

  @Test
  void aSecretShorterThan16BytesIsRefused() {
    assertThatThrownBy(() -> AppCertificate.derive(new byte[15]))
        .isExactlyInstanceOf(IllegalArgumentException.class)
        .hasMessage("the application secret must have at least 16 bytes, not 15");
    assertThatThrownBy(() -> AppCertificate.derive(new byte[0])).isExactlyInstanceOf(IllegalArgumentException.class);
    assertThat(AppCertificate.derive(new byte[16]).certificate().getPublicKey().getAlgorithm()).isNotEmpty();
  }

  @Test
  void encodedFormsRoundTrip() {
    for (AppCertificate app : List.of(APP, DERIVED)) {
      AppCertificate back = AppCertificate.fromEncoded(app.encodedCertificate(), app.encodedPrivateKey());
      assertThat(back.encodedCertificate()).isEqualTo(app.encodedCertificate());
      assertThat(back.encodedPrivateKey()).isEqualTo(app.encodedPrivateKey());
      assertThat(back.certificate()).isEqualTo(app.certificate());
      assertThat(back.fingerprint()).isEqualTo(app.fingerprint());
    }
  }

  @Test
  void aKeyOfAnotherCertificateIsRefused() {
    assertThatThrownBy(() -> AppCertificate.fromEncoded(APP.encodedCertificate(), DERIVED.encodedPrivateKey()))
        .isExactlyInstanceOf(IllegalArgumentException.class)
        .hasMessage("the private key does not belong to the certificate");
  }

  @Test
  void aKeyOfAnotherTypeIsRefused() throws Exception {
    byte[] ed448 = KeyPairGenerator.getInstance("Ed448").generateKeyPair().getPrivate().getEncoded();
    KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
    ec.initialize(new ECGenParameterSpec("secp256r1"));
    byte[] p256 = ec.generateKeyPair().getPrivate().getEncoded();
    for (byte[] key : List.of(ed448, p256)) {
      assertThatThrownBy(() -> AppCertificate.fromEncoded(APP.encodedCertificate(), key))
          .isExactlyInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("not a PKCS#8-encoded Ed25519 private key");
    }
  }

  @Test
  void aCertificateForAKeyOfAnotherTypeIsRefused() throws Exception {
    KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
    ec.initialize(new ECGenParameterSpec("secp256r1"));
    KeyPair p256 = ec.generateKeyPair();
    KeyPair ed448 = KeyPairGenerator.getInstance("Ed448").generateKeyPair();
    ZonedDateTime now = ZonedDateTime.now(ZoneOffset.UTC);
    for (KeyPair keys : List.of(p256, ed448)) {
      // signed with the application's key: the subject key is what is wrong
      byte[] cert = Ed25519Certificate.write(keys.getPublic(), APP.privateKey(), BigInteger.ONE, now, now.plusDays(1));
      assertThatThrownBy(() -> AppCertificate.fromEncoded(cert, keys.getPrivate().getEncoded()))
          .isExactlyInstanceOf(IllegalArgumentException.class)
          .hasMessage("the certificate's key is " + (keys == p256 ? "EC" : "Ed448") + ", not Ed25519");
    }
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
        .hasMessageStartingWith("not a PKCS#8-encoded Ed25519 private key");
    assertThatThrownBy(() -> AppCertificate.fromEncoded(APP.encodedCertificate(), new byte[0]))
        .isExactlyInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("not a PKCS#8-encoded Ed25519 private key");
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
    badSignature[badSignature.length - 3] ^= 1; // inside the 64-byte signature
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
    KeyPair keys = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    ZonedDateTime notAfter = ZonedDateTime.of(2060, 1, 2, 3, 4, 5, 0, ZoneOffset.UTC);
    byte[] der = Ed25519Certificate.write(keys.getPublic(), keys.getPrivate(), BigInteger.ONE,
        ZonedDateTime.of(2020, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC), notAfter);
    X509Certificate c = (X509Certificate) CertificateFactory.getInstance("X.509")
        .generateCertificate(new ByteArrayInputStream(der));
    assertThat(c.getNotAfter().toInstant()).isEqualTo(notAfter.toInstant());
  }

  @Test
  void derEncodingsMatchX690() {
    assertThat(hex(Der.oid("1.2.840.10045.4.3.2"))).isEqualTo("06082a8648ce3d040302");
    assertThat(hex(Der.oid("2.5.4.3"))).isEqualTo("0603550403");
    assertThat(hex(Der.oid("1.3.101.112"))).isEqualTo("06032b6570");
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
