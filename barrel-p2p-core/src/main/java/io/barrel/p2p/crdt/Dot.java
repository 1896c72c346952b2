package io.barrel.p2p.crdt;

import io.barrel.p2p.NodeName;
import java.util.Comparator;
import java.util.Objects;

/**
 * The unique tag of one write: the node that made it and that node's counter for it. Dots, not
 * timestamps, decide what a remove removes and what a merge keeps. Ordered by node, then counter.
 *
 * @param node the writer
 * @param counter 1..{@link Long#MAX_VALUE}; each node's counters are issued in increasing order
 */
public record Dot(NodeName node, long counter) implements Comparable<Dot> {

  private static final Comparator<Dot> ORDER = Comparator.comparing(Dot::node).thenComparingLong(Dot::counter);

  /** Checks the counter is positive. */
  public Dot {
    Objects.requireNonNull(node, "node");
    if (counter < 1) {
      throw new IllegalArgumentException("a dot counter is at least 1, got " + counter);
    }
  }

  @Override
  public int compareTo(Dot other) {
    return ORDER.compare(this, other);
  }

  @Override
  public String toString() {
    return node + ":" + counter;
  }
}
