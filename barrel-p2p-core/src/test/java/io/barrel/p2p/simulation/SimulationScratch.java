package io.barrel.p2p.simulation;

/** Temporary timing probe. */
final class SimulationScratch {
  public static void main(String[] args) {
    int n = Integer.parseInt(args[0]);
    SimulationSettings s = SimulationSettings.papers(n, 1);
    long t0 = System.nanoTime();
    Simulator sim = OverlayBuild.run(s, 1);
    long t1 = System.nanoTime();
    System.out.printf("build: %.1f s, %d events%n", (t1 - t0) / 1e9, sim.events());
    OverlayProperties.Result p = OverlayProperties.measure(sim, s, 1);
    System.out.printf("asp %.3f cc %.5f full %.4f min %d lasthop %.2f/%d asym %d passive %.1f hist %s%n",
        p.averageShortestPath(), p.clusteringCoefficient(), p.fullInDegreeFraction(), p.minInDegree(), p.floodLastHop(),
        p.floodLastHopMax(), p.asymmetricLinks(), p.averagePassive(), java.util.Arrays.toString(p.inDegreeHistogram()));
    OverlaySnapshot snap = OverlaySnapshot.capture(sim);
    sim = null;
    long t2 = System.nanoTime();
    for (FailureReliability.Level l : FailureReliability.run(snap, s, 1)) {
      double[] pm = l.perMessage();
      System.out.printf("X=%d mean %.5f min %.4f first %.3f %.3f %.3f heal %d %s%n", l.percent(), l.meanReliability(),
          l.minReliability(), pm[0], pm[1], pm[2], l.healingCycles(), java.util.Arrays.toString(l.healingReliability()));
    }
    long t3 = System.nanoTime();
    System.out.printf("failures: %.1f s%n", (t3 - t2) / 1e9);
    PlumtreeRedundancy r = PlumtreeRedundancy.run(snap, s, 1);
    long t4 = System.nanoTime();
    System.out.println(r);
    System.out.printf("redundancy: %.1f s%n", (t4 - t3) / 1e9);
    PlumtreeChurn.Result c = PlumtreeChurn.run(snap, s, 1);
    long t5 = System.nanoTime();
    System.out.printf("churn mean %.6f min %.6f perfect %d/%d live %d dup %d: %.1f s%n", c.mean(), c.minReliability(),
        c.perfect(), c.reliability().length, c.liveAtEnd(), c.duplicateDeliveries(), (t5 - t4) / 1e9);
  }
}
