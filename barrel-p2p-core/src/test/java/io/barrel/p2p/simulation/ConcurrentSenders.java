package io.barrel.p2p.simulation;

import io.barrel.p2p.broadcast.MessageId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Plumtree with many senders at once, over a running overlay: {@code senders} random nodes take
 * turns to broadcast, {@code perSecond} broadcasts a second in all, evenly spaced, for
 * {@code millis} of virtual time while the membership timers run. This is the load the service
 * registry puts on the broadcast layer (every registering node heartbeats), and what a single
 * eager/lazy split per node could not carry: each node's eager links were pruned by one sender's
 * duplicates and needed by the next sender's broadcasts.
 *
 * <p>Broadcasts started from {@code steadyFromMillis} on are measured (each origin's first
 * broadcast floods to build its tree, so the window should start once every sender has sent);
 * optionally {@code crashes} nodes that do not send crash at once at {@code crashAtMillis}, inside
 * the window, so that every origin's tree loses links at the same moment. After the last broadcast
 * the run goes on for a repair window so every broadcast can finish. Then for each measured
 * broadcast: did every node alive at the end deliver it, how long until the last one did, its
 * longest path; and for the measured window, GRAFTs and PRUNEs per broadcast.
 */
final class ConcurrentSenders {

  /**
   * @param senders nodes that broadcast, picked at random
   * @param perSecond broadcasts a second over all senders, taken in turn
   * @param millis how long the senders send
   * @param steadyFromMillis broadcasts started before this are the warm-up, not measured
   * @param crashes nodes (never senders) that crash at once at {@code crashAtMillis}; 0 for none
   * @param crashAtMillis when they crash, from the start
   */
  record Load(int senders, int perSecond, long millis, long steadyFromMillis, int crashes, long crashAtMillis) {

    Load(int senders, int perSecond, long millis, long steadyFromMillis) {
      this(senders, perSecond, millis, steadyFromMillis, 0, 0);
    }

    @Override
    public String toString() {
      return String.format(Locale.ROOT, "%d/s over %d sender%s%s", perSecond, senders, senders == 1 ? "" : "s",
          crashes == 0 ? "" : String.format(Locale.ROOT, ", %d crash at %.0f s", crashes, crashAtMillis / 1000.0));
    }
  }

  /**
   * What one load measured; times in virtual milliseconds.
   *
   * @param load the load
   * @param broadcasts broadcasts measured
   * @param incomplete measured broadcasts that some node alive at the end never delivered
   * @param reliability deliveries to nodes alive at the end over (those nodes but the origin) x
   *     broadcasts, over the measured broadcasts
   * @param lastDeliveryMillis per measured broadcast, from its start to its last delivery, sorted
   * @param hops per measured broadcast, its longest path, sorted
   * @param graftsPerBroadcast GRAFTs sent in the measured window per measured broadcast
   * @param prunesPerBroadcast PRUNEs sent in the measured window per measured broadcast
   * @param redundancy payload messages received per delivery, minus one (0: each node got it once)
   * @param duplicateDeliveries deliveries of a broadcast a node had already delivered (must be 0)
   */
  record Result(Load load, int broadcasts, int incomplete, double reliability, long[] lastDeliveryMillis, int[] hops,
      double graftsPerBroadcast, double prunesPerBroadcast, double redundancy, long duplicateDeliveries) {

    long latencyPercentile(double p) {
      return RegistryRun.Result.percentile(lastDeliveryMillis, p);
    }

    int maxHops() {
      return hops.length == 0 ? 0 : hops[hops.length - 1];
    }

    int medianHops() {
      return hops.length == 0 ? 0 : hops[hops.length / 2];
    }

    String summary() {
      return String.format(Locale.ROOT, "%-22s %4d broadcasts, reliability %.4f %% (%d incomplete), last delivery"
          + " p50 %d ms p99 %d ms max %d ms, longest path p50 %d max %d hops, %.2f GRAFTs and %.2f PRUNEs per"
          + " broadcast, RMR %.3f, %d duplicate deliveries", load, broadcasts, 100 * reliability, incomplete, latencyPercentile(50),
          latencyPercentile(99), latencyPercentile(100), medianHops(), maxHops(), graftsPerBroadcast,
          prunesPerBroadcast, redundancy, duplicateDeliveries);
    }
  }

  /** Joins one by one through a random earlier node, then this many membership cycles. */
  static final int CYCLES = 10;

