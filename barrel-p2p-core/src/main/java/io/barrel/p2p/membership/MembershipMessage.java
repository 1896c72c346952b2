package io.barrel.p2p.membership;

import io.barrel.p2p.NodeName;
import java.util.List;
import java.util.Objects;

/**
 * The HyParView messages two nodes exchange. None carries its sender: the sender is the peer whose
 * authenticated connection delivered the message, which the driver passes next to it, so a peer
 * cannot speak in another node's name. Only the nodes a message is <em>about</em> travel in it (the
 * new node of a FORWARD_JOIN, the origin and sample of a SHUFFLE).
 */
public sealed interface MembershipMessage
    permits MembershipMessage.Join, MembershipMessage.ForwardJoin, MembershipMessage.Neighbor,
        MembershipMessage.NeighborReply, MembershipMessage.Disconnect, MembershipMessage.Shuffle,
        MembershipMessage.ShuffleReply {

  /** Largest time-to-live a walk can carry (it travels as one unsigned byte). */
  int MAX_TTL = 255;
  /** Largest number of node names in one SHUFFLE or SHUFFLE_REPLY. */
  int MAX_IDS = 64;

  /** A new node asks its contact to take it into the overlay; answered with a {@link NeighborReply}. */
  record Join() implements MembershipMessage {}

  /**
   * The random walk that spreads a JOIN: the node where it ends links to {@code newNode}, the node
   * where {@code ttl} equals the passive walk length keeps {@code newNode} in its passive view.
   *
   * @param newNode the node that joined
   * @param ttl hops left, 0..{@value #MAX_TTL}
   */
  record ForwardJoin(NodeName newNode, int ttl) implements MembershipMessage {
    /** Checks the fields. */
    public ForwardJoin {
      Objects.requireNonNull(newNode, "newNode");
      checkTtl(ttl);
    }
  }

  /**
   * Asks the receiver to link with the sender; answered with a {@link NeighborReply}.
   *
   * @param priority HIGH must be accepted (evicting if needed), LOW only when there is room
   */
  record Neighbor(NeighborPriority priority) implements MembershipMessage {
    /** Checks the priority is present. */
    public Neighbor {
      Objects.requireNonNull(priority, "priority");
    }
  }

  /**
   * The answer to a JOIN or NEIGHBOR. {@code accepted} means the replier has already put the asker
   * in its active view; the asker either does the same or undoes it with a {@link Disconnect}.
   *
   * @param accepted whether the link now exists on the replier's side
   */
  record NeighborReply(boolean accepted) implements MembershipMessage {}

  /**
   * The sender has dropped the receiver from its active view; the receiver drops the sender too.
   *
   * @param alive true when the sender stays in the cluster (it made room for another peer), so the
   *     receiver keeps it as a passive peer; false when the sender is leaving for good
   */
  record Disconnect(boolean alive) implements MembershipMessage {}

  /**
   * A walk that carries a sample of the origin's views; the node where it ends answers the origin
   * directly with a {@link ShuffleReply}.
   *
   * @param origin the node that started the shuffle and waits for the reply
   * @param ttl hops left, 0..{@value #MAX_TTL}
   * @param ids the origin itself, some active and some passive peers; at most {@value #MAX_IDS}
   */
  record Shuffle(NodeName origin, int ttl, List<NodeName> ids) implements MembershipMessage {
    /** Checks and copies the fields. */
    public Shuffle {
      Objects.requireNonNull(origin, "origin");
      checkTtl(ttl);
      ids = checkIds(ids);
    }
  }

  /**
   * The answer to a shuffle: a sample of the replier's passive view.
   *
   * @param ids at most {@value #MAX_IDS} node names
   */
  record ShuffleReply(List<NodeName> ids) implements MembershipMessage {
    /** Checks and copies the sample. */
    public ShuffleReply {
      ids = checkIds(ids);
    }
  }

  private static void checkTtl(int ttl) {
    if (ttl < 0 || ttl > MAX_TTL) {
      throw new IllegalArgumentException("ttl must be 0.." + MAX_TTL + ", got " + ttl);
    }
  }

  private static List<NodeName> checkIds(List<NodeName> ids) {
    List<NodeName> copy = List.copyOf(Objects.requireNonNull(ids, "ids"));
    if (copy.size() > MAX_IDS) {
      throw new IllegalArgumentException("at most " + MAX_IDS + " node names fit in one message, got " + copy.size());
    }
    return copy;
  }
}
