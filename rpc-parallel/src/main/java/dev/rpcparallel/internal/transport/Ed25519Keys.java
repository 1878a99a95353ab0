package dev.rpcparallel.internal.transport;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.SecureRandomSpi;
import java.security.interfaces.EdECPrivateKey;
import java.security.spec.EdECPrivateKeySpec;
import java.security.spec.NamedParameterSpec;
import java.util.Arrays;

/**
 * An Ed25519 key pair from its 32-byte seed, with the JDK alone. RFC 8032 §5.1.5: the private key
 * IS the seed, and the public key is a function of it. The JDK's {@code KeyFactory} makes the
 * private key from the seed but has no way to compute the public one; its {@code
 * KeyPairGenerator} draws the seed as the 32 bytes of one {@code nextBytes} call of the {@link
 * SecureRandom} it is given, so a generator given {@link SeedRandom} makes the pair of that seed.
 * Because that relies on how the generator uses its random source, {@link #fromSeed} checks the
 * result. Stateless and thread-safe.
 */
final class Ed25519Keys {
  /** The length of an Ed25519 seed, i.e. private key (RFC 8032 §5.1.5). */
  static final int SEED_LENGTH = 32;

  private Ed25519Keys() {}

  /**
   * The Ed25519 key pair whose private key is {@code seed}.
   *
   * @throws IllegalArgumentException if {@code seed} is not 32 bytes
   * @throws IllegalStateException if the JDK's generator did not take {@code seed} as the private
   *     key (then the public key cannot be trusted to be the seed's)
   * @throws GeneralSecurityException if the JDK lacks Ed25519
   */
  static KeyPair fromSeed(byte[] seed) throws GeneralSecurityException {
    if (seed.length != SEED_LENGTH) {
      throw new IllegalArgumentException("an Ed25519 seed has " + SEED_LENGTH + " bytes, not " + seed.length);
    }
    PrivateKey privateKey = KeyFactory.getInstance("Ed25519")
        .generatePrivate(new EdECPrivateKeySpec(NamedParameterSpec.ED25519, seed));
    KeyPairGenerator kpg = KeyPairGenerator.getInstance("Ed25519");
    kpg.initialize(NamedParameterSpec.ED25519, new SeedRandom(seed));
    KeyPair generated = kpg.generateKeyPair();
    byte[] generatedSeed = ((EdECPrivateKey) generated.getPrivate()).getBytes()
        .orElseThrow(() -> new IllegalStateException("the JDK's Ed25519 private key does not show its bytes"));
    boolean same = Arrays.equals(generatedSeed, seed);
    Arrays.fill(generatedSeed, (byte) 0);
    if (!same) {
      throw new IllegalStateException("the JDK's Ed25519 KeyPairGenerator (" + kpg.getProvider()
          + ") did not take the given seed as the private key: cannot derive the public key");
    }
    PublicKey publicKey = generated.getPublic();
    return new KeyPair(publicKey, privateKey);
  }

  /**
   * A "random" source that gives {@code seed} as the 32 bytes of its first {@link #nextBytes}
   * call, and refuses any other use: so a key pair generator can take nothing else.
   */
  private static final class SeedRandom extends SecureRandom {
    private static final long serialVersionUID = 1L;
    private final byte[] seed;
    private boolean used;

    SeedRandom(byte[] seed) {
      super(new Refusing(), null); // no real PRNG is made; every use but nextBytes is refused
      this.seed = seed.clone();
    }

    @Override
    public synchronized void nextBytes(byte[] bytes) {
      if (used || bytes.length != seed.length) {
        throw new IllegalStateException("the Ed25519 key pair generator asked for " + bytes.length + " random bytes"
            + (used ? " again" : "") + "; it should take the " + seed.length + "-byte seed, once");
      }
      used = true;
      System.arraycopy(seed, 0, bytes, 0, seed.length);
      Arrays.fill(seed, (byte) 0);
    }
  }

  /** The engine under {@link SeedRandom}: any call reaching it is a use other than the seed's. */
  private static final class Refusing extends SecureRandomSpi {
    private static final long serialVersionUID = 1L;

    @Override
    protected void engineSetSeed(byte[] seed) {
      throw new IllegalStateException("the Ed25519 key pair generator reseeded its random source");
    }

    @Override
    protected void engineNextBytes(byte[] bytes) {
      throw new IllegalStateException("the Ed25519 key pair generator read its random source unexpectedly");
    }

    @Override
    protected byte[] engineGenerateSeed(int numBytes) {
      throw new IllegalStateException("the Ed25519 key pair generator asked its random source for a seed");
    }
  }
}
