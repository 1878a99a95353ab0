package dev.rpcparallel.internal.transport;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.time.ZonedDateTime;

/**
 * Writes the X.509 v3 certificate of an {@link AppCertificate} (RFC 5280 §4.1) with {@link Der}:
 * subject and issuer {@code CN=rpc-parallel app}, signed with Ed25519 (RFC 8410), the end-entity
 * extensions of a TLS client and server. Ed25519 signatures are deterministic, so the same
 * inputs always give the same bytes. Stateless and thread-safe.
 */
final class Ed25519Certificate {
  /** The subject and issuer common name. */
  static final String COMMON_NAME = "rpc-parallel app";

  /** id-Ed25519 (RFC 8410 §3): names both the key and the signature algorithm, with no parameters. */
  private static final String ID_ED25519 = "1.3.101.112";
  private static final String COMMON_NAME_OID = "2.5.4.3";
  private static final String BASIC_CONSTRAINTS = "2.5.29.19";
  private static final String KEY_USAGE = "2.5.29.15";
  private static final String EXT_KEY_USAGE = "2.5.29.37";
  private static final String SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
  private static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";

  private Ed25519Certificate() {}

  /** A positive serial of exactly 16 bytes (RFC 5280 allows up to 20) from 16 given bytes. */
  static BigInteger positiveSerial(byte[] b) {
    b[0] = (byte) ((b[0] & 0x7f) | 0x40); // sign bit clear (positive), next bit set (16 bytes, nonzero)
    return new BigInteger(b);
  }

  /**
   * Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm, signatureValue BIT STRING },
   * for {@code subjectKey}, signed by the Ed25519 key {@code signer} (for a self-signed
   * certificate, the subject key's private key).
   */
  static byte[] write(PublicKey subjectKey, PrivateKey signer, BigInteger serial, ZonedDateTime notBefore,
      ZonedDateTime notAfter) throws GeneralSecurityException {
    byte[] tbs = tbsCertificate(subjectKey, serial, notBefore, notAfter);
    Signature signature = Signature.getInstance("Ed25519");
    signature.initSign(signer);
    signature.update(tbs);
    // An Ed25519 signature is 64 raw bytes (RFC 8410 §6), the BIT STRING's whole content.
    return Der.sequence(tbs, signatureAlgorithm(), Der.bitString(signature.sign()));
  }

  private static byte[] tbsCertificate(PublicKey subjectKey, BigInteger serial, ZonedDateTime notBefore,
      ZonedDateTime notAfter) {
    byte[] name = name();
    return Der.sequence(
        Der.explicit(0, Der.integer(BigInteger.TWO)), // version: v3 is encoded as 2
        Der.integer(serial),
        signatureAlgorithm(),
        name, // issuer: self-signed, so the subject
        Der.sequence(Der.time(notBefore), Der.time(notAfter)),
        name, // subject
        subjectKey.getEncoded(), // the JDK encodes a public key as a SubjectPublicKeyInfo
        Der.explicit(3, extensions()));
  }

  /** AlgorithmIdentifier for Ed25519: the OID alone, parameters absent (RFC 8410 §3). */
  private static byte[] signatureAlgorithm() {
    return Der.sequence(Der.oid(ID_ED25519));
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

}
