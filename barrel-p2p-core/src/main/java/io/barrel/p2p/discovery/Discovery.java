package io.barrel.p2p.discovery;

import io.barrel.p2p.NodeName;
import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.Set;

/**
 * Finds the QUIC address a node listens on, given its name: the SPI that static lists, endpoint
 * files, DNS and custom backends (Consul, a cloud API, ...) implement.
 *
 * <p>Implementations must be thread-safe. {@link #lookup} and {@link #list} may block on the file
 * system or the network, so callers run them off Netty event loops and off the protocol executor.
 * A backend reports "not found" and its own failures as an empty result (and a log line), not as
 * an exception: the chain treats a throwing backend as a bug, logs it and asks the next one.
 */
public interface Discovery {

  /**
   * Returns the address {@code node} can be dialled at, or empty when this backend does not know
   * it. The address is resolved ({@link InetSocketAddress#isUnresolved()} is false): callers hand
   * it straight to the transport. May block; never call it on an event loop.
   */
  Optional<InetSocketAddress> lookup(NodeName node);

  /**
   * Publishes this node's own listening address, for backends that can store one (see {@link
   * #supportsRegister()}). Called once the listener is bound, with the port it actually got.
   */
  default void register(NodeName self, InetSocketAddress address) {}

  /** True when {@link #register} stores something; the chain fans registrations out to these. */
  default boolean supportsRegister() {
    return false;
  }

  /** Withdraws what {@link #register} published; idempotent. Called on graceful leave. */
  default void unregister(NodeName self) {}

  /**
   * True when {@link #lookup} never blocks: it answers from memory, with no DNS query, file or
   * network access. The transport then looks such backends up on the dialing thread itself and
   * skips the hand-off to its I/O executor (about 0.1 ms of every on-demand connect). A backend that
   * may block for some nodes must say false.
   */
  default boolean answersFromMemory() {
    return false;
  }

  /** The nodes this backend can name right now (possibly none); used to seed membership. */
  Set<NodeName> list();

  /** A short, stable name for logs, metrics and the {@code order} setting, e.g. {@code "dns"}. */
  String name();
}
