package io.barrel.p2p.simulation;

import io.barrel.p2p.NodeName;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The views of a settled overlay, so that every experiment of a seed starts from the same overlay
 * without building it again: building 10,000 nodes and 50 cycles is the expensive part of a run,
 * and the failure experiments need a fresh copy per failure rate.
 *
 * <p>A restore builds fresh {@code HyParView} instances (new random streams) and gives each its
 * active and passive views back through its public inputs (see {@link Simulator#restoreViews}).
 * What is not carried over is per-peer bookkeeping (failure counts, refusal backoffs of passive
 * entries) and the phase of the shuffle timers, which restarts at a random point of the period.
 * Views are kept as node indices: names belong to the simulator that made them.
 */
final class OverlaySnapshot {

  private record NodeViews(int index, int[] active, int[] passive, int[] contacts) {}

  private final int size;
  private final List<NodeViews> views;

  private OverlaySnapshot(int size, List<NodeViews> views) {
    this.size = size;
    this.views = views;
  }

  /** Captures the views of every live member; call it with no traffic in flight. */
  static OverlaySnapshot capture(Simulator sim) {
    List<NodeViews> views = new ArrayList<>();
    for (int i = 0; i < sim.size(); i++) {
      SimNode node = sim.node(i);
      if (node.alive && node.joined) {
        views.add(new NodeViews(i, indices(sim, node.membership.activeView()),
            indices(sim, node.membership.passiveView()), indices(sim, node.membership.contacts())));
      }
    }
    return new OverlaySnapshot(sim.size(), views);
  }

  private static int[] indices(Simulator sim, Collection<NodeName> names) {
    int[] out = new int[names.size()];
    int i = 0;
    for (NodeName name : names) {
      out[i++] = sim.node(name).index;
    }
    return out;
  }

  /** A new simulator holding this overlay at time 0, its nodes seeded from {@code seed}. */
  Simulator restore(SimulationSettings settings, long seed) {
    Simulator sim = new Simulator(size, settings.membership(), settings.network(seed), seed);
    for (NodeViews v : views) {
      sim.restoreViews(v.index, names(sim, v.active), names(sim, v.passive));
    }
    for (NodeViews v : views) {
      sim.restoreContacts(v.index, names(sim, v.contacts));
    }
    return sim;
  }

  private static List<NodeName> names(Simulator sim, int[] indices) {
    List<NodeName> out = new ArrayList<>(indices.length);
    for (int i : indices) {
      out.add(sim.name(i)); // the dense array: a SimNode read per name was a cache miss each
    }
    return out;
  }
}
