package io.barrel.p2p.identity;

import io.barrel.p2p.NodeName;
import java.util.Arrays;
import java.util.Objects;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;

/**
 * A node's Ed25519 identity: its name, its private seed and the public key derived from it.
 * Immutable; rotation produces a new instance.
 */
public final class NodeIdentity {

  private final NodeName name;
  private final Ed25519PrivateKeyParameters signingKey;
  private final byte[] publicKey;
  private final Fingerprint fingerprint;

  /** Builds an identity, deriving the public key from the private seed. */
  public NodeIdentity(NodeName name, byte[] seed) {
    this.name = Objects.requireNonNull(name, "name");
    this.signingKey = Ed25519.signingKey(seed);
    this.publicKey = signingKey.generatePublicKey().getEncoded();
    this.fingerprint = Fingerprint.of(publicKey);
  }

  /** The node's name. */
  public NodeName name() {
    return name;
  }

  /** A copy of the 32-byte public key. */
  public byte[] publicKey() {
    return publicKey.clone();
  }

  /** SHA-256 of the public key. */
  public Fingerprint fingerprint() {
    return fingerprint;
  }

  /** Signs with the private key. */
  public byte[] sign(byte[] message) {
    return Ed25519.sign(signingKey, message);
  }

  /** True when {@code key} equals this identity's public key. */
  public boolean hasPublicKey(byte[] key) {
    return Arrays.equals(publicKey, key);
  }

  @Override
  public String toString() {
    return name + " (" + fingerprint + ")";
  }
}
