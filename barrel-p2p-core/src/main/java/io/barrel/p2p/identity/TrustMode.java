package io.barrel.p2p.identity;

/** How a node treats keys it has no pin for. A pinned-but-different key is refused in both. */
public enum TrustMode {
  /** Trust on first use: the first key seen under a name is pinned after a successful handshake. */
  TOFU,
  /** Only keys pinned beforehand (by an operator) are accepted. */
  STRICT
}
