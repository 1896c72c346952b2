package io.barrel.p2p.simulation;

import io.barrel.p2p.broadcast.PlumtreeConfig;
import io.barrel.p2p.membership.MembershipConfig;
import java.time.Duration;
import java.util.List;

/**
 * Everything an experiment run depends on. {@link #papers(int, int)} gives the papers' settings
 * (active 5, passive 30, ARWL 6, PRWL 3, shuffles of 8 ids, fixed shuffle period, 50 cycles after
 * the joins) for a given size; the test and the full run differ only in size and seed count.
 *
 * @param nodes overlay size
 * @param seeds independent runs averaged; seed s of a run is {@code firstSeed + s}
 * @param firstSeed the first seed
 * @param cycles membership cycles (shuffle periods) run after the last join
 * @param joinIntervalMillis time between two joins; nodes join one by one, each through a random
 *     node that joined before it
 * @param minLatencyMillis fastest link, one way
 * @param maxLatencyMillis slowest link, one way
 * @param crashDetection how the peers of a crashed node find out
 * @param pathSources breadth-first searches for the average shortest path and the flood's last hop
 * @param failurePercents failure rates of the reliability experiment
 * @param burstBroadcasts floods sent after the failure, before the next cycle
 * @param reliableFraction the fraction of live nodes a probe must reach for "reliability regained"
 * @param healingProbes probe floods per measurement of the healing experiment
 * @param healingMaxCycles cycles after which the healing experiment gives up
 * @param redundancyBroadcasts Plumtree broadcasts of the single sender in the stable overlay
 * @param churnCycles cycles of the Plumtree churn experiment
 * @param churnFailuresPerCycle nodes crashing at the start of each churn cycle
 * @param churnBroadcastsPerCycle Plumtree broadcasts per churn cycle, from random live nodes
 * @param membership HyParView settings of every node
 * @param plumtree Plumtree settings of every node
 */
record SimulationSettings(
    int nodes,
    int seeds,
    long firstSeed,
    int cycles,
    long joinIntervalMillis,
    int minLatencyMillis,
    int maxLatencyMillis,
    SimNetwork.CrashDetection crashDetection,
    int pathSources,
    List<Integer> failurePercents,
    int burstBroadcasts,
    double reliableFraction,
    int healingProbes,
    int healingMaxCycles,
    int redundancyBroadcasts,
    int churnCycles,
    int churnFailuresPerCycle,
    int churnBroadcastsPerCycle,
    MembershipConfig membership,
    PlumtreeConfig plumtree) {

  /** The papers' settings for {@code nodes} nodes and {@code seeds} seeds. */
  static SimulationSettings papers(int nodes, int seeds) {
    MembershipConfig membership = MembershipConfig.defaults().toBuilder()
        .activeSize(5)
        .passiveSize(30)
        .activeRandomWalkLength(6)
        .passiveRandomWalkLength(3)
        .shuffleActive(3)
        .shufflePassive(4) // with the node itself: 8 ids per shuffle
        .shuffleTtl(3)
        .shufflePeriod(Duration.ofSeconds(10))
        .adaptiveShuffle(false) // the papers' fixed cycles: one shuffle per node per cycle
        .build();
    return new SimulationSettings(nodes, seeds, 1, 50, 10, 20, 40, SimNetwork.CrashDetection.ON_CRASH, 1000,
        List.of(10, 20, 30, 40, 50, 60, 70, 80, 90, 95), 1000, 0.999, 10, 3, 20, 100,
        Math.max(1, nodes / 200), 1, membership, PlumtreeConfig.defaults());
  }

  long cycleMillis() {
    return membership.shufflePeriod().toMillis();
  }

  SimNetwork network(long seed) {
    SimNetwork network = new SimNetwork(seed, minLatencyMillis, maxLatencyMillis);
    network.crashDetection(crashDetection);
    return network;
  }

  SimulationSettings withSeeds(int count) {
    return new SimulationSettings(nodes, count, firstSeed, cycles, joinIntervalMillis, minLatencyMillis,
        maxLatencyMillis, crashDetection, pathSources, failurePercents, burstBroadcasts, reliableFraction,
        healingProbes, healingMaxCycles, redundancyBroadcasts, churnCycles, churnFailuresPerCycle,
        churnBroadcastsPerCycle, membership, plumtree);
  }

  SimulationSettings withLatency(int minMillis, int maxMillis) {
    return new SimulationSettings(nodes, seeds, firstSeed, cycles, joinIntervalMillis, minMillis, maxMillis,
        crashDetection, pathSources, failurePercents, burstBroadcasts, reliableFraction, healingProbes,
        healingMaxCycles, redundancyBroadcasts, churnCycles, churnFailuresPerCycle, churnBroadcastsPerCycle,
        membership, plumtree);
  }

  SimulationSettings withCrashDetection(SimNetwork.CrashDetection detection) {
    return new SimulationSettings(nodes, seeds, firstSeed, cycles, joinIntervalMillis, minLatencyMillis,
        maxLatencyMillis, detection, pathSources, failurePercents, burstBroadcasts, reliableFraction,
        healingProbes, healingMaxCycles, redundancyBroadcasts, churnCycles, churnFailuresPerCycle,
        churnBroadcastsPerCycle, membership, plumtree);
  }
}
