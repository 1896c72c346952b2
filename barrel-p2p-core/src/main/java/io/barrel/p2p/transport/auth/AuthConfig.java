package io.barrel.p2p.transport.auth;

import io.barrel.p2p.NodeName;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Settings of the authentication handshake, bound from {@code barrel.p2p.auth.*}. Defaults follow
 * the reference system (30 s timestamp window, 10 s handshake timeout); {@link #validate()} refuses
 * combinations that would leave the cluster open, {@link #warnings()} lists the merely risky ones.
 *
 * @param verifyIdentity check Ed25519 signatures and key pins; false only to run on the cluster
 *     secret alone, which also needs {@code allowUnauthenticated}
 * @param allowUnauthenticated the operator's explicit consent to {@code verifyIdentity = false}
 * @param clusterSecret the secret every node of the cluster shares
 * @param timestampWindow largest wall-clock skew between peers, and longest wait for the answer to
 *     a challenge
 * @param handshakeTimeout the whole handshake must finish within this
 * @param exemptNodes peers admitted without a key pin (they still sign and prove the secret)
 */
public record AuthConfig(
    boolean verifyIdentity,
    boolean allowUnauthenticated,
    String clusterSecret,
    Duration timestampWindow,
    Duration handshakeTimeout,
    List<ExemptNodePattern> exemptNodes) {

  /**
   * The placeholder secret a node runs with until the operator sets one. It is public, so a cluster
   * using it is open to anyone who can reach it and whose key the trust store accepts.
   */
  public static final String DEFAULT_CLUSTER_SECRET = "barrel-p2p-default-cluster-secret-change-me";
  /** Shortest cluster secret accepted, in characters. */
  public static final int MIN_SECRET_LENGTH = 16;

  /** Copies the exempt list; a null list means none. */
  public AuthConfig {
    exemptNodes = exemptNodes == null ? List.of() : List.copyOf(exemptNodes);
  }

  /** Identity verification on, the default secret, 30 s window, 10 s timeout, no exemptions. */
  public static AuthConfig defaults() {
    return new AuthConfig(true, false, DEFAULT_CLUSTER_SECRET, Duration.ofSeconds(30),
        Duration.ofSeconds(10), List.of());
  }

  /** A copy with another cluster secret. */
  public AuthConfig withClusterSecret(String secret) {
    return new AuthConfig(verifyIdentity, allowUnauthenticated, secret, timestampWindow, handshakeTimeout, exemptNodes);
  }

  /** A copy with identity verification switched on or off (off needs {@link #withAllowUnauthenticated}). */
  public AuthConfig withVerifyIdentity(boolean verify) {
    return new AuthConfig(verify, allowUnauthenticated, clusterSecret, timestampWindow, handshakeTimeout, exemptNodes);
  }

  /** A copy with the explicit opt-out that allows running without identity verification. */
  public AuthConfig withAllowUnauthenticated(boolean allow) {
    return new AuthConfig(verifyIdentity, allow, clusterSecret, timestampWindow, handshakeTimeout, exemptNodes);
  }

  /** A copy with other exempt-node patterns. */
  public AuthConfig withExemptNodes(List<ExemptNodePattern> patterns) {
    return new AuthConfig(verifyIdentity, allowUnauthenticated, clusterSecret, timestampWindow, handshakeTimeout, patterns);
  }

  /** A copy with another handshake deadline. */
  public AuthConfig withHandshakeTimeout(Duration timeout) {
    return new AuthConfig(verifyIdentity, allowUnauthenticated, clusterSecret, timestampWindow, timeout, exemptNodes);
  }

  /** True when the cluster secret is still the public placeholder. */
  public boolean usesDefaultSecret() {
    return DEFAULT_CLUSTER_SECRET.equals(clusterSecret);
  }

  /** True when {@code peer} matches one of the exempt patterns. */
  public boolean isExempt(NodeName peer) {
    for (ExemptNodePattern pattern : exemptNodes) {
      if (pattern.matches(peer)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Refuses a configuration that would leave the cluster open or cannot work.
   *
   * @throws UnsafeConfigurationException saying which setting to change
   */
  public void validate() {
    if (!verifyIdentity && !allowUnauthenticated) {
      throw new UnsafeConfigurationException("auth is disabled but barrel.p2p.auth.allow-unauthenticated is"
          + " not set; peers would be admitted on the cluster secret alone, without proving their identity."
          + " Set barrel.p2p.auth.verify-identity=true, or set barrel.p2p.auth.allow-unauthenticated=true to"
          + " accept that risk");
    }
    if (clusterSecret == null || clusterSecret.isBlank()) {
      throw new UnsafeConfigurationException("barrel.p2p.auth.cluster-secret is empty; set it to the same"
          + " random value (at least " + MIN_SECRET_LENGTH + " characters) on every node");
    }
    if (clusterSecret.contains("${")) {
      // A placeholder no one resolved (Spring Boot's binder leaves an unset ${VAR} as it is): every
      // node deployed without the variable would share this text, which is in the docs, as its secret.
      // A real secret of that shape is refused too, on purpose: telling the two apart is guesswork.
      boolean wholePlaceholder = clusterSecret.startsWith("${")
          && clusterSecret.indexOf('}') == clusterSecret.length() - 1;
      throw new UnsafeConfigurationException("barrel.p2p.auth.cluster-secret "
          + (wholePlaceholder ? "is the placeholder " + clusterSecret : "contains \"${\"")
          + ", which was not resolved: the environment variable or property it names is not set on this node."
          + " Set it to the same random value (at least " + MIN_SECRET_LENGTH + " characters) on every node");
    }
    if (!usesDefaultSecret() && clusterSecret.length() < MIN_SECRET_LENGTH) {
      throw new UnsafeConfigurationException("barrel.p2p.auth.cluster-secret is " + clusterSecret.length()
          + " characters long; use at least " + MIN_SECRET_LENGTH + " random characters, the same on every node");
    }
    if (!exemptNodes.isEmpty() && usesDefaultSecret()) {
      throw new UnsafeConfigurationException("barrel.p2p.auth.exempt-nodes " + exemptNodes + " is set while"
          + " barrel.p2p.auth.cluster-secret is the public default; exempt peers are admitted on the secret"
          + " alone, so anyone could claim their names. Set a cluster secret of your own first");
    }
    requirePositive(timestampWindow, "barrel.p2p.auth.timestamp-window");
    requirePositive(handshakeTimeout, "barrel.p2p.auth.handshake-timeout");
  }

  private static void requirePositive(Duration value, String property) {
    if (value == null || value.isNegative() || value.isZero()) {
      throw new UnsafeConfigurationException(property + " must be a positive duration, got " + value);
    }
  }

  /** Loud warnings for settings that are allowed but weaken the cluster; empty when all is well. */
  public List<String> warnings() {
    List<String> warnings = new ArrayList<>();
    if (usesDefaultSecret()) {
      warnings.add("SECURITY WARNING: barrel.p2p.auth.cluster-secret is the public default value; any node"
          + " that can reach this one and whose key the trust store accepts (any key, in TOFU mode) can join"
          + " the cluster. Set barrel.p2p.auth.cluster-secret to the same random value on every node");
    }
    if (!verifyIdentity) {
      warnings.add("SECURITY WARNING: barrel.p2p.auth.verify-identity is false; peers are not asked to prove"
          + " the node name they claim, and only the cluster secret keeps strangers out");
    }
    return List.copyOf(warnings);
  }

  /** Never shows the secret. */
  @Override
  public String toString() {
    return "AuthConfig[verifyIdentity=" + verifyIdentity + ", allowUnauthenticated=" + allowUnauthenticated
        + ", clusterSecret=" + (usesDefaultSecret() ? "<default>" : "<redacted>") + ", timestampWindow="
        + timestampWindow + ", handshakeTimeout=" + handshakeTimeout + ", exemptNodes=" + exemptNodes + "]";
  }
}
