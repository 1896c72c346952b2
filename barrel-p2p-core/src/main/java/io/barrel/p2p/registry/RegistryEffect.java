package io.barrel.p2p.registry;

import io.barrel.p2p.NodeName;
import io.barrel.p2p.crdt.DeltaRejection;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What {@link RegistryReplica} asks its driver to do, in list order. The replica decides; the driver
 * only carries out: broadcasts and sends, timers, events for subscribers, the snapshots that
 * lookups on other threads read, and what to log and count.
 */
public sealed interface RegistryEffect
    permits RegistryEffect.Broadcast, RegistryEffect.Send, RegistryEffect.Schedule, RegistryEffect.Emit,
        RegistryEffect.Visible, RegistryEffect.LeaseDeadline, RegistryEffect.LeaseExpired,
        RegistryEffect.Reasserted, RegistryEffect.Rejected, RegistryEffect.Malformed, RegistryEffect.SearchDone,
        RegistryEffect.Routed {

  /**
   * Broadcast a delta or a heartbeat to every node (topic {@value Registry#TOPIC}). Best effort: a
   * lost one is repaired by anti-entropy, or made moot by the next heartbeat.
   *
   * @param message a {@link RegistryMessage.Delta} or {@link RegistryMessage.Heartbeat}
   */
  record Broadcast(RegistryMessage message) implements RegistryEffect {
    /** Checks the message is present. */
    public Broadcast {
      Objects.requireNonNull(message, "message");
    }
  }

  /**
   * Send a message to one peer on the registry's control channel; best effort.
   *
   * @param peer the receiver
   * @param message what to send
   */
  record Send(NodeName peer, RegistryMessage message) implements RegistryEffect {
    /** Checks the fields. */
    public Send {
      Objects.requireNonNull(peer, "peer");
      Objects.requireNonNull(message, "message");
    }
  }

  /**
   * Call {@code onTimer(timer, now)} once {@code delay} has passed.
   *
   * @param timer the timer
   * @param delay from the {@code now} of the input that produced this effect
   */
  record Schedule(RegistryTimer timer, Duration delay) implements RegistryEffect {
    /** Checks the fields. */
    public Schedule {
      Objects.requireNonNull(timer, "timer");
      Objects.requireNonNull(delay, "delay");
      if (delay.isNegative()) {
        throw new IllegalArgumentException("delay must not be negative, got " + delay);
      }
    }
  }

  /**
   * Hand an event to the subscribers whose filter selects its service.
   *
   * @param event the event
   */
  record Emit(ServiceEvent event) implements RegistryEffect {
    /** Checks the event is present. */
    public Emit {
      Objects.requireNonNull(event, "event");
    }
  }

  /**
   * The instances of {@code service} visible now, in the replica's order (by node, then in the order
   * the node registered them): replace the snapshot lookups read. Empty when none is left.
   *
   * @param service the service name
   * @param instances its visible instances
   */
  record Visible(String service, List<ServiceInstance> instances) implements RegistryEffect {
    /** Checks and copies the fields. */
    public Visible {
      Objects.requireNonNull(service, "service");
      instances = List.copyOf(instances);
    }
  }

  /**
   * The lease of {@code node} now runs until {@code deadlineMillis} (monotonic, inclusive): lookups
   * on other threads hide its instances from then on, before the replica's expiry check runs.
   * {@link Long#MIN_VALUE} means the node is forgotten.
   *
   * @param node the node
   * @param deadlineMillis the last instant its instances count as live
   */
  record LeaseDeadline(NodeName node, long deadlineMillis) implements RegistryEffect {
    /** Checks the node is present. */
    public LeaseDeadline {
      Objects.requireNonNull(node, "node");
    }
  }

  /**
   * The lease of {@code node} ran out here: count it and say so in the log.
   *
   * @param node the node
   */
  record LeaseExpired(NodeName node) implements RegistryEffect {
    /** Checks the node is present. */
    public LeaseExpired {
      Objects.requireNonNull(node, "node");
    }
  }

  /**
   * This node's registration had been removed by the cluster (it was cut off long enough for the
   * others to expire it) and is registered again: say so in the log.
   *
   * @param instance the registration put back
   */
  record Reasserted(ServiceInstance instance) implements RegistryEffect {
    /** Checks the instance is present. */
    public Reasserted {
      Objects.requireNonNull(instance, "instance");
    }
  }

  /**
   * A delta or chunk from {@code from} was refused whole and changed nothing: count and log it.
   *
   * @param from the peer it came from
   * @param reason why
   * @param detail what exactly
   */
  record Rejected(NodeName from, DeltaRejection reason, String detail) implements RegistryEffect {
    /** Checks the fields. */
    public Rejected {
      Objects.requireNonNull(from, "from");
      Objects.requireNonNull(reason, "reason");
      Objects.requireNonNull(detail, "detail");
    }
  }

  /**
   * A message from {@code from} could not be read or did not belong where it arrived. On the control
   * channel (a neighbour's stream) the connection is to be closed and counted as a protocol error; a
   * broadcast is only counted, since its origin is usually not the neighbour that relayed it.
   *
   * @param from the peer (control) or the broadcast's origin
   * @param why what was wrong
   * @param onControl true when it came on the control channel
   */
  record Malformed(NodeName from, String why, boolean onControl) implements RegistryEffect {
    /** Checks the fields. */
    public Malformed {
      Objects.requireNonNull(from, "from");
      Objects.requireNonNull(why, "why");
    }
  }

  /**
   * This node's overlay search ended: complete the {@code whereis} waiting for it.
   *
   * @param search the number {@link RegistryReplica#search} handed out
   * @param instance the live instance found, or empty
   */
  record SearchDone(long search, Optional<ServiceInstance> instance) implements RegistryEffect {
    /** Checks the instance is present (maybe empty). */
    public SearchDone {
      Objects.requireNonNull(instance, "instance");
    }
  }

  /**
   * Count one overlay search: this node's own ({@code barrel.p2p.registry.route.searches}) or one it
   * answered for a neighbour ({@code barrel.p2p.registry.route.requests}).
   *
   * @param own true for this node's own search
   * @param outcome found, not_found, overloaded or timeout
   */
  record Routed(boolean own, String outcome) implements RegistryEffect {
    /** Checks the outcome is present. */
    public Routed {
      Objects.requireNonNull(outcome, "outcome");
    }
  }
}
