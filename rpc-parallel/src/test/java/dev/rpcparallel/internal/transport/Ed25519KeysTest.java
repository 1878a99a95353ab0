package dev.rpcparallel.internal.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.KeyPair;
import java.security.Signature;
import java.security.interfaces.EdECPrivateKey;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** The Ed25519 key pair of a seed, with the JDK alone, against RFC 8032 §7.1 TEST 1. */
class Ed25519KeysTest {
  private static final HexFormat HEX = HexFormat.of();
  private static final byte[] SEED = HEX.parseHex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");

  @Test
  void rfc8032Test1() throws Exception {
    KeyPair keys = Ed25519Keys.fromSeed(SEED.clone());
    assertThat(((EdECPrivateKey) keys.getPrivate()).getBytes()).contains(SEED);
    // SubjectPublicKeyInfo: AlgorithmIdentifier id-Ed25519 without parameters, then the 32-byte key.
    assertThat(HEX.formatHex(keys.getPublic().getEncoded()))
        .isEqualTo("302a300506032b6570032100" + "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
    Signature signer = Signature.getInstance("Ed25519");
    signer.initSign(keys.getPrivate());
    assertThat(HEX.formatHex(signer.sign())).isEqualTo("e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901"
        + "555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"); // of the empty message
  }

  @Test
  void theSeedIsNotChangedAndOnlyA32ByteSeedIsTaken() throws Exception {
    byte[] seed = SEED.clone();
    Ed25519Keys.fromSeed(seed);
    assertThat(seed).isEqualTo(SEED);
    assertThatThrownBy(() -> Ed25519Keys.fromSeed(Arrays.copyOf(SEED, 31)))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("an Ed25519 seed has 32 bytes, not 31");
  }
}
