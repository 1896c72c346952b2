package io.barrel.p2p.transport.auth;

import io.barrel.p2p.identity.Fingerprint;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The secret every node of a cluster shares, reduced to a MAC key. A node proves it knows the
 * secret by MACing the same transcript it signs; the secret itself never travels.
 *
 * <pre>
 *   key   = SHA-256("barrel-p2p/cluster-secret/1" ‖ secret as UTF-8)
 *   proof = HMAC-SHA256(key, transcript)
 * </pre>
 *
 * Hashing the secret first gives a fixed-size key whatever the secret's length, and the prefix
 * keeps that key from equalling a plain hash of the same string used anywhere else.
 */
public final class ClusterSecret {

  private static final byte[] CONTEXT = "barrel-p2p/cluster-secret/1".getBytes(StandardCharsets.US_ASCII);
  private static final String HMAC = "HmacSHA256";

  private final SecretKeySpec key;

  /** Derives the MAC key from the configured secret. */
  public ClusterSecret(String secret) {
    Objects.requireNonNull(secret, "cluster secret");
    byte[] utf8 = secret.getBytes(StandardCharsets.UTF_8);
    byte[] material = new byte[CONTEXT.length + utf8.length];
    System.arraycopy(CONTEXT, 0, material, 0, CONTEXT.length);
    System.arraycopy(utf8, 0, material, CONTEXT.length, utf8.length);
    this.key = new SecretKeySpec(Fingerprint.sha256(material), HMAC);
  }

  /** The 32-byte proof over {@code transcript}. */
  public byte[] prove(byte[] transcript) {
    try {
      Mac mac = Mac.getInstance(HMAC);
      mac.init(key);
      return mac.doFinal(transcript);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is missing from this JVM", e);
    }
  }

  /** True when {@code proof} is the proof over {@code transcript}, compared in constant time. */
  public boolean verifies(byte[] transcript, byte[] proof) {
    return proof != null && MessageDigest.isEqual(prove(transcript), proof);
  }

  @Override
  public String toString() {
    return "ClusterSecret[redacted]";
  }
}
