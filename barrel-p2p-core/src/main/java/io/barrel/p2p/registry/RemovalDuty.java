package io.barrel.p2p.registry;

import io.barrel.p2p.NodeName;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.random.RandomGenerator;

/**
 * Who removes a dead node's entries from the registry, and when. Every node hides a dead node's
 * entries at its own lease expiry; the removal only tidies the replicas (and tells nodes whose lease
 * has not run out yet that the node is gone), so one remover is enough, and a removal from every
 * node would be one broadcast per node per death. The {@value #REMOVERS} nodes that rank first for
 * the dead node (rendezvous hashing over the live nodes whose heartbeats this node hears, itself
 * included while it beats) remove within a quarter of a heartbeat interval; every other node waits
 * two to four intervals and removes only what is still held then, in case those were gone too.
 * Nodes' views of who is live differ a little, so now and then a few more remove; never all.
 */
final class RemovalDuty {

  /** How many nodes remove a dead node's entries at once; the others stand by. */
  static final int REMOVERS = 2;

  private final NodeName self;
  private final Liveness liveness;
  private final Duration heartbeatInterval;
  private final RandomGenerator random;
  /** Dead nodes whose {@link RegistryTimer.RemoveExpired} is scheduled and has not fired yet. */
  private final Set<NodeName> due = new HashSet<>();

  RemovalDuty(NodeName self, Liveness liveness, Duration heartbeatInterval, RandomGenerator random) {
    this.self = self;
    this.liveness = liveness;
    this.heartbeatInterval = heartbeatInterval;
    this.random = random;
  }

  /**
   * Schedules the removal of {@code dead}'s entries {@code graceMillis} plus this node's delay from
   * now, unless one is already scheduled. {@code beating} says whether this node heartbeats now:
   * one that does not is not counted among the live, so it only stands by.
   */
  void schedule(NodeName dead, long graceMillis, long now, boolean beating, RegistryOutbox out) {
    if (due.add(dead)) {
      out.schedule(new RegistryTimer.RemoveExpired(dead), Duration.ofMillis(graceMillis + delay(dead, now, beating)));
    }
  }

  /** The removal of {@code dead} fired: it is no longer due, and may be scheduled again. */
  void fired(NodeName dead) {
    due.remove(dead);
  }

  /** Milliseconds this node waits before removing {@code dead}'s entries. */
  long delay(NodeName dead, long now, boolean beating) {
    int interval = (int) Math.max(4, heartbeatInterval.toMillis());
    return hasDuty(dead, now, beating) ? random.nextInt(interval / 4) : 2L * interval + random.nextInt(2 * interval);
  }

  /** True when this node is one of the {@value #REMOVERS} first in rank for {@code dead} among the live it hears. */
  boolean hasDuty(NodeName dead, long now, boolean beating) {
    if (!beating) {
      return false;
    }
    long mine = rank(dead, self);
    int ahead = 0;
    for (NodeName other : liveness.liveNodes(now)) {
      if (rank(dead, other) < mine) {
        ahead++;
      }
    }
    return ahead < REMOVERS;
  }

  private static long rank(NodeName dead, NodeName candidate) {
    long z = dead.hashCode() * 0x9E3779B97F4A7C15L + candidate.hashCode();
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
