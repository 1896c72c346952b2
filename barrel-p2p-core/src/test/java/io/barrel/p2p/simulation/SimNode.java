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
 */
final class SimNode {

  final int index;
  final NodeName name;
  final HyParView membership;
  Plumtree broadcast;
  boolean alive = true;
  boolean joined;
  private int[] neighbours;
  private int degree;

  SimNode(int index, NodeName name, HyParView membership, int activeSize) {
    this.index = index;
    this.name = name;
    this.membership = membership;
    this.neighbours = new int[activeSize];
  }

  /** The name of node {@code index}: {@code n<index>@sim}. */
  static NodeName nameOf(int index) {
    return NodeName.of("n" + index + "@sim");
  }

  void neighbourUp(int peer) {
    if (degree == neighbours.length) {
      // Only reachable if the core broke its bound; the mirror grows so the check below reports it.
      neighbours = Arrays.copyOf(neighbours, degree * 2);
    }
    neighbours[degree++] = peer;
  }

  void neighbourDown(int peer) {
    for (int i = 0; i < degree; i++) {
      if (neighbours[i] == peer) {
        neighbours[i] = neighbours[--degree];
        return;
      }
    }
    throw new IllegalStateException(name + " emitted PeerDown for n" + peer + ", which it never had up");
  }

  boolean hasNeighbour(int peer) {
    for (int i = 0; i < degree; i++) {
      if (neighbours[i] == peer) {
        return true;
      }
    }
    return false;
  }

  int degree() {
    return degree;
  }

  int neighbour(int i) {
    return neighbours[i];
  }

  /** A copy of the mirrored active view, safe to iterate while the view changes. */
  int[] neighbours() {
    return Arrays.copyOf(neighbours, degree);
  }

  @Override
  public String toString() {
    return name + (alive ? "" : " (crashed)") + " " + Arrays.toString(neighbours());
  }
}
