package io.barrel.p2p.simulation;

/**
 * Every simulated node's mirrored active view, in two flat arrays: node {@code u}'s neighbours are
 * {@code slots[u * width ...]}, its count {@code degrees[u]}. Floods walk these views thousands of
 * times per experiment; flat arrays keep 10,000 nodes' views in a few hundred kilobytes that stay
 * in cache, where one array per node would cost a cache miss per node visited.
 */
final class ActiveMirror {

  private final int width;
  private final int[] slots;
  private final int[] degrees;
  /** Counts the changes made to any view: equal versions, identical views. */
  private long version;

  /**
   * @param size number of nodes
   * @param width most neighbours a node may hold (the active-view size)
   */
  ActiveMirror(int size, int width) {
    this.width = width;
    this.slots = new int[size * width];
    this.degrees = new int[size];
  }

  /** Changes whenever a view changes, so a reader can tell that nothing has since it last looked. */
  long version() {
    return version;
  }

  int width() {
    return width;
  }

  int degree(int node) {
    return degrees[node];
  }

  int neighbour(int node, int i) {
    return slots[node * width + i];
  }

  /** Adds {@code peer} to {@code node}'s view; false, changing nothing, when the view is already full. */
  boolean up(int node, int peer) {
    int d = degrees[node];
    if (d == width) {
      return false;
    }
    slots[node * width + d] = peer;
    degrees[node] = d + 1;
    version++;
    return true;
  }

  /** Removes {@code peer} from {@code node}'s view (the last neighbour takes its place); false when absent. */
  boolean down(int node, int peer) {
    int base = node * width;
    int d = degrees[node];
    for (int i = 0; i < d; i++) {
      if (slots[base + i] == peer) {
        slots[base + i] = slots[base + d - 1];
        degrees[node] = d - 1;
        version++;
        return true;
      }
    }
    return false;
  }

  boolean holds(int node, int peer) {
    int base = node * width;
    for (int i = 0, d = degrees[node]; i < d; i++) {
      if (slots[base + i] == peer) {
        return true;
      }
    }
    return false;
  }
}
