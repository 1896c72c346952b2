package io.barrel.p2p.transport;

import io.barrel.p2p.NodeName;

/**
 * Told when the node gains or loses its connection to a peer (a duplicate being replaced is neither;
 * a connection to a restarted peer's new life replacing the one to its previous life is both: the
 * old life disconnects, then the new one connects).
 * Called on the transport's event loop; return quickly.
 */
public interface ConnectionListener {

  /** An authenticated connection to {@code peer} is established. */
  default void peerConnected(NodeName peer) {}

  /** The connection to {@code peer} closed. */
  default void peerDisconnected(NodeName peer, CloseReason reason) {}
}
