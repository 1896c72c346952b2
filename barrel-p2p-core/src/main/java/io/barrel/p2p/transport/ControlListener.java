package io.barrel.p2p.transport;

import io.barrel.p2p.NodeName;

/**
 * Receives control frames of one channel. Called on the transport's event loop: implementations
 * hand the payload to their own executor and return at once.
 */
@FunctionalInterface
public interface ControlListener {

  /** A frame on this listener's channel arrived from an authenticated peer. */
  void onControl(NodeName from, byte[] payload);
}
