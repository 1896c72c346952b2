package io.barrel.p2p.transport;

import io.barrel.p2p.NodeName;
import java.net.InetSocketAddress;
import java.util.Optional;

/**
 * Finds the UDP address of a node the transport must dial. The node facade plugs the discovery
 * chain in here, which keeps the transport free of any discovery backend. May block: the transport
 * calls it on its I/O executor, never on an event loop.
 */
@FunctionalInterface
public interface AddressResolver {

  /** The address to dial, or empty when no backend knows the node. */
  Optional<InetSocketAddress> resolve(NodeName node);

  /**
   * The address to dial if it can be found without blocking (backends that answer from memory),
   * otherwise empty, and the transport calls {@link #resolve} on its I/O executor. Must never block:
   * it runs on the dialing thread, which may be an event loop.
   */
  default Optional<InetSocketAddress> resolveFromMemory(NodeName node) {
    return Optional.empty();
  }
}
