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
}
