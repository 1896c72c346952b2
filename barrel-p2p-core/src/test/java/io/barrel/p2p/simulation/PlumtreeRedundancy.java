package io.barrel.p2p.simulation;

import io.barrel.p2p.broadcast.MessageId;
import java.util.SplittableRandom;

/**
 * The Plumtree paper's stable scenario: one sender broadcasts over a settled overlay in which no
 * membership change happens (the membership timers stand still), and every broadcast plays out
 * completely, repairs included, before the next. Flooding over the same views, in the same
 * simulator, is measured for comparison.
 *
 * <p>Relative message redundancy (RMR) = payload (GOSSIP) messages received / (delivering nodes - 1)
 * - 1, where the delivering nodes include the sender; 0 means each node got the payload exactly
 * once. IHAVE, GRAFT and PRUNE messages are counted separately. The first broadcast builds the
 * tree (every link starts eager, each duplicate prunes one), so it is reported on its own and the
 * steady state is the mean over the broadcasts after it.
 *
 * @param floodRedundancy RMR of one flood from the sender
 * @param floodLastHop last delivery hop of that flood
 * @param firstRedundancy RMR of the first Plumtree broadcast
 * @param redundancy mean RMR of the later broadcasts
 * @param maxRedundancy worst RMR of the later broadcasts
 * @param receivers nodes that should deliver each broadcast (live members but the sender)
 * @param minDeliveries fewest deliveries of any broadcast
 * @param maxDeliveries most deliveries of any broadcast (duplicates included)
 * @param lastHop mean last delivery hop of the later broadcasts
 * @param maxLastHop largest last delivery hop of the later broadcasts
 * @param ihavePerBroadcast IHAVE messages per later broadcast
 * @param graftsPerBroadcast GRAFT messages per later broadcast
 * @param prunesPerBroadcast PRUNE messages per later broadcast
 * @param firstPrunes PRUNE messages of the first broadcast
 */
record PlumtreeRedundancy(double floodRedundancy, int floodLastHop, double firstRedundancy, double redundancy,
    double maxRedundancy, int receivers, int minDeliveries, int maxDeliveries, double lastHop, int maxLastHop,
    double ihavePerBroadcast, double graftsPerBroadcast, double prunesPerBroadcast, long firstPrunes) {

  static PlumtreeRedundancy run(OverlaySnapshot overlay, SimulationSettings settings, long seed) {
    Simulator sim = overlay.restore(settings, seed * 1_000 + 900);
    BroadcastLedger ledger = new BroadcastLedger();
    sim.attachBroadcast(settings.plumtree(), ledger);
    int[] live = sim.liveMembers();
    int sender = live[new SplittableRandom(seed ^ 0x77L).nextInt(live.length)];
    Flood.Result flood = new Flood(sim).from(sender, false);

    BroadcastLedger.Control before = ledger.control();
    BroadcastLedger.Record first = ledger.record(sim.broadcast(sender));
    sim.settleTraffic();
    BroadcastLedger.Control afterFirst = ledger.control();

    int later = settings.redundancyBroadcasts() - 1;
    double sum = 0;
    double max = 0;
    int minDeliveries = first.deliveries;
    int maxDeliveries = first.deliveries + first.duplicateDeliveries;
    long hopSum = 0;
    int maxHop = 0;
    for (int b = 0; b < later; b++) {
      MessageId id = sim.broadcast(sender);
      sim.settleTraffic();
      BroadcastLedger.Record r = ledger.record(id);
      double rmr = rmr(r);
      sum += rmr;
      max = Math.max(max, rmr);
      minDeliveries = Math.min(minDeliveries, r.deliveries);
      maxDeliveries = Math.max(maxDeliveries, r.deliveries + r.duplicateDeliveries);
      hopSum += r.maxHops;
      maxHop = Math.max(maxHop, r.maxHops);
    }
    BroadcastLedger.Control steady = ledger.control().minus(afterFirst);
    int n = Math.max(1, later);
    return new PlumtreeRedundancy(flood.redundancy(), flood.lastHop(), rmr(first), sum / n, max, live.length - 1,
        minDeliveries, maxDeliveries, hopSum / (double) n, maxHop, steady.ihaveMessages() / (double) n,
        steady.grafts() / (double) n, steady.prunes() / (double) n, afterFirst.minus(before).prunes());
  }

  /** Payload messages received per delivering node other than the sender, minus one. */
  static double rmr(BroadcastLedger.Record r) {
    return r.deliveries == 0 ? 0 : r.gossipReceived / (double) r.deliveries - 1;
  }
}
