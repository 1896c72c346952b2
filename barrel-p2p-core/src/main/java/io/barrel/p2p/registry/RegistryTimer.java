package io.barrel.p2p.registry;

import io.barrel.p2p.NodeName;
import java.util.Objects;

/**
 * The timers {@link RegistryReplica} asks its driver for. Like the other cores' timers they are never
 * cancelled: one that no longer matters is recognised and ignored when it fires.
 */
public sealed interface RegistryTimer
    permits RegistryTimer.Periodic, RegistryTimer.RemoveExpired, RegistryTimer.AskDeadline {

  /** The timers that re-arm themselves for as long as the replica runs. */
  enum Periodic implements RegistryTimer {
    /** Broadcast this node's heartbeat, if it has registrations; every {@code heartbeat-interval}. */
    HEARTBEAT,
    /** Look for leases that ran out; every half {@code heartbeat-interval}. */
    EXPIRY_CHECK,
    /** Compare digests with a random neighbour; every {@code anti-entropy-interval}. */
    ANTI_ENTROPY,
    /** Drop the overlay's expired routes; every {@code overlay.route-cache-sweep}. */
    ROUTE_SWEEP
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

  /**
   * The wait for a neighbour's answer to question {@code ask} of an overlay search ran out, unless
   * the answer came meanwhile.
   *
   * @param origin the node whose search it is
   * @param search the origin's number for it
   * @param ask which question of this node's part of the search
   */
  record AskDeadline(NodeName origin, long search, long ask) implements RegistryTimer {
    /** Checks the origin is present. */
    public AskDeadline {
      Objects.requireNonNull(origin, "origin");
    }
  }
}
