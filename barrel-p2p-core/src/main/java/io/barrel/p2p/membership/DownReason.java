package io.barrel.p2p.membership;

/** Why a peer left this node's active view; subscribers (the registry, metrics) act differently on each. */
public enum DownReason {
  /** The peer said it is leaving the cluster (DISCONNECT with alive = false). */
  GRACEFUL,
  /** The connection to the peer failed or closed without a goodbye; the peer may be dead. */
  FAILED,
  /** One side dropped the link to make room for another peer; both are alive and still members. */
  EVICTED
}
