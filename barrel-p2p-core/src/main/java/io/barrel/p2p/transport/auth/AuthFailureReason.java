package io.barrel.p2p.transport.auth;

import java.util.Locale;

/**
 * Why a handshake failed: a stable wire code (carried in FAIL frames), a metric tag, and a hint
 * that tells the operator what to do about it.
 *
 * <p>Wire codes are part of the protocol: never renumber them, only add new ones. A code this
 * version does not know decodes to {@link #REJECTED_BY_PEER} so that a newer peer's refusal still
 * reads as a refusal rather than as a broken frame.
 */
public enum AuthFailureReason {
  /** The peer speaks another version of the handshake protocol. */
  UNSUPPORTED_VERSION(1,
      "the peer runs a barrel-p2p release with another auth protocol version; run releases that speak the same version on both nodes"),
  /** The peer sent bytes that are not a well-formed handshake frame. */
  MALFORMED_FRAME(2,
      "the peer sent bytes that are not a valid handshake frame; check that the address belongs to a barrel-p2p node of a compatible release and that nothing on the path rewrites the stream"),
  /** The peer's node name breaks the naming rules. */
  INVALID_NODE_NAME(3,
      "node names are name@host using only A-Z a-z 0-9 _ . -; fix the peer's configured node name"),
  /** A node reached itself. */
  SELF_CONNECTION(4,
      "a node connected to itself; remove its own address from its discovery or seed list"),
  /** The dialed address answered with another node than the one dialed. */
  WRONG_PEER(5,
      "the address answered with another node than the one dialed; discovery is stale (reused IP or port, old DNS record): refresh it"),
  /** The peer's key differs from the one pinned for its name. */
  KEY_MISMATCH(6,
      "the peer presented a key that differs from the one pinned for its name; if that key was rotated on purpose delete the old pin from the trusted keys, otherwise treat this as an impersonation attempt"),
  /** Strict trust mode and no pin for the peer. */
  UNTRUSTED_KEY(7,
      "trust mode is strict and no key is pinned for this node; pin its public key in the trusted keys or switch the trust mode to TOFU"),
  /** The two nodes' wall clocks are too far apart. */
  TIMESTAMP_SKEW(8,
      "the nodes' wall clocks differ by more than barrel.p2p.auth.timestamp-window; synchronise both with NTP"),
  /** The peer answered a challenge too late. */
  CHALLENGE_EXPIRED(9,
      "the peer took longer than barrel.p2p.auth.timestamp-window to answer the challenge; check the peer's load and the network path for stalls"),
  /** The peer's Ed25519 signature does not verify. */
  SIGNATURE_INVALID(10,
      "the peer's signature does not verify; a TLS-terminating proxy or relay between the nodes causes this (connect the nodes directly), so does a peer that does not hold the private key of the identity it claims"),
  /** The peer does not know the cluster secret. */
  CLUSTER_SECRET_MISMATCH(11,
      "the nodes are configured with different barrel.p2p.auth.cluster-secret values; set the same secret on every node of the cluster"),
  /** The peer broke the handshake's frame order. */
  UNEXPECTED_FRAME(12,
      "the peer broke the handshake sequence; check that both nodes run compatible barrel-p2p releases"),
  /** The peer refused the handshake and said so with a FAIL frame. */
  REJECTED_BY_PEER(13,
      "the peer refused this node; the peer's own reason is attached and its logs say more"),
  /** The handshake did not finish in time. */
  TIMEOUT(14,
      "the handshake did not finish within barrel.p2p.auth.handshake-timeout; check the network path and the peer's load"),
  /** The handshake stream ended before the handshake did. */
  STREAM_CLOSED(15,
      "the peer closed the handshake stream before the handshake finished; the peer's logs say why"),
  /** No TLS certificate hash was available to bind the handshake to. */
  CHANNEL_BINDING_UNAVAILABLE(16,
      "the TLS certificate that binds the handshake to the connection was not available, so the handshake failed closed; check the node's TLS material and report it if it persists"),
  /** A connection to this peer already exists. */
  DUPLICATE_CONNECTION(17,
      "a connection to this node already exists and the new one was closed; harmless when two nodes dial each other at the same moment"),
  /** A bug or an unexpected error in this node. */
  INTERNAL(18,
      "an internal error interrupted the handshake; report it together with the node's logs");

  private static final AuthFailureReason[] BY_CODE = byCode();

  private final int wireCode;
  private final String hint;

  AuthFailureReason(int wireCode, String hint) {
    this.wireCode = wireCode;
    this.hint = hint;
  }

  private static AuthFailureReason[] byCode() {
    AuthFailureReason[] table = new AuthFailureReason[256];
    for (AuthFailureReason reason : values()) {
      table[reason.wireCode] = reason;
    }
    return table;
  }

  /** The code carried in a FAIL frame, 1..255. */
  public int wireCode() {
    return wireCode;
  }

  /** The value used as a metric tag, e.g. {@code key_mismatch}. */
  public String metricTag() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** What an operator should do about it. */
  public String hint() {
    return hint;
  }

  /** True when {@code code} names a reason this version knows. */
  public static boolean isKnownWireCode(int code) {
    return code >= 0 && code < BY_CODE.length && BY_CODE[code] != null;
  }

  /** The reason for a wire code; an unknown code reads as {@link #REJECTED_BY_PEER}. */
  public static AuthFailureReason fromWireCode(int code) {
    return isKnownWireCode(code) ? BY_CODE[code] : REJECTED_BY_PEER;
  }
}
