package io.barrel.p2p.simulation;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The HyParView paper's failure experiments, on a copy of the settled overlay per failure rate.
 *
 * <p><b>Reliability after a mass failure.</b> X% of the nodes, drawn at random, crash at once. Then,
 * before the next membership cycle, 1,000 floods are sent, each from a random live node, one after
 * the other. A flood runs over the nodes' active views as they are at that moment; every send to a
 * crashed neighbour is reported to the sender's HyParView, whose reaction (dropping the link,
 * promoting passive peers, answering requests) then plays out in virtual time before the next
 * flood. The membership timers stand still throughout, so no shuffle or repair tick helps: what
 * heals the overlay is HyParView's reaction to the failures that crash notices and floods reveal.
 * A flood's reliability is the share of live nodes other than the origin that it reaches.
 *
 * <p><b>Healing time.</b> On a fresh copy, X% crash at once and the membership runs on, cycle by
 * cycle, with no broadcast traffic. After each cycle, probe floods from random live nodes measure
 * how much of the live overlay is reachable (probes only observe: they report nothing to the
 * nodes). The healing time is the number of cycles after which the probes' mean reliability is back
 * to {@code reliableFraction}.
 */
final class FailureReliability {

  /**
   * One failure rate's outcome on one seed.
   *
   * @param percent share of nodes crashed
   * @param meanReliability mean over the burst's floods
   * @param minReliability the worst flood of the burst
   * @param perMessage every flood's reliability, in order
   * @param healingCycles cycles until reliability was regained, or -1 if not within the limit
   * @param healingReliability probe reliability right after the failure (index 0) and after each cycle
   */
  record Level(int percent, double meanReliability, double minReliability, double[] perMessage, int healingCycles,
      double[] healingReliability) {}

  private FailureReliability() {}

  /**
   * One rate's outcome from its two runs, {@link #burst} and {@link #healing}: each starts from its
   * own copy of the overlay with randomness derived from the seed and the rate only, so they can
   * run in any order, on any thread.
   */
  static Level level(SimulationSettings settings, int percent, double[] burst, double[] healing) {
    double sum = 0;
    double min = 1;
    for (double r : burst) {
      sum += r;
      min = Math.min(min, r);
    }
    int cycles = -1;
    for (int k = 0; k < healing.length; k++) {
      if (healing[k] >= settings.reliableFraction()) {
        cycles = k;
        break;
      }
    }
    return new Level(percent, sum / burst.length, min, burst, cycles, healing);
  }

  /** The burst of floods after X% crash; returns each flood's reliability. */
  static double[] burst(OverlaySnapshot overlay, SimulationSettings settings, long seed, int percent) {
    Simulator sim = overlay.restore(settings, seed * 1_000 + percent);
    SplittableRandom random = new SplittableRandom(SimNetwork.mix(seed * 7919 + percent));
    sim.crash(victims(sim, percent, random));
    Flood flood = new Flood(sim);
    int[] live = sim.liveMembers();
    double[] reliability = new double[settings.burstBroadcasts()];
    for (int b = 0; b < reliability.length; b++) {
      reliability[b] = flood.reliability(live[random.nextInt(live.length)], true);
      sim.settleTraffic();
    }
    return reliability;
  }

  /** Probe reliability right after X% crash and after each following cycle, up to the limit. */
  static double[] healing(OverlaySnapshot overlay, SimulationSettings settings, long seed, int percent) {
    Simulator sim = overlay.restore(settings, seed * 1_000 + 500 + percent);
    SplittableRandom random = new SplittableRandom(SimNetwork.mix(seed * 104_729 + percent));
    sim.crash(victims(sim, percent, random));
    Flood flood = new Flood(sim);
    List<Double> out = new ArrayList<>();
    int[] live = sim.liveMembers();
    out.add(probe(flood, live, settings.healingProbes(), random));
    for (int k = 1; k <= settings.healingMaxCycles(); k++) {
      sim.runFor(settings.cycleMillis());
      double r = probe(flood, live, settings.healingProbes(), random);
      out.add(r);
      if (r >= settings.reliableFraction()) {
        break;
      }
    }
    return out.stream().mapToDouble(Double::doubleValue).toArray();
  }

  private static double probe(Flood flood, int[] live, int probes, SplittableRandom random) {
    double sum = 0;
    for (int p = 0; p < probes; p++) {
      sum += flood.reliability(live[random.nextInt(live.length)], false);
    }
    return sum / probes;
  }

  /** {@code percent}% of the live members, drawn uniformly. */
  static List<Integer> victims(Simulator sim, int percent, SplittableRandom random) {
    int[] live = sim.liveMembers();
    int count = (int) Math.round(live.length * percent / 100.0);
    for (int i = 0; i < count; i++) {
      int j = i + random.nextInt(live.length - i);
      int t = live[i];
      live[i] = live[j];
      live[j] = t;
    }
    List<Integer> out = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      out.add(live[i]);
    }
    return out;
  }
}
