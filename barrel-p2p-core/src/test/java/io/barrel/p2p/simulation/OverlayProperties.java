package io.barrel.p2p.simulation;

import java.util.Map;
import java.util.SplittableRandom;

/**
 * The HyParView paper's graph properties of a settled overlay: average shortest path, clustering
 * coefficient, in-degree distribution, and the hop count of a flood's last delivery.
 *
 * <p>Clustering and in-degree are exact. Shortest paths come from breadth-first searches from
 * {@code pathSources} live nodes drawn at random (every distance from each source is counted), and
 * a flood's last hop is the farthest distance from each of those sources: a flood over the active
 * views reaches every node along a shortest path.
 */
final class OverlayProperties {

  /**
   * @param averageShortestPath mean hop distance over the sampled (source, node) pairs
   * @param clusteringCoefficient exact
   * @param inDegreeHistogram {@code [d]} = live nodes held by exactly d nodes
   * @param fullInDegreeFraction share of nodes whose in-degree is the active-view size
   * @param minInDegree smallest in-degree of a live node
   * @param floodLastHop mean, over the sampled sources, of a flood's last delivery hop
   * @param floodLastHopMax the largest of those
   * @param reachedFraction share of (source, node) pairs connected (1 for a connected overlay)
   * @param asymmetricLinks links held by one end only (0 once settled)
   * @param averagePassive mean passive-view size
   * @param events events the build took
   * @param membershipMessages messages the build sent, by type
   */
  record Result(double averageShortestPath, double clusteringCoefficient, int[] inDegreeHistogram,
      double fullInDegreeFraction, int minInDegree, double floodLastHop, int floodLastHopMax, double reachedFraction,
      int asymmetricLinks, double averagePassive, long events, Map<String, Long> membershipMessages) {}

  private OverlayProperties() {}

  static Result measure(Simulator sim, SimulationSettings settings, long seed) {
    ActiveGraph graph = sim.activeGraph();
    ActiveGraph.Paths paths = graph.paths(settings.pathSources(), new SplittableRandom(seed ^ 0xA5A5L));
    int[] histogram = graph.inDegreeHistogram();
    int active = settings.membership().activeSize();
    int full = active < histogram.length ? histogram[active] : 0;
    int min = 0;
    while (min < histogram.length && histogram[min] == 0) {
      min++;
    }
    long passive = 0;
    int members = 0;
    for (int i = 0; i < sim.size(); i++) {
      SimNode node = sim.node(i);
      if (node.alive && node.joined) {
        passive += node.membership.passiveView().size();
        members++;
      }
    }
    return new Result(paths.averageShortestPath(), graph.clusteringCoefficient(), histogram,
        full / (double) graph.liveCount(), min, paths.averageLastHop(), paths.maxLastHop(), paths.reachedFraction(),
        graph.asymmetricLinks(), passive / (double) members, sim.events(), sim.membershipSent());
  }
}
