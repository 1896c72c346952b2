package io.barrel.p2p.registry;

import io.barrel.p2p.NodeName;
import java.util.Objects;

/**
 * The timers {@link RegistryReplica} asks its driver for. Like the other cores' timers they are never
 * cancelled: one that no longer matters is recognised and ignored when it fires.
 */
public sealed interface RegistryTimer
    permits RegistryTimer.Periodic, RegistryTimer.RemoveExpired {

  /** The timers that re-arm themselves for as long as the replica runs. */
  enum Periodic implements RegistryTimer {
    /** Broadcast this node's heartbeat, if it has registrations; every {@code heartbeat-interval}. */
    HEARTBEAT,
    /** Look for leases that ran out; every half {@code heartbeat-interval}. */
    EXPIRY_CHECK,
    /** Compare digests with a random neighbour; every {@code anti-entropy-interval}. */
    ANTI_ENTROPY
  }

  /**
   * Remove the entries of {@code node}, whose lease expired a moment ago, unless it revived or
   * another node's removal arrived first.
   *
   * @param node the node whose lease expired
   */
  record RemoveExpired(NodeName node) implements RegistryTimer {
    /** Checks the node is present. */
    public RemoveExpired {
      Objects.requireNonNull(node, "node");
    }
  }
}
