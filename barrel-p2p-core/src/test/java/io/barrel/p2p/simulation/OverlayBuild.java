package io.barrel.p2p.simulation;

import java.util.List;
import java.util.SplittableRandom;

/**
 * Builds the overlay the way both papers do: nodes join one by one, each through a random node
 * already in the overlay, then the membership runs for a number of cycles.
 */
final class OverlayBuild {

  private OverlayBuild() {}

  static Simulator run(SimulationSettings settings, long seed) {
    Simulator sim = new Simulator(settings.nodes(), settings.membership(), settings.network(seed), seed);
    SplittableRandom contacts = new SplittableRandom(seed);
    sim.join(0, List.of());
    for (int i = 1; i < settings.nodes(); i++) {
      sim.runUntil(i * settings.joinIntervalMillis());
      sim.join(i, List.of(contacts.nextInt(i)));
    }
    sim.runFor(settings.cycles() * settings.cycleMillis());
    // Let the last exchanges finish so the snapshot is of a quiet overlay (timers stand still).
    sim.settleTraffic();
    return sim;
  }
}
