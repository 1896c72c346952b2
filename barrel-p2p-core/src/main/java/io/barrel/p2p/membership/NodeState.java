package io.barrel.p2p.membership;

import io.barrel.p2p.NodeName;
import java.util.List;
import java.util.random.RandomGenerator;

/** Everything one HyParView node knows, shared by the handlers of its protocol parts. */
final class NodeState {

  /** Where the node is in its life. */
  enum Phase {
    /** Built, {@code join} not called yet: refuses every link. */
    NEW,
    /** Joined (or joining): takes part in the overlay. */
    MEMBER,
    /** Called {@code leave}: refuses every link for good. */
    LEFT
  }

  final NodeName self;
  /**
   * {@code self}'s hash, kept here: every input first asks whether a name is this node's own, and
   * comparing hashes in this object (read anyway) spares reading the name object for every other.
   */
  final int selfHash;
  final MembershipConfig config;
  final RandomGenerator random;
  final Backoff backoff;
  final ActiveView active;
  final PassiveView passive;
  final LostPeers lost;
  final LinkAttempts attempts = new LinkAttempts();
  final AwaitedReplies replies = new AwaitedReplies();
  final Contacts contacts = new Contacts();
  final ChurnWindow churn;
  Phase phase = Phase.NEW;
  /** The names sent in this node's last shuffle: the first to make room for the names it gets back. */
  List<NodeName> lastShuffleSample = List.of();
  /** Repair ticks fall on this time plus whole periods (contact-retry): the first join's time. */
  long repairOrigin;
  /** When the repair tick asked of the driver is due; {@link #NO_TICK} while none is armed. */
  long repairArmedFor = NO_TICK;
  /** When the last armed repair tick fired; {@link #NO_TICK} before the first. */
  long repairLastTick = NO_TICK;

  /** When the attempts' backstop timer asked of the driver is due; {@link #NO_TICK} while none is armed. */
  long deadlineArmedFor = NO_TICK;

  /** No repair tick (armed, or fired yet). */
  static final long NO_TICK = Long.MIN_VALUE;

  NodeState(NodeName self, MembershipConfig config, RandomGenerator random) {
    this.self = self;
    this.selfHash = self.hashCode();
    this.config = config;
    this.random = random;
    this.backoff = Backoff.of(config);
    this.active = new ActiveView(config.activeSize());
    this.passive = new PassiveView(config.passiveSize());
    this.lost = new LostPeers(config.passiveSize());
    this.churn = new ChurnWindow(config.churnWindow());
  }

  Outbox outbox() {
    return new Outbox(replies);
  }

  boolean isMember() {
    return phase == Phase.MEMBER;
  }

  /** True when {@code peer} is this node. */
  boolean isSelf(NodeName peer) {
    return peer.hashCode() == selfHash && peer.equals(self);
  }

  /** Neither linked nor being linked: a peer a new attempt may target. */
  boolean isFree(NodeName peer) {
    return isFree(peer, peer.hashCode());
  }

  /** {@link #isFree(NodeName)} for a peer whose hash is at hand (a table's), which spares reading the name. */
  boolean isFree(NodeName peer, int hash) {
    return !(hash == selfHash && peer.equals(self)) && !active.contains(peer, hash)
        && !attempts.contains(peer, hash);
  }
}
