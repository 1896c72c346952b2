package io.barrel.p2p.simulation;

import io.barrel.p2p.NodeName;
import io.barrel.p2p.broadcast.Plumtree;
import io.barrel.p2p.membership.HyParView;
import java.util.Arrays;

/**
 * One simulated node: the production {@link HyParView} (and, when attached, {@link Plumtree})
 * instance, whether it is alive, and a mirror of its active view kept from the PeerUp and PeerDown
 * events it emits. The mirror is what floods and graph metrics walk: the core guarantees that its
 * events replay to its view, and reading an int array is far cheaper than asking for a snapshot.
 * The mirrors of all nodes share one {@link ActiveMirror}.
 */
final class SimNode {

  final int index;
  final NodeName name;
  final HyParView membership;
  Plumtree broadcast;
  boolean alive = true;
  boolean joined;
  private final ActiveMirror mirror;

  SimNode(int index, NodeName name, HyParView membership, ActiveMirror mirror) {
    this.index = index;
    this.name = name;
    this.membership = membership;
    this.mirror = mirror;
  }

  /** The name of node {@code index}: {@code n<index>@sim}. */
  static NodeName nameOf(int index) {
    return NodeName.of("n" + index + "@sim");
  }

  void neighbourUp(int peer) {
    if (!mirror.up(index, peer)) {
      throw new AssertionError(name + " holds more neighbours than active-size " + mirror.width()
          + ": " + Arrays.toString(neighbours()) + " and n" + peer);
    }
  }

  void neighbourDown(int peer) {
    if (!mirror.down(index, peer)) {
      throw new IllegalStateException(name + " emitted PeerDown for n" + peer + ", which it never had up");
    }
  }

  boolean hasNeighbour(int peer) {
    return mirror.holds(index, peer);
  }

  int degree() {
    return mirror.degree(index);
  }

  int neighbour(int i) {
    return mirror.neighbour(index, i);
  }

  /** A copy of the mirrored active view, safe to iterate while the view changes. */
  int[] neighbours() {
    int[] out = new int[degree()];
    for (int i = 0; i < out.length; i++) {
      out[i] = neighbour(i);
    }
    return out;
  }

  @Override
  public String toString() {
    return name + (alive ? "" : " (crashed)") + " " + Arrays.toString(neighbours());
  }
}
