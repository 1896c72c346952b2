package io.barrel.p2p.simulation;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The acceptance bands of the papers' reproduction and their verdicts for a run. The bands are set
 * for 10,000 nodes; for another size the ones that depend on it are moved as a random 5-regular
 * graph's do:
 *
 * <ul>
 *   <li>path lengths (average shortest path, a flood's last hop, Plumtree's last delivery hop) grow
 *       with log N, by one hop per factor 4 (each hop of a flood reaches about active-size - 1 = 4
 *       times more nodes), so they shift by log4(N / 10,000): -1.66 at 1,000 nodes;
 *   <li>the clustering coefficient of a random graph of fixed degree is inversely proportional to N,
 *       so its ceiling scales by 10,000 / N: 0.015 at 1,000 nodes;
 *   <li>everything else (in-degree shares, reliability, healing cycles, redundancy, deliveries) is a
 *       ratio or a count that does not depend on N and keeps its band.
 * </ul>
 *
 * Both the report and the test take their verdicts from here, so they cannot disagree.
 */
final class Bands {

  /**
   * One row of the table.
   *
   * @param metric what is measured
   * @param paper the band as stated for 10,000 nodes (the papers' results, as the acceptance
   *     criteria summarise them)
   * @param band the band at this run's size
   * @param measured this run's value (mean over seeds unless said otherwise)
   * @param met whether the measured value is inside the band
   */
  record Band(String metric, String paper, String band, String measured, boolean met) {}

  private Bands() {}

  /** Hops added to a path-length band at {@code nodes} nodes. */
  static double pathShift(int nodes) {
    return Math.log(nodes / 10_000.0) / Math.log(4);
  }

  static List<Band> evaluate(SimulationSettings settings, List<SeedResult> seeds) {
    int n = settings.nodes();
    double shift = pathShift(n);
    List<Band> out = new ArrayList<>();

    double asp = mean(seeds, s -> s.overlay().averageShortestPath());
    out.add(range("average shortest path (active-view graph)", "6.0 – 6.8", 6.0 + shift, 6.8 + shift, asp, 3));

    double cc = mean(seeds, s -> s.overlay().clusteringCoefficient());
    double ccMax = 0.0015 * 10_000 / n;
    out.add(new Band("clustering coefficient", "≤ 0.0015", "≤ " + fmt(ccMax, 4), fmt(cc, 5), cc <= ccMax));

    double full = mean(seeds, s -> s.overlay().fullInDegreeFraction());
    out.add(new Band("nodes with in-degree = active size (5)", "≥ 95 %", "≥ 95 %", pct(full, 2), full >= 0.95));
    int minIn = Integer.MAX_VALUE;
    double below3 = 0;
    for (SeedResult s : seeds) {
      minIn = Math.min(minIn, s.overlay().minInDegree());
      int[] h = s.overlay().inDegreeHistogram();
      for (int d = 0; d < Math.min(3, h.length); d++) {
        below3 += h[d];
      }
    }
    below3 /= seeds.size();
    out.add(new Band("nodes with in-degree below 3", "none", "none", fmt(below3, 1) + " per seed (lowest in-degree "
        + minIn + ")", below3 == 0));

    double lastHop = mean(seeds, s -> s.overlay().floodLastHop());
    out.add(range("max hops of a flood (last delivery hop)", "8 – 10", 8 + shift, 10 + shift, lastHop, 2));

    for (int percent : settings.failurePercents()) {
      double floor = percent <= 80 ? 0.999 : percent <= 90 ? 0.98 : 0.85;
      String band = "≥ " + pct(floor, 1);
      double r = mean(seeds, s -> s.failure(percent).meanReliability());
      out.add(new Band("reliability of 1,000 floods after " + percent + " % fail at once", band, band, pct(r, 3),
          r >= floor));
    }
    for (int percent : settings.failurePercents()) {
      if (percent > 80) {
        continue;
      }
      int limit = percent <= 60 ? 1 : 2;
      boolean all = true;
      double sum = 0;
      for (SeedResult s : seeds) {
        int c = s.failure(percent).healingCycles();
        all &= c >= 0;
        sum += c;
      }
      double cycles = sum / seeds.size();
      String band = "≤ " + limit + (limit == 1 ? " cycle" : " cycles");
      out.add(new Band("cycles to regain reliability after " + percent + " % fail", band, band,
          all ? fmt(cycles, 1) : "not regained within " + settings.healingMaxCycles() + " cycles in some seed",
          all && cycles <= limit));
    }

    double rmr = mean(seeds, s -> s.redundancy().redundancy());
    out.add(new Band("Plumtree RMR, stable overlay, single sender", "≤ 0.01", "≤ 0.01", fmt(rmr, 4), rmr <= 0.01));
    double flood = mean(seeds, s -> s.redundancy().floodRedundancy());
    out.add(new Band("flooding RMR, same overlay (comparison)", "≈ 3", "2.9 – 3.1", fmt(flood, 3),
        flood >= 2.9 && flood <= 3.1));
    boolean exact = true;
    int fewest = Integer.MAX_VALUE;
    int most = 0;
    for (SeedResult s : seeds) {
      exact &= s.redundancy().minDeliveries() == s.redundancy().receivers()
          && s.redundancy().maxDeliveries() == s.redundancy().receivers();
      fewest = Math.min(fewest, s.redundancy().minDeliveries() - s.redundancy().receivers());
      most = Math.max(most, s.redundancy().maxDeliveries() - s.redundancy().receivers());
    }
    out.add(new Band("payload deliveries per broadcast", "exactly N − 1", "exactly N − 1 = " + (n - 1),
        exact ? "N − 1 in every broadcast" : "N − 1 " + (fewest < 0 ? fewest : "+" + most), exact));
    double ldh = mean(seeds, s -> s.redundancy().maxLastHop());
    double ldhMax = 11 + shift;
    out.add(new Band("Plumtree last delivery hop", "≤ 11", "≤ " + fmt(ldhMax, 2), fmt(ldh, 1), ldh <= ldhMax));

    double churnMin = 1;
    double churnMean = mean(seeds, s -> s.churn().mean());
    for (SeedResult s : seeds) {
      churnMin = Math.min(churnMin, s.churn().minReliability());
    }
    out.add(new Band("Plumtree reliability, " + settings.churnFailuresPerCycle() + " nodes failing per cycle for "
        + settings.churnCycles() + " cycles", "100 % for live nodes", "100 %", pct(churnMean, 4) + " (worst broadcast "
        + pct(churnMin, 4) + ")", churnMin >= 1.0));
    return out;
  }

  private static Band range(String metric, String paper, double low, double high, double measured, int digits) {
    return new Band(metric, paper, fmt(low, 2) + " – " + fmt(high, 2), fmt(measured, digits),
        measured >= low && measured <= high);
  }

  /** One number read off a seed's results. */
  interface Metric {
    double of(SeedResult seed);
  }

  static double mean(List<SeedResult> seeds, Metric metric) {
    double sum = 0;
    for (SeedResult s : seeds) {
      sum += metric.of(s);
    }
    return sum / seeds.size();
  }

  static String fmt(double value, int digits) {
    return String.format(Locale.ROOT, "%." + digits + "f", value);
  }

  static String pct(double fraction, int digits) {
    return fmt(fraction * 100, digits) + " %";
  }
}
