package io.barrel.p2p.membership;

import io.barrel.p2p.NodeName;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.random.RandomGenerator;

/**
 * The peers this node keeps links to. Its bound is enforced here, at the one place a peer is
 * added: making room (evicting and telling the evicted peer) is the caller's job and must happen
 * first, so no code path can push the view past {@code active-size}.
 */
final class ActiveView {

  private final int capacity;
  private final Set<NodeName> peers = new LinkedHashSet<>();

  ActiveView(int capacity) {
    this.capacity = capacity;
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
    if (!peers.add(peer)) {
      throw new IllegalStateException(peer + " is already in the active view");
    }
  }

  boolean remove(NodeName peer) {
    return peers.remove(peer);
  }

  /** A random member that passes {@code allowed}. */
  Optional<NodeName> random(RandomGenerator random, Predicate<NodeName> allowed) {
    return Sampling.one(members(allowed), random);
  }

  /** Up to {@code k} random members that pass {@code allowed}. */
  List<NodeName> sample(int k, RandomGenerator random, Predicate<NodeName> allowed) {
    return Sampling.some(members(allowed), k, random);
  }

  List<NodeName> members(Predicate<NodeName> allowed) {
    List<NodeName> out = new ArrayList<>(peers.size());
    for (NodeName peer : peers) {
      if (allowed.test(peer)) {
        out.add(peer);
      }
    }
    return out;
  }

  Set<NodeName> snapshot() {
    return Collections.unmodifiableSet(new LinkedHashSet<>(peers));
  }

  void clear() {
    peers.clear();
  }
}
