package io.barrel.p2p.identity;

import io.barrel.p2p.NodeName;
import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;

/**
 * The public key a node name is bound to in the trust store.
 *
 * @param node the pinned node
 * @param publicKey the 32-byte Ed25519 key (copied in and out)
 * @param fingerprint SHA-256 of the key, for display
 * @param addedAt when the pin was made; for pins read from disk, the file's modification time
 * @param lastSeen when a handshake with this key last succeeded in this process, or null when none has
 * @param level whether an operator or a first handshake made the pin
 */
public record TrustPin(
    NodeName node, byte[] publicKey, Fingerprint fingerprint, Instant addedAt, Instant lastSeen, PinLevel level) {

  /** Validates and copies the key. */
  public TrustPin {
    Objects.requireNonNull(node, "node");
    Objects.requireNonNull(addedAt, "addedAt");
    Objects.requireNonNull(level, "level");
    if (publicKey == null || publicKey.length != Ed25519.KEY_SIZE) {
      throw new IllegalArgumentException("a pin holds a " + Ed25519.KEY_SIZE + "-byte Ed25519 public key");
    }
    publicKey = publicKey.clone();
    if (!Fingerprint.of(publicKey).equals(fingerprint)) {
      throw new IllegalArgumentException("the fingerprint of a pin must be the SHA-256 of its key");
    }
  }

  /** A new pin, its fingerprint computed from the key. */
  public static TrustPin of(NodeName node, byte[] publicKey, Instant addedAt, PinLevel level) {
    return new TrustPin(node, publicKey, Fingerprint.of(publicKey), addedAt, null, level);
  }

  /** A copy of the pinned key. */
  @Override
  public byte[] publicKey() {
    return publicKey.clone();
  }

  /** True when {@code key} is the pinned key. */
  public boolean matches(byte[] key) {
    return Arrays.equals(publicKey, key);
  }

  /** This pin, last seen at {@code when}. */
  public TrustPin seenAt(Instant when) {
    return new TrustPin(node, publicKey, fingerprint, addedAt, when, level);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TrustPin p && p.node.equals(node) && Arrays.equals(p.publicKey, publicKey)
        && p.addedAt.equals(addedAt) && Objects.equals(p.lastSeen, lastSeen) && p.level == level;
  }

  @Override
  public int hashCode() {
    return Objects.hash(node, Arrays.hashCode(publicKey), addedAt, lastSeen, level);
  }

  @Override
  public String toString() {
    return "TrustPin[" + node + " " + fingerprint + " " + level + " added " + addedAt
        + (lastSeen == null ? "" : ", last seen " + lastSeen) + "]";
  }
}