  private ConcurrentSenders() {}

  /** Builds the overlay of {@code settings} for {@code seed}, once for every load of a run. */
  static OverlaySnapshot overlay(SimulationSettings settings, long seed) {
    Simulator sim = new Simulator(settings.nodes(), settings.membership(), settings.network(seed), seed);
    SplittableRandom contacts = new SplittableRandom(seed);
    sim.join(0, List.of());
    for (int i = 1; i < settings.nodes(); i++) {
      sim.runUntil(i * settings.joinIntervalMillis());
      sim.join(i, List.of(contacts.nextInt(i)));
    }
    sim.runFor(CYCLES * settings.cycleMillis());
    sim.settleTraffic();
    return OverlaySnapshot.capture(sim);
  }

  static Result run(OverlaySnapshot overlay, SimulationSettings settings, long seed, Load load) {
    Simulator sim = overlay.restore(settings, seed * 1_000 + 970);
    BroadcastLedger ledger = new BroadcastLedger();
    sim.attachBroadcast(settings.plumtree(), ledger);
    SplittableRandom random = new SplittableRandom(SimNetwork.mix(seed * 7919 + load.senders()));
    int[] live = sim.liveMembers();
    int[] shuffled = pick(random, live, live.length);
    int[] senders = Arrays.copyOf(shuffled, load.senders());
    List<Integer> victims = new ArrayList<>();
    for (int i = 0; i < load.crashes(); i++) {
      victims.add(shuffled[load.senders() + i]);
    }
    boolean crashed = victims.isEmpty();
    long interval = Math.max(1, 1_000L / load.perSecond());
    long start = sim.now();
    long steadyFrom = start + load.steadyFromMillis();
    List<MessageId> measured = new ArrayList<>();
    BroadcastLedger.Control atSteady = null;
    for (int k = 0; start + k * interval < start + load.millis(); k++) {
      long at = start + k * interval;
      if (!crashed && at >= start + load.crashAtMillis()) {
        sim.runUntil(start + load.crashAtMillis());
        sim.crash(victims);
        crashed = true;
      }
      sim.runUntil(at);
      if (atSteady == null && at >= steadyFrom) {
        atSteady = ledger.control();
      }
      int sender = senders[k % senders.length];
      if (sim.node(sender).alive) {
        MessageId id = sim.broadcast(sender);
        if (at >= steadyFrom) {
          measured.add(id);
        }
      }
    }
    sim.runFor(settings.plumtree().repairWindow().toMillis() + 1_000);
    BroadcastLedger.Control window = ledger.control().minus(atSteady == null ? ledger.control() : atSteady);

    BitSet alive = new BitSet();
    for (int i : sim.liveMembers()) {
      alive.set(i);
    }
    int receivers = alive.cardinality() - 1;
    long[] last = new long[measured.size()];
    int[] hops = new int[measured.size()];
    int incomplete = 0;
    long deliveries = 0;
    long liveDeliveries = 0;
    long gossipReceived = 0;
    long duplicates = 0;
    for (int i = 0; i < measured.size(); i++) {
      BroadcastLedger.Record r = ledger.record(measured.get(i));
      BitSet reached = (BitSet) r.delivered.clone();
      reached.and(alive);
      if (reached.cardinality() < receivers) {
        incomplete++;
      }
      liveDeliveries += reached.cardinality();
      deliveries += r.deliveries;
      gossipReceived += r.gossipReceived;
      duplicates += r.duplicateDeliveries;
      last[i] = r.lastDeliveryAt - r.startedAt;
      hops[i] = r.maxHops;
    }
    Arrays.sort(last);
    Arrays.sort(hops);
    int n = Math.max(1, measured.size());
    return new Result(load, measured.size(), incomplete,
        measured.isEmpty() ? 1 : liveDeliveries / ((double) receivers * measured.size()), last, hops,
        window.grafts() / (double) n, window.prunes() / (double) n,
        deliveries == 0 ? 0 : gossipReceived / (double) deliveries - 1, duplicates);
  }

  private static int[] pick(SplittableRandom random, int[] from, int count) {
    int[] all = from.clone();
    for (int i = 0; i < count; i++) {
      int j = i + random.nextInt(all.length - i);
      int t = all[i];
      all[i] = all[j];
      all[j] = t;
    }
    return Arrays.copyOf(all, count);
  }
}
