package io.barrel.p2p.broadcast;

import io.barrel.p2p.NodeName;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * A fixed, symmetric, connected random overlay standing in for HyParView's active views: every node
 * has exactly {@code degree} neighbours and if A lists B then B lists A. Seeded, so a test sees the
 * same graph on every run.
 */
final class Overlay {

  private final List<NodeName> nodes;
  private final Map<NodeName, Set<NodeName>> links;

  private Overlay(List<NodeName> nodes, Map<NodeName, Set<NodeName>> links) {
    this.nodes = nodes;
    this.links = links;
  }

  /** A random {@code degree}-regular connected graph on {@code n} nodes named {@code n0@sim} ... */
  static Overlay randomRegular(int n, int degree, long seed) {
    if ((long) n * degree % 2 != 0 || degree >= n) {
      throw new IllegalArgumentException("no " + degree + "-regular graph on " + n + " nodes");
    }
    Random random = new Random(seed);
    for (int attempt = 0; attempt < 1000; attempt++) {
      Overlay overlay = tryBuild(n, degree, random);
      if (overlay != null && overlay.isConnected()) {
        return overlay;
      }
    }
    throw new IllegalStateException("could not build a connected " + degree + "-regular overlay");
  }

  /** Random pairing of free stubs, then edge switches to place the stubs left over. */
  private static Overlay tryBuild(int n, int degree, Random random) {
    List<NodeName> nodes = new ArrayList<>(n);
    Map<NodeName, Set<NodeName>> links = new LinkedHashMap<>();
    for (int i = 0; i < n; i++) {
      NodeName node = NodeName.of("n" + i + "@sim");
      nodes.add(node);
      links.put(node, new LinkedHashSet<>());
    }
    List<NodeName> order = new ArrayList<>(nodes);
    Collections.shuffle(order, random);
    for (NodeName node : order) {
      while (links.get(node).size() < degree) {
        List<NodeName> candidates = new ArrayList<>();
        for (NodeName other : nodes) {
          if (!other.equals(node) && links.get(other).size() < degree && !links.get(node).contains(other)) {
            candidates.add(other);
          }
        }
        if (candidates.isEmpty()) {
          break;
        }
        link(links, node, candidates.get(random.nextInt(candidates.size())));
      }
    }
    for (int switches = 0; switches < 10_000; switches++) {
      List<NodeName> deficient = new ArrayList<>();
      for (NodeName node : nodes) {
        if (links.get(node).size() < degree) {
          deficient.add(node);
        }
      }
      if (deficient.isEmpty()) {
        return new Overlay(List.copyOf(nodes), links);
      }
      // u lacks a link (possibly two): take an edge x-y far from u, replace it by u-x and u-y or v-y.
      NodeName u = deficient.get(0);
      NodeName v = deficient.size() > 1 ? deficient.get(1) : u;
      NodeName x = nodes.get(random.nextInt(n));
      List<NodeName> xs = new ArrayList<>(links.get(x));
      if (xs.isEmpty()) {
        continue;
      }
      NodeName y = xs.get(random.nextInt(xs.size()));
      if (x.equals(u) || y.equals(u) || x.equals(v) || y.equals(v) || links.get(u).contains(x)
          || links.get(v).contains(y) || (u.equals(v) && links.get(u).contains(y))) {
        continue;
      }
      if (u.equals(v) && links.get(u).size() > degree - 2) {
        continue;
      }
      unlink(links, x, y);
      link(links, u, x);
      link(links, v, y);
    }
    return null;
  }

  private static void link(Map<NodeName, Set<NodeName>> links, NodeName a, NodeName b) {
    links.get(a).add(b);
    links.get(b).add(a);
  }

  private static void unlink(Map<NodeName, Set<NodeName>> links, NodeName a, NodeName b) {
    links.get(a).remove(b);
    links.get(b).remove(a);
  }

  List<NodeName> nodes() {
    return nodes;
  }

  Set<NodeName> neighbours(NodeName node) {
    return Collections.unmodifiableSet(links.get(node));
  }

  boolean linked(NodeName a, NodeName b) {
    return links.get(a).contains(b);
  }

  /** Removes a link from the graph (the cluster tells both ends). */
  void cut(NodeName a, NodeName b) {
    unlink(links, a, b);
  }

  /** True when the graph would still be connected without the link a-b. */
  boolean staysConnectedWithout(NodeName a, NodeName b) {
    unlink(links, a, b);
    boolean connected = isConnected();
    link(links, a, b);
    return connected;
  }

  /** True when every node reaches every other through the links, skipping {@code excluded} nodes. */
  boolean isConnected(Set<NodeName> excluded) {
    NodeName start = null;
    for (NodeName node : nodes) {
      if (!excluded.contains(node)) {
        start = node;
        break;
      }
    }
    if (start == null) {
      return true;
    }
    Set<NodeName> reached = new HashSet<>(List.of(start));
    Deque<NodeName> todo = new ArrayDeque<>(reached);
    while (!todo.isEmpty()) {
      for (NodeName next : links.get(todo.pop())) {
        if (!excluded.contains(next) && reached.add(next)) {
          todo.push(next);
        }
      }
    }
    return reached.size() == nodes.size() - excluded.size();
  }

  boolean isConnected() {
    return isConnected(Set.of());
  }
}
