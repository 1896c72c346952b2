package io.barrel.p2p.transport.auth;

import io.barrel.p2p.NodeName;
import io.barrel.p2p.identity.Fingerprint;
import io.barrel.p2p.identity.NodeIdentity;
import io.barrel.p2p.identity.TrustPolicy;
import io.barrel.p2p.identity.TrustVerdict;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** Deterministic identities, bindings, configs and trust policies for handshake tests. */
final class Fixtures {

  static final String SECRET = "a-test-cluster-secret-0123456789";
  static final long CLIENT_NANOS = 1_000_000_000L;
  /** The server's monotonic clock has another origin, as it would on another machine. */
  static final long SERVER_NANOS = 987_654_321_000_000L;
  static final long WALL = 1_760_000_000_000L;
  static final long SECOND = 1_000_000_000L;

  /** SHA-256 of the server's certificate, as both ends see it without a relay. */
  static final byte[] SERVER_CERT_HASH = sha("server certificate DER");
  /** What a client sees behind a TLS-terminating relay: the relay's certificate. */
  static final byte[] RELAY_CERT_HASH = sha("relay certificate DER");

  private static int nonceCounter;

  private Fixtures() {}

  static NodeName name(String value) {
    return NodeName.of(value);
  }

  /** The same name always gets the same key. */
  static NodeIdentity identity(String value) {
    return new NodeIdentity(NodeName.of(value), sha("seed of " + value));
  }

  /** Another key under the same name: an impostor, or a rotated node. */
  static NodeIdentity impostor(String value) {
    return new NodeIdentity(NodeName.of(value), sha("impostor seed of " + value));
  }

  /** The incarnation an identity's endpoint presents: distinct per name, a life begun before {@link #WALL}. */
  static long lifeOf(NodeName name) {
    return WALL - 1_000_000L + Math.floorMod(name.hashCode(), 100_000);
  }

  static byte[] freshNonce() {
    return sha("nonce " + (++nonceCounter));
  }

  static byte[] sha(String text) {
    return Fingerprint.sha256(text.getBytes(StandardCharsets.UTF_8));
  }

  static AuthConfig config() {
    return new AuthConfig(true, false, SECRET, Duration.ofSeconds(30), Duration.ofSeconds(10), List.of());
  }

  static AuthConfig config(Duration window, Duration timeout) {
    return new AuthConfig(true, false, SECRET, window, timeout, List.of());
  }

  static AuthConfig configWithSecret(String secret) {
    return new AuthConfig(true, false, secret, Duration.ofSeconds(30), Duration.ofSeconds(10), List.of());
  }

  static AuthConfig identityChecksOff() {
    return new AuthConfig(false, true, SECRET, Duration.ofSeconds(30), Duration.ofSeconds(10), List.of());
  }

  static AuthConfig exempting(String... patterns) {
    return new AuthConfig(true, false, SECRET, Duration.ofSeconds(30), Duration.ofSeconds(10),
        Arrays.stream(patterns).map(ExemptNodePattern::parse).toList());
  }

  /** TOFU with an empty store: every key is a first use. */
  static TrustPolicy tofu() {
    return (peer, key) -> TrustVerdict.FIRST_USE;
  }

  /** A store holding {@code pins}; unpinned names are FIRST_USE in TOFU, UNTRUSTED in strict mode. */
  static TrustPolicy pins(boolean strict, Map<NodeName, byte[]> pins) {
    return (peer, key) -> {
      byte[] pinned = pins.get(peer);
      if (pinned == null) {
        return strict ? TrustVerdict.UNTRUSTED : TrustVerdict.FIRST_USE;
      }
      return Arrays.equals(pinned, key) ? TrustVerdict.PINNED : TrustVerdict.KEY_MISMATCH;
    };
  }

  static TrustPolicy pinning(NodeIdentity... pinned) {
    return pins(true, Arrays.stream(pinned).collect(
        java.util.stream.Collectors.toMap(NodeIdentity::name, NodeIdentity::publicKey)));
  }

  /** Strict mode with nothing pinned. */
  static TrustPolicy strictEmpty() {
    return pins(true, Map.of());
  }

  /** A policy that must not be asked. */
  static TrustPolicy neverAsked() {
    return (peer, key) -> {
      throw new AssertionError("the trust policy was consulted for " + peer);
    };
  }
}
