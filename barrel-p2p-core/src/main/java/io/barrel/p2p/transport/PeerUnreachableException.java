package io.barrel.p2p.transport;

import io.barrel.p2p.NodeName;

/** No connection to a peer could be made: no address in discovery, or the dial failed or timed out. */
public final class PeerUnreachableException extends TransportException {
  private final NodeName peer;

  /** Creates the exception for {@code peer}. */
  public PeerUnreachableException(NodeName peer, String message, Throwable cause) {
    super(message, cause);
    this.peer = peer;
  }

  /** The peer that could not be reached. */
  public NodeName peer() {
    return peer;
  }
}
