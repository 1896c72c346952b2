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
    neighbourUp(mirror, index, peer);
  }

  void neighbourDown(int peer) {
    neighbourDown(mirror, index, peer);
  }

  /** Node {@code node}'s core emitted PeerUp for {@code peer}: mirrored, or an error if past the bound. */
  static void neighbourUp(ActiveMirror mirror, int node, int peer) {
    if (!mirror.up(node, peer)) {
      throw new AssertionError("n" + node + " holds more neighbours than active-size " + mirror.width()
          + ": " + Arrays.toString(neighbours(mirror, node)) + " and n" + peer);
    }
  }

  /** Node {@code node}'s core emitted PeerDown for {@code peer}: mirrored, or an error if never up. */
  static void neighbourDown(ActiveMirror mirror, int node, int peer) {
    if (!mirror.down(node, peer)) {
      throw new IllegalStateException("n" + node + " emitted PeerDown for n" + peer + ", which it never had up");
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
    return neighbours(mirror, index);
  }

  private static int[] neighbours(ActiveMirror mirror, int node) {
    int[] out = new int[mirror.degree(node)];
    for (int i = 0; i < out.length; i++) {
      out[i] = mirror.neighbour(node, i);
    }
    return out;
  }

  @Override
  public String toString() {
    return name + (alive ? "" : " (crashed)") + " " + Arrays.toString(neighbours());
  }
}
