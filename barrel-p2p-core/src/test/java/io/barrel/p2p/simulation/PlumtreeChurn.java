package io.barrel.p2p.simulation;

import io.barrel.p2p.broadcast.MessageId;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Plumtree over HyParView under continuous failures: at the start of every membership cycle,
 * {@code churnFailuresPerCycle} live nodes crash at once, and at that same instant
 * {@code churnBroadcastsPerCycle} broadcasts leave from live origins, so they meet a tree with
 * freshly dead nodes in it. The cycle then runs its course (shuffles, repair ticks, crash notices,
 * GRAFTs) and each broadcast's reliability is measured at the end of the cycle over the nodes alive
 * then: the share of them, the origin aside, that delivered it.
 *
 * <p>Plumtree keeps one tree per origin and an origin's first broadcast floods to build it, so the
 * origins come from a pool of {@value #ORIGINS} nodes drawn at the start (each broadcast from a
 * random live member; a member that crashed is replaced by a random survivor): every origin
 * broadcasts about once in {@value #ORIGINS} cycles, and its broadcasts meet its tree as the
 * failures since its last one left it. Origins drawn afresh each time would flood nearly every
 * broadcast and test no tree at all.
 */
final class PlumtreeChurn {

  /**
   * @param reliability every broadcast's reliability, in order
   * @param liveAtEnd live nodes after the last cycle
   * @param minReliability the worst broadcast
   * @param perfect broadcasts delivered to every live node
   * @param duplicateDeliveries deliveries of a broadcast a node had already delivered (must be 0)
   */
  record Result(double[] reliability, int liveAtEnd, double minReliability, int perfect, long duplicateDeliveries) {
    double mean() {
      double sum = 0;
      for (double r : reliability) {
        sum += r;
      }
      return reliability.length == 0 ? 1 : sum / reliability.length;
    }
  }

  /** Origins the broadcasts come from. */
  static final int ORIGINS = 10;

  private PlumtreeChurn() {}

  static Result run(OverlaySnapshot overlay, SimulationSettings settings, long seed) {
    Simulator sim = overlay.restore(settings, seed * 1_000 + 950);
    BroadcastLedger ledger = new BroadcastLedger();
    sim.attachBroadcast(settings.plumtree(), ledger);
    SplittableRandom random = new SplittableRandom(SimNetwork.mix(seed * 31337));
    List<Double> reliability = new ArrayList<>();
    double min = 1;
    int perfect = 0;
    long duplicates = 0;
    int[] origins = new int[ORIGINS];
    int[] members = sim.liveMembers();
    for (int i = 0; i < ORIGINS; i++) {
      origins[i] = members[random.nextInt(members.length)];
    }
    for (int c = 0; c < settings.churnCycles(); c++) {
      int[] live = sim.liveMembers();
      List<Integer> victims = new ArrayList<>();
      int count = Math.min(settings.churnFailuresPerCycle(), live.length - 2);
      for (int i = 0; i < count; i++) {
        int j = i + random.nextInt(live.length - i);
        int t = live[i];
        live[i] = live[j];
        live[j] = t;
        victims.add(live[i]);
      }
      sim.crash(victims);
      int[] survivors = sim.liveMembers();
      List<MessageId> sent = new ArrayList<>();
      for (int i = 0; i < ORIGINS; i++) {
        if (!sim.node(origins[i]).alive) {
          origins[i] = survivors[random.nextInt(survivors.length)];
        }
      }
      for (int b = 0; b < settings.churnBroadcastsPerCycle(); b++) {
        sent.add(sim.broadcast(origins[random.nextInt(ORIGINS)]));
      }
      sim.runFor(settings.cycleMillis());
      for (MessageId id : sent) {
        BroadcastLedger.Record r = ledger.record(id);
        int receivers = 0;
        int delivered = 0;
        for (int i = 0; i < sim.size(); i++) {
          if (sim.isLiveMember(i) && i != r.origin) {
            receivers++;
            if (r.delivered.get(i)) {
              delivered++;
            }
          }
        }
        double rel = receivers == 0 ? 1 : delivered / (double) receivers;
        reliability.add(rel);
        min = Math.min(min, rel);
        if (delivered == receivers) {
          perfect++;
        }
        duplicates += r.duplicateDeliveries;
      }
    }
    return new Result(reliability.stream().mapToDouble(Double::doubleValue).toArray(), sim.liveMembers().length, min,
        perfect, duplicates);
  }
}
