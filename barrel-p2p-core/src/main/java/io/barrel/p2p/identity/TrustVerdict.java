package io.barrel.p2p.identity;

/** What the trust store says about a key a peer presented under a name. */
public enum TrustVerdict {
  /** The key equals the pin on file. */
  PINNED(true),
  /** No pin on file and the store is in TOFU mode: accept, pin after the handshake succeeds. */
  FIRST_USE(true),
  /** The peer is exempt from pinning by configuration; its cluster-secret proof is what admits it. */
  EXEMPT(true),
  /** A different key is pinned under this name: refused in every mode. */
  KEY_MISMATCH(false),
  /** No pin on file and the store is in strict mode. */
  UNTRUSTED(false);

  private final boolean accepted;

  TrustVerdict(boolean accepted) {
    this.accepted = accepted;
  }

  /** True when a handshake may go on with this key. */
  public boolean accepted() {
    return accepted;
  }
}
