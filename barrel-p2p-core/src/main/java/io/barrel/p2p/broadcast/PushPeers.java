package io.barrel.p2p.broadcast;

import io.barrel.p2p.NodeName;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * A node's neighbours split into eager peers (sent every GOSSIP: the spanning tree's links) and
 * lazy peers (sent only IHAVE announcements). Every neighbour is in exactly one of the two sets.
 * Insertion-ordered, so iteration, and with it every effect list, is the same on every run.
 */
final class PushPeers {

  private final Set<NodeName> eager = new LinkedHashSet<>();
  private final Set<NodeName> lazy = new LinkedHashSet<>();

  /** A new link starts eager, as in the paper: the first broadcasts prune it if it is redundant. */
  void up(NodeName peer) {
    lazy.remove(peer);
    eager.add(peer);
  }

  void down(NodeName peer) {
    eager.remove(peer);
    lazy.remove(peer);
  }

  boolean isNeighbour(NodeName peer) {
    return eager.contains(peer) || lazy.contains(peer);
  }

  boolean isEager(NodeName peer) {
    return eager.contains(peer);
  }

  boolean isLazy(NodeName peer) {
    return lazy.contains(peer);
  }

  /** Moves a neighbour to the eager set; a peer that is not a neighbour stays unknown. */
  void promote(NodeName peer) {
    if (lazy.remove(peer)) {
      eager.add(peer);
    }
  }

  /** Moves a neighbour to the lazy set; a peer that is not a neighbour stays unknown. */
  void demote(NodeName peer) {
    if (eager.remove(peer)) {
      lazy.add(peer);
    }
  }

  Set<NodeName> eager() {
    return Collections.unmodifiableSet(eager);
  }

  Set<NodeName> lazy() {
    return Collections.unmodifiableSet(lazy);
  }
}
