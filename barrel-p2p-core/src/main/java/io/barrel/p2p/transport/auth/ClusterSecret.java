package io.barrel.p2p.transport.auth;

import io.barrel.p2p.identity.Fingerprint;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.generators.SCrypt;

/**
 * The secret every node of a cluster shares, reduced to a MAC key. A node proves it knows the
 * secret by MACing the same transcript it signs; the secret itself never travels.
 *
 * <pre>
 *   key   = scrypt(secret as UTF-8, salt = "barrel-p2p/cluster-secret/2", N = 2^14, r = 8, p = 1, 32 bytes)
 *   proof = HMAC-SHA256(key, transcript)
 * </pre>
 *
 * <p>Why a slow, memory-hard derivation: the server proves itself in its first answer, before the
 * client has proven anything, so anyone who can reach a node (and whose key the trust store
 * accepts: any key in TOFU mode) can collect one proof over a transcript it knows, and try
 * guesses at the secret offline. With scrypt each guess costs about 100 ms of CPU time and 16 MiB
 * instead of a few nanoseconds, which keeps a human-chosen secret out of reach of such a search.
 * A long random secret does not need it, but the node cannot tell which kind it was given.
 *
 * <p>The derivation runs once per secret per process ({@link #of(String)}): at about 0.1 s warm
 * (up to 1 s in a cold JVM) it belongs at start-up, never on the handshake path.
 */
public final class ClusterSecret {

  private static final byte[] SALT = "barrel-p2p/cluster-secret/2".getBytes(StandardCharsets.US_ASCII);
  private static final int COST = 1 << 14;
  private static final int BLOCK_SIZE = 8;
  private static final int PARALLELISM = 1;
  private static final int KEY_BYTES = 32;
  private static final String HMAC = "HmacSHA256";
  /** Few clusters per process; the key stays as long as a node with the secret may need it. */
  private static final int REMEMBERED = 4;

  /**
   * Keys already derived in this process, by a fast hash of the secret (so the map never holds the
   * secret itself). A process typically knows one secret; tests and tools starting many nodes of
   * the same cluster pay for the derivation once.
   */
  private static final Map<String, ClusterSecret> DERIVED = new LinkedHashMap<>(8, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, ClusterSecret> eldest) {
      return size() > REMEMBERED;
    }
  };

  private final SecretKeySpec key;
  private final ThreadLocal<Mac> macs;

  private ClusterSecret(byte[] derived) {
    this.key = new SecretKeySpec(derived, HMAC);
    // Mac.getInstance looks the provider up each time; a handshake computes two or three proofs.
    this.macs = ThreadLocal.withInitial(() -> {
      try {
        Mac mac = Mac.getInstance(HMAC);
        mac.init(key);
        return mac;
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("HmacSHA256 is missing from this JVM", e);
      }
    });
  }

  /** The MAC key of {@code secret}, derived now or taken from this process's earlier derivation. */
  public static ClusterSecret of(String secret) {
    Objects.requireNonNull(secret, "cluster secret");
    byte[] utf8 = secret.getBytes(StandardCharsets.UTF_8);
    String id = HexFormat.of().formatHex(Fingerprint.sha256(concat(SALT, utf8)));
    synchronized (DERIVED) {
      ClusterSecret known = DERIVED.get(id);
      if (known != null) {
        return known;
      }
    }
    // Derived outside the lock: two threads may both derive the same key once, which is harmless.
    ClusterSecret derived = new ClusterSecret(SCrypt.generate(utf8, SALT, COST, BLOCK_SIZE, PARALLELISM, KEY_BYTES));
    synchronized (DERIVED) {
      DERIVED.putIfAbsent(id, derived);
      return DERIVED.get(id);
    }
  }

  /** The 32-byte proof over {@code transcript}. */
  public byte[] prove(byte[] transcript) {
    Mac mac = macs.get();
    mac.reset();
    return mac.doFinal(transcript);
  }

  /** True when {@code proof} is the proof over {@code transcript}, compared in constant time. */
  public boolean verifies(byte[] transcript, byte[] proof) {
    return proof != null && MessageDigest.isEqual(prove(transcript), proof);
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = new byte[a.length + b.length];
    System.arraycopy(a, 0, out, 0, a.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  @Override
  public String toString() {
    return "ClusterSecret[redacted]";
  }
}
