package io.barrel.p2p.identity;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** The SHA-256 fingerprint of a public key, shown to operators as lowercase hex. */
public record Fingerprint(byte[] sha256) {

  /** Computes the fingerprint of a 32-byte Ed25519 public key. */
  public static Fingerprint of(byte[] publicKey) {
    if (publicKey == null || publicKey.length != Ed25519.KEY_SIZE) {
      throw new IllegalArgumentException("a fingerprint is taken of a 32-byte Ed25519 public key");
    }
    return new Fingerprint(sha256(publicKey));
  }

  /** SHA-256 of arbitrary bytes. */
  public static byte[] sha256(byte[] data) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(data);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  /** Lowercase hex of the full 32-byte digest. */
  public String hex() {
    return HexFormat.of().formatHex(sha256);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Fingerprint f && MessageDigest.isEqual(f.sha256, sha256);
  }

  @Override
  public int hashCode() {
    return java.util.Arrays.hashCode(sha256);
  }

  @Override
  public String toString() {
    return "SHA256:" + hex();
  }
}
