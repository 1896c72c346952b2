package io.barrel.p2p.membership;

import io.barrel.p2p.NodeName;
import java.util.Objects;

/**
 * A change of this node's active view, for subscribers and metrics. Every addition is one
 * {@link PeerUp} and every removal one {@link PeerDown}, so replaying the events gives the view.
 */
public sealed interface MembershipEvent permits MembershipEvent.PeerUp, MembershipEvent.PeerDown {

  /** The peer concerned. */
  NodeName peer();

  /**
   * The peer entered the active view.
   *
   * @param peer the new neighbour
   */
  record PeerUp(NodeName peer) implements MembershipEvent {
    /** Checks the peer is present. */
    public PeerUp {
      Objects.requireNonNull(peer, "peer");
    }
  }

  /**
   * The peer left the active view.
   *
   * @param peer the former neighbour
   * @param reason why
   */
  record PeerDown(NodeName peer, DownReason reason) implements MembershipEvent {
    /** Checks the fields. */
    public PeerDown {
      Objects.requireNonNull(peer, "peer");
      Objects.requireNonNull(reason, "reason");
    }
  }
}
