package io.barrel.p2p.identity;

import io.barrel.p2p.NodeName;

/**
 * Decides whether a key presented under a node name may be trusted. The handshake asks it once per
 * peer; implementations answer from memory (no I/O) so the handshake core stays pure.
 */
@FunctionalInterface
public interface TrustPolicy {

  /** The verdict for {@code publicKey} presented by a peer calling itself {@code peer}. */
  TrustVerdict check(NodeName peer, byte[] publicKey);
}
