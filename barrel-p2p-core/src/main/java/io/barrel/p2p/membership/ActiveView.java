package io.barrel.p2p.membership;

import io.barrel.p2p.NodeName;
import java.util.List;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * The peers this node keeps links to. Its bound is enforced here, at the one place a peer is
 * added: making room (evicting and telling the evicted peer) is the caller's job and must happen
 * first, so no code path can push the view past {@code active-size}.
 */
final class ActiveView extends PeerTable<Void> {

  private final int bound;

  ActiveView(int capacity) {
    super(0, capacity);
    this.bound = capacity;
  }

  boolean isFull() {
    return size() >= bound;
  }

  void add(NodeName peer) {
    add(peer, null);
  }

  /** The table's own add, bounded too, so that no path into the view can pass {@code active-size}. */
  @Override
  int add(NodeName peer, Void value) {
    if (isFull()) {
      throw new IllegalStateException("active view is full (" + bound + "); evict a peer before adding " + peer);
    }
    if (contains(peer)) {
      throw new IllegalStateException(peer + " is already in the active view");
    }
    return super.add(peer, value);
  }

  /** A random member other than {@code except}. */
  Optional<NodeName> random(RandomGenerator random, NodeName... except) {
    return random(random, slot -> !holdsAny(slot, except));
  }

  /** Up to {@code k} random members other than {@code except}. */
  List<NodeName> sample(int k, RandomGenerator random, NodeName... except) {
    return sample(k, random, slot -> !holdsAny(slot, except));
  }

  /** The members other than {@code except}, in the order they were added. */
  List<NodeName> members(NodeName... except) {
    return names(slot -> !holdsAny(slot, except));
  }
}
