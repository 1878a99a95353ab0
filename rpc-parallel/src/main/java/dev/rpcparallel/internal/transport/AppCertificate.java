package dev.rpcparallel.internal.transport;

import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.EdECKey;
import java.security.spec.NamedParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * An application's TLS identity: an Ed25519 key pair (RFC 8032) and a self-signed X.509 v3
 * certificate ({@code CN=rpc-parallel app}). Every TLS link of the application presents it and
 * trusts only its key (see {@link TlsContexts}). {@link #derive} makes it from the application's
 * secret, so every program holding the secret makes the same identity, byte for byte; {@link
 * #generate} makes a random one. Made with the JDK alone: the certificate is written by {@link
 * Ed25519Certificate} (signatures are deterministic), then parsed back by the JDK's {@code
 * CertificateFactory}.
 *
 * <p>Immutable and thread-safe. {@link #toString()} shows the certificate's fingerprint, never the
 * key.
 */
public final class AppCertificate {
  /** The shortest secret {@link #derive} accepts, in bytes. */
  public static final int MIN_SECRET_LENGTH = 16;

  private static final String ED25519 = "Ed25519";
  private static final byte[] HKDF_SALT = ascii("rpc-parallel");
  private static final byte[] KEY_INFO = ascii("tls identity v1");
  private static final byte[] SERIAL_INFO = ascii("tls serial v1");
  /** The validity of a derived certificate: fixed, so that it is the same everywhere. */
  private static final ZonedDateTime DERIVED_NOT_BEFORE = ZonedDateTime.of(2020, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC);
  /** 99991231235959Z: "no well-defined expiration date" (RFC 5280 §4.1.2.5). */
  private static final ZonedDateTime DERIVED_NOT_AFTER = ZonedDateTime.of(9999, 12, 31, 23, 59, 59, 0, ZoneOffset.UTC);
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
   * The identity of the application whose secret is {@code secret}: a pure function of it. The
   * Ed25519 private key is the 32-byte seed HKDF-SHA256(ikm = secret, salt = "rpc-parallel", info
   * = "tls identity v1"); the certificate's serial is 16 bytes of HKDF with info "tls serial v1"
   * (made positive); it is valid from 2020-01-01T00:00:00Z to 9999-12-31T23:59:59Z. Ed25519
   * signatures are deterministic, so two programs with the same secret make byte-identical
   * certificates and keys, and trust each other. Takes a few milliseconds once the JDK's
   * classes are loaded.
   *
   * @throws IllegalArgumentException if {@code secret} is shorter than {@link
   *     #MIN_SECRET_LENGTH} bytes
   * @throws IllegalStateException if the JDK lacks Ed25519 (every JDK 15+ has it), or its key
   *     pair generator does not take the seed as the private key
   */
  public static AppCertificate derive(byte[] secret) {
    if (secret.length < MIN_SECRET_LENGTH) {
      throw new IllegalArgumentException(
          "the application secret must have at least " + MIN_SECRET_LENGTH + " bytes, not " + secret.length);
    }
    byte[] prk = Hkdf.extract(HKDF_SALT, secret);
    byte[] seed = Hkdf.expand(prk, KEY_INFO, Ed25519Keys.SEED_LENGTH);
    try {
      KeyPair keys = Ed25519Keys.fromSeed(seed);
      BigInteger serial = Ed25519Certificate.positiveSerial(Hkdf.expand(prk, SERIAL_INFO, 16));
      return make(keys, serial, DERIVED_NOT_BEFORE, DERIVED_NOT_AFTER);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot derive the application's TLS certificate: " + e, e);
    } finally {
      Arrays.fill(seed, (byte) 0);
      Arrays.fill(prk, (byte) 0);
    }
  }

  /**
   * Generates a random Ed25519 key pair and its certificate, with a random serial, valid from a
   * day ago (for clocks behind ours) for ten years.
   *
   * @throws IllegalStateException if the JDK lacks Ed25519 (every JDK 15+ has it)
   */
  public static AppCertificate generate() {
    try {
      KeyPairGenerator kpg = KeyPairGenerator.getInstance(ED25519);
      kpg.initialize(NamedParameterSpec.ED25519, RANDOM);
      byte[] serial = new byte[16];
      RANDOM.nextBytes(serial);
      ZonedDateTime now = ZonedDateTime.now(ZoneOffset.UTC);
      KeyPair keys = kpg.generateKeyPair();
      return make(keys, Ed25519Certificate.positiveSerial(serial), now.minusDays(1), now.plusYears(10));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot generate the application's TLS certificate: " + e, e);
    }
  }

  private static AppCertificate make(KeyPair keys, BigInteger serial, ZonedDateTime notBefore, ZonedDateTime notAfter)
      throws GeneralSecurityException {
    byte[] der = Ed25519Certificate.write(keys.getPublic(), keys.getPrivate(), serial, notBefore, notAfter);
    X509Certificate cert = parse(der);
    cert.verify(keys.getPublic()); // also proves the private key is the public key's
    return new AppCertificate(cert, keys.getPrivate(), der);
  }

  /**
   * Rebuilds an identity from {@link #encodedCertificate()} and {@link #encodedPrivateKey()}, e.g.
   * as a worker received it.
   *
   * @throws IllegalArgumentException naming what is wrong: not a DER X.509 certificate, not an
   *     Ed25519 certificate, not self-signed, not a PKCS#8 Ed25519 private key, or a key that is
   *     not the certificate's
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
    String keyType = keyType(c.getPublicKey());
    if (!keyType.equals(ED25519)) {
      throw new IllegalArgumentException("the certificate's key is " + keyType + ", not " + ED25519);
    }
    try {
      c.verify(c.getPublicKey());
    } catch (GeneralSecurityException | RuntimeException e) {
      throw new IllegalArgumentException("the certificate is not self-signed by its own key: " + e.getMessage(), e);
    }
    PrivateKey key;
    try {
      key = KeyFactory.getInstance(ED25519).generatePrivate(new PKCS8EncodedKeySpec(pkcs8Key.clone()));
    } catch (GeneralSecurityException | RuntimeException e) {
      throw new IllegalArgumentException("not a PKCS#8-encoded Ed25519 private key: " + e.getMessage(), e);
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

  /** "Ed25519" or "Ed448" for an EdDSA key (JDK 17 calls both "EdDSA"), else its algorithm, e.g. "EC". */
  private static String keyType(PublicKey key) {
    return key instanceof EdECKey ed ? ed.getParams().getName() : key.getAlgorithm();
  }

  /** Whether what {@code key} signs verifies with {@code cert}'s public key: the key is the certificate's. */
  private static boolean signs(PrivateKey key, X509Certificate cert) throws GeneralSecurityException {
    byte[] challenge = new byte[32];
    RANDOM.nextBytes(challenge);
    Signature signer = Signature.getInstance(ED25519);
    signer.initSign(key);
    signer.update(challenge);
    byte[] signature = signer.sign();
    Signature verifier = Signature.getInstance(ED25519);
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

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
