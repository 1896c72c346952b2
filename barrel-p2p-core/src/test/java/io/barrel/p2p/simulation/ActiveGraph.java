package io.barrel.p2p.simulation;

import java.util.SplittableRandom;

/**
 * A snapshot of the active-view graph (who holds whom, live nodes only) with the metrics the
 * HyParView paper reports: average shortest path, clustering coefficient, in-degree distribution,
 * and the hop count of the last delivery of a flood.
 *
 * <p>Edges are directed as the views are ("a holds b"); paths follow them, as a flood would. In a
 * settled overlay the views are symmetric, so direction does not change the numbers.
 */
final class ActiveGraph {

  private final int[][] out;
  private final boolean[] live;
  private final int liveCount;

  private ActiveGraph(int[][] out, boolean[] live) {
    this.out = out;
    this.live = live;
    int count = 0;
    for (boolean l : live) {
      if (l) {
        count++;
      }
    }
    this.liveCount = count;
  }

  static ActiveGraph of(Simulator sim) {
    int n = sim.size();
    int[][] out = new int[n][];
    boolean[] live = new boolean[n];
    for (int i = 0; i < n; i++) {
      SimNode node = sim.node(i);
      live[i] = node.alive && node.joined;
    }
    for (int i = 0; i < n; i++) {
      if (!live[i]) {
        out[i] = new int[0];
        continue;
      }
      SimNode node = sim.node(i);
      int[] all = node.neighbours();
      int kept = 0;
      for (int p : all) {
        if (live[p]) {
          all[kept++] = p;
        }
      }
      out[i] = java.util.Arrays.copyOf(all, kept);
    }
    return new ActiveGraph(out, live);
  }

  int liveCount() {
    return liveCount;
  }

  /** Result of breadth-first searches from sampled sources. */
  record Paths(double averageShortestPath, double averageLastHop, int maxLastHop, double reachedFraction,
      int sources) {}

  /**
   * Breadth-first searches from {@code sources} live nodes drawn at random (all of them when there
   * are fewer): the mean distance over every reached (source, target) pair, and per source the
   * distance of the farthest node, which is the hop of a flood's last delivery from that source.
   */
  Paths paths(int sources, SplittableRandom random) {
    int[] candidates = liveNodes();
    int k = Math.min(sources, candidates.length);
    for (int i = 0; i < k; i++) { // partial Fisher-Yates: k distinct sources
      int j = i + random.nextInt(candidates.length - i);
      int t = candidates[i];
      candidates[i] = candidates[j];
      candidates[j] = t;
    }
    int[] dist = new int[out.length];
    int[] queue = new int[out.length];
    long distanceSum = 0;
    long pairs = 0;
    long lastHopSum = 0;
    long reachedSum = 0;
    int maxLastHop = 0;
    for (int s = 0; s < k; s++) {
      java.util.Arrays.fill(dist, -1);
      int source = candidates[s];
      int head = 0;
      int tail = 0;
      queue[tail++] = source;
      dist[source] = 0;
      int farthest = 0;
      while (head < tail) {
        int u = queue[head++];
        int du = dist[u];
        for (int v : out[u]) {
          if (dist[v] < 0) {
            dist[v] = du + 1;
            distanceSum += du + 1;
            farthest = du + 1;
            queue[tail++] = v;
          }
        }
      }
      pairs += tail - 1;
      reachedSum += tail - 1;
      lastHopSum += farthest;
      maxLastHop = Math.max(maxLastHop, farthest);
    }
    double asp = pairs == 0 ? 0 : distanceSum / (double) pairs;
    double reached = k == 0 || liveCount < 2 ? 1 : reachedSum / ((double) k * (liveCount - 1));
    return new Paths(asp, k == 0 ? 0 : lastHopSum / (double) k, maxLastHop, reached, k);
  }

  /**
   * The clustering coefficient, exactly: for each live node, the fraction of pairs of its
   * neighbours that hold each other, averaged over all live nodes (a node with fewer than two
   * neighbours counts as 0).
   */
  double clusteringCoefficient() {
    double sum = 0;
    for (int v = 0; v < out.length; v++) {
      if (!live[v]) {
        continue;
      }
      int[] nb = out[v];
      int k = nb.length;
      if (k < 2) {
        continue;
      }
      int links = 0;
      for (int i = 0; i < k; i++) {
        for (int j = 0; j < k; j++) {
          if (i != j && holds(nb[i], nb[j])) {
            links++;
          }
        }
      }
      sum += links / (double) (k * (k - 1));
    }
    return liveCount == 0 ? 0 : sum / liveCount;
  }

  private boolean holds(int a, int b) {
    for (int x : out[a]) {
      if (x == b) {
        return true;
      }
    }
    return false;
  }

  /** {@code histogram[d]} = live nodes held by exactly d live nodes. */
  int[] inDegreeHistogram() {
    int[] in = new int[out.length];
    int max = 0;
    for (int v = 0; v < out.length; v++) {
      for (int p : out[v]) {
        in[p]++;
        max = Math.max(max, in[p]);
      }
    }
    int[] histogram = new int[max + 1];
    for (int v = 0; v < out.length; v++) {
      if (live[v]) {
        histogram[in[v]]++;
      }
    }
    return histogram;
  }

  /** Live nodes whose active view is not held back by every member (0 in a settled overlay). */
  int asymmetricLinks() {
    int count = 0;
    for (int v = 0; v < out.length; v++) {
      for (int p : out[v]) {
        if (!holds(p, v)) {
          count++;
        }
      }
    }
    return count;
  }

  private int[] liveNodes() {
    int[] nodes = new int[liveCount];
    int i = 0;
    for (int v = 0; v < live.length; v++) {
      if (live[v]) {
        nodes[i++] = v;
      }
    }
    return nodes;
  }
}
