package io.barrel.p2p.membership;

import io.barrel.p2p.NodeName;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.random.RandomGenerator;

/**
 * The peers this node keeps links to. Its bound is enforced here, at the one place a peer is
 * added: making room (evicting and telling the evicted peer) is the caller's job and must happen
 * first, so no code path can push the view past {@code active-size}.
 */
final class ActiveView {

  private final int capacity;
  private final PeerTable<Void> peers;

  ActiveView(int capacity) {
    this.capacity = capacity;
    this.peers = new PeerTable<>(0, capacity);
  }

  boolean contains(NodeName peer) {
    return peers.contains(peer);
  }

  int size() {
    return peers.size();
  }

  boolean isEmpty() {
    return peers.isEmpty();
  }

  boolean isFull() {
    return peers.size() >= capacity;
  }

  void add(NodeName peer) {
    if (isFull()) {
      throw new IllegalStateException("active view is full (" + capacity + "); evict a peer before adding " + peer);
    }
    if (peers.contains(peer)) {
      throw new IllegalStateException(peer + " is already in the active view");
    }
    peers.add(peer, null);
  }

  boolean remove(NodeName peer) {
    return peers.remove(peer);
  }

  /** A random member other than {@code except}. */
  Optional<NodeName> random(RandomGenerator random, NodeName... except) {
    return peers.random(random, slot -> !peers.holdsAny(slot, except));
  }

  /** Up to {@code k} random members other than {@code except}. */
  List<NodeName> sample(int k, RandomGenerator random, NodeName... except) {
    return peers.sample(k, random, slot -> !peers.holdsAny(slot, except));
  }

  /** The members other than {@code except}, in the order they were added. */
  List<NodeName> members(NodeName... except) {
    return peers.names(slot -> !peers.holdsAny(slot, except));
  }

  boolean contains(NodeName peer, int hash) {
    return peers.contains(peer, hash);
  }

  Set<NodeName> snapshot() {
    return peers.snapshot();
  }

  void clear() {
    peers.clear();
  }
}
