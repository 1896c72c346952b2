package io.barrel.p2p.transport;

import io.barrel.p2p.NodeName;

/** The connection to a peer closed while an operation on it was pending. */
public final class ConnectionLostException extends TransportException {
  private final NodeName peer;
  private final CloseReason reason;

  /** Creates the exception. */
  public ConnectionLostException(NodeName peer, CloseReason reason) {
    super("connection to " + peer + " closed (" + reason.tag() + ")");
    this.peer = peer;
    this.reason = reason;
  }

  /** The peer the connection went to. */
  public NodeName peer() {
    return peer;
  }

  /** Why it closed. */
  public CloseReason reason() {
    return reason;
  }
}
