package io.barrel.p2p.simulation;

/** Temporary timing probe. */
final class SimulationScratch {
  public static void main(String[] args) {
    int n = Integer.parseInt(args[0]);
    SimulationSettings s = SimulationSettings.papers(n, 1);
    for (long seed = 1; seed <= Integer.parseInt(args[1]); seed++) {
      Simulator sim = OverlayBuild.run(s, seed);
      int low = 0;
      for (int i = 0; i < n; i++) {
        SimNode node = sim.node(i);
        if (node.degree() < 5) {
          low++;
          if (node.degree() < 3 || args.length > 2) {
            System.out.println("seed " + seed + " t=" + sim.now() + " " + node.membership + " lost=" + node.membership.lostPeers());
            for (io.barrel.p2p.NodeName p : node.membership.passiveView()) {
              SimNode q = sim.node(p);
              System.out.print(" " + p + ":" + q.degree() + "/f" + node.membership.passiveFailures(p));
            }
            System.out.println();
          }
        }
      }
      System.out.println("seed " + seed + " nodes below 5: " + low);
    }
  }
}
