package io.barrel.p2p.membership;

import io.barrel.p2p.NodeName;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * The recent history between each pair of nodes in the in-memory overlay, kept cheaply and
 * formatted only when an invariant breaks, to say how a link became one-sided.
 */
final class PairHistory {

  private static final int LINES_PER_PAIR = 40;

  /** One thing that happened between two nodes. */
  record Line(long at, NodeName node, String verb, Object what, NodeName other) {
    @Override
    public String toString() {
      return "t=" + at + " " + node + " " + verb + " " + what + (other == null ? "" : " " + other);
    }
  }

  private record Pair(NodeName low, NodeName high) {
    static Pair of(NodeName a, NodeName b) {
      return a.compareTo(b) < 0 ? new Pair(a, b) : new Pair(b, a);
    }
  }

  private final Map<Pair, ArrayDeque<Line>> lines = new HashMap<>();

  void add(NodeName a, NodeName b, Line line) {
    ArrayDeque<Line> pair = lines.computeIfAbsent(Pair.of(a, b), p -> new ArrayDeque<>());
    pair.add(line);
    if (pair.size() > LINES_PER_PAIR) {
      pair.poll();
    }
  }

  /** The pair's recent lines, one per line, oldest first. */
  String of(NodeName a, NodeName b) {
    StringBuilder out = new StringBuilder();
    for (Line line : lines.getOrDefault(Pair.of(a, b), new ArrayDeque<>())) {
      out.append("\n  ").append(line);
    }
    return out.toString();
  }
}
