package dev.rpcparallel.internal.transport;

import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * An application's TLS identity: an EC P-256 key pair and a self-signed X.509 v3 certificate
 * ({@code CN=rpc-parallel app}). The master generates one at start and hands it to its workers in
 * their bootstrap; every TLS link of the application presents it and trusts only it (see {@link
 * TlsContexts}). Made with the JDK alone: the certificate is written by {@link Der} and signed
 * with {@code SHA256withECDSA}, then parsed back by the JDK's {@code CertificateFactory}.
 *
 * <p>Immutable and thread-safe. {@link #toString()} shows the certificate's fingerprint, never the
 * key.
 */
public final class AppCertificate {
  /** The subject and issuer common name. */
  static final String COMMON_NAME = "rpc-parallel app";

  private static final String SIGNATURE_ALGORITHM = "SHA256withECDSA";
  private static final String ECDSA_WITH_SHA256 = "1.2.840.10045.4.3.2";
  private static final String COMMON_NAME_OID = "2.5.4.3";
  private static final String BASIC_CONSTRAINTS = "2.5.29.19";
  private static final String KEY_USAGE = "2.5.29.15";
  private static final String EXT_KEY_USAGE = "2.5.29.37";
  private static final String SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
  private static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";
  private static final SecureRandom RANDOM = new SecureRandom();

  private final X509Certificate certificate;
  private final PrivateKey privateKey;
  private final byte[] encodedCertificate;

  private AppCertificate(X509Certificate certificate, PrivateKey privateKey, byte[] encodedCertificate) {
    this.certificate = certificate;
    this.privateKey = privateKey;
    this.encodedCertificate = encodedCertificate;
  }

  /**
   * Generates a new key pair and its certificate, valid from a day ago (for clocks behind ours)
   * for ten years. Takes a few milliseconds.
   *
   * @throws IllegalStateException if the JDK lacks EC P-256 or SHA256withECDSA (every JDK 17+
   *     has them)
   */
  public static AppCertificate generate() {
    try {
      KeyPairGenerator kpg = KeyPairGenerator.getInstance("EC");
      kpg.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
      KeyPair keys = kpg.generateKeyPair();
      ZonedDateTime now = ZonedDateTime.now(ZoneOffset.UTC);
      byte[] der = certificate(keys, serial(), now.minusDays(1), now.plusYears(10));
      X509Certificate cert = parse(der);
      cert.verify(keys.getPublic());
      return new AppCertificate(cert, keys.getPrivate(), der);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot generate the application's TLS certificate: " + e, e);
    }
  }

  /**
   * Rebuilds an identity from {@link #encodedCertificate()} and {@link #encodedPrivateKey()}, e.g.
   * as a worker received it.
   *
   * @throws IllegalArgumentException naming what is wrong: not a DER X.509 certificate, not an EC
   *     certificate, not self-signed, not a PKCS#8 EC private key, or a key that is not the
   *     certificate's
   */
  public static AppCertificate fromEncoded(byte[] cert, byte[] pkcs8Key) {
    X509Certificate c;
    try {
      c = parse(cert.clone());
    } catch (CertificateException | RuntimeException e) {
      throw new IllegalArgumentException("not a DER-encoded X.509 certificate: " + e.getMessage(), e);
    }
    if (!Arrays.equals(encoded(c), cert)) {
      throw new IllegalArgumentException("not exactly one DER-encoded X.509 certificate (other bytes around it)");
    }
    if (!(c.getPublicKey() instanceof ECKey)) {
      throw new IllegalArgumentException("the certificate's key is " + c.getPublicKey().getAlgorithm() + ", not EC");
    }
    try {
      c.verify(c.getPublicKey());
    } catch (GeneralSecurityException | RuntimeException e) {
      throw new IllegalArgumentException("the certificate is not self-signed by its own key: " + e.getMessage(), e);
    }
    PrivateKey key;
    try {
      key = KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(pkcs8Key.clone()));
    } catch (GeneralSecurityException | RuntimeException e) {
      throw new IllegalArgumentException("not a PKCS#8-encoded EC private key: " + e.getMessage(), e);
    }
    boolean matches;
    try {
      matches = signs(key, c);
    } catch (GeneralSecurityException | RuntimeException e) {
      throw new IllegalArgumentException("the private key does not belong to the certificate: " + e.getMessage(), e);
    }
    if (!matches) {
      throw new IllegalArgumentException("the private key does not belong to the certificate");
    }
    return new AppCertificate(c, key, cert.clone());
  }

  /** Whether what {@code key} signs verifies with {@code cert}'s public key: the key is the certificate's. */
  private static boolean signs(PrivateKey key, X509Certificate cert) throws GeneralSecurityException {
    byte[] challenge = new byte[32];
    RANDOM.nextBytes(challenge);
    Signature signer = Signature.getInstance(SIGNATURE_ALGORITHM);
    signer.initSign(key);
    signer.update(challenge);
    byte[] signature = signer.sign();
    Signature verifier = Signature.getInstance(SIGNATURE_ALGORITHM);
    verifier.initVerify(cert.getPublicKey());
    verifier.update(challenge);
    return verifier.verify(signature);
  }

  /** The certificate, DER-encoded (a fresh copy). */
  public byte[] encodedCertificate() {
    return encodedCertificate.clone();
  }

  /** The private key, PKCS#8 DER-encoded (a fresh copy): a secret, to be sent only to workers. */
  public byte[] encodedPrivateKey() {
    return privateKey.getEncoded();
  }

  /** The certificate. */
  public X509Certificate certificate() {
    return certificate;
  }

  /** The private key. */
  public PrivateKey privateKey() {
    return privateKey;
  }

  /** The SHA-256 of the encoded certificate, in hex: a name for this identity in messages. */
  public String fingerprint() {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(encodedCertificate));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e); // every JDK has SHA-256
    }
  }

  @Override
  public String toString() {
    return "AppCertificate[SHA-256 " + fingerprint() + "]";
  }

  // ---- writing the certificate (RFC 5280 §4.1) ----

  /** A random positive serial of exactly 16 bytes (RFC 5280 allows up to 20). */
  private static BigInteger serial() {
    byte[] b = new byte[16];
    RANDOM.nextBytes(b);
    b[0] = (byte) ((b[0] & 0x7f) | 0x40); // sign bit clear (positive), next bit set (16 bytes, nonzero)
    return new BigInteger(b);
  }

  /** Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm, signatureValue BIT STRING }. */
  static byte[] certificate(KeyPair keys, BigInteger serial, ZonedDateTime notBefore, ZonedDateTime notAfter)
      throws GeneralSecurityException {
    byte[] tbs = tbsCertificate(keys, serial, notBefore, notAfter);
    Signature signer = Signature.getInstance(SIGNATURE_ALGORITHM);
    signer.initSign(keys.getPrivate(), RANDOM);
    signer.update(tbs);
    // The JDK's ECDSA signature is already the DER Ecdsa-Sig-Value the BIT STRING must hold.
    return Der.sequence(tbs, signatureAlgorithm(), Der.bitString(signer.sign()));
  }

  private static byte[] tbsCertificate(KeyPair keys, BigInteger serial, ZonedDateTime notBefore, ZonedDateTime notAfter) {
    byte[] name = name();
    return Der.sequence(
        Der.explicit(0, Der.integer(BigInteger.TWO)), // version: v3 is encoded as 2
        Der.integer(serial),
        signatureAlgorithm(),
        name, // issuer: self-signed, so the subject
        Der.sequence(Der.time(notBefore), Der.time(notAfter)),
        name, // subject
        keys.getPublic().getEncoded(), // the JDK encodes an EC public key as a SubjectPublicKeyInfo
        Der.explicit(3, extensions()));
  }

  /** AlgorithmIdentifier for ecdsa-with-SHA256: no parameters, not even NULL (RFC 5758 §3.2). */
  private static byte[] signatureAlgorithm() {
    return Der.sequence(Der.oid(ECDSA_WITH_SHA256));
  }

  /** Name ::= SEQUENCE OF RelativeDistinguishedName; here one RDN, CN=rpc-parallel app. */
  private static byte[] name() {
    return Der.sequence(Der.setOf(Der.sequence(Der.oid(COMMON_NAME_OID), Der.utf8String(COMMON_NAME))));
  }

  /**
   * An end-entity certificate for TLS signatures, as both server and client: basicConstraints
   * (critical, not a CA), keyUsage (critical, digitalSignature only) and extKeyUsage (serverAuth,
   * clientAuth). The pinning trust manager does not need them; they keep the certificate honest
   * for any other X.509 checker.
   */
  private static byte[] extensions() {
    byte[] digitalSignature = Der.tlv(Der.BIT_STRING, new byte[] {7, (byte) 0x80}); // bit 0; 7 unused bits
    return Der.sequence(
        extension(BASIC_CONSTRAINTS, true, Der.sequence()), // cA defaults to FALSE: omitted in DER
        extension(KEY_USAGE, true, digitalSignature),
        extension(EXT_KEY_USAGE, false, Der.sequence(Der.oid(SERVER_AUTH), Der.oid(CLIENT_AUTH))));
  }

  /** Extension ::= SEQUENCE { extnID, critical BOOLEAN DEFAULT FALSE, extnValue OCTET STRING }. */
  private static byte[] extension(String oid, boolean critical, byte[] value) {
    return critical
        ? Der.sequence(Der.oid(oid), Der.bool(true), Der.octetString(value))
        : Der.sequence(Der.oid(oid), Der.octetString(value)); // DER omits a DEFAULT value
  }

  private static byte[] encoded(X509Certificate c) {
    try {
      return c.getEncoded();
    } catch (CertificateException e) {
      throw new IllegalArgumentException("the certificate cannot be encoded: " + e.getMessage(), e);
    }
  }

  private static X509Certificate parse(byte[] der) throws CertificateException {
    return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der));
  }
}
