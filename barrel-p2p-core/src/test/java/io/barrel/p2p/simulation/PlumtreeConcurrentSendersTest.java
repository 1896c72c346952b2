package io.barrel.p2p.simulation;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Plumtree with many concurrent senders on 1,000 simulated nodes (see {@link ConcurrentSenders}),
 * next to one sender at the same rate over the same overlay; all times are virtual.
 *
 * <p>One spanning tree per origin is what keeps the two alike. With a single eager/lazy split per
 * node shared by every origin (the code before per-root trees), the same runs gave p99 4.5–4.6 s to
 * the last node over paths of up to 49–54 hops, with 268–406 GRAFTs per broadcast and a payload
 * redundancy of 0.40–0.58, for every multi-sender load here, crashes or not: each origin's
 * duplicates pruned links the next origin's broadcasts needed. Every bound below on latency, hops,
 * GRAFTs, PRUNEs and redundancy fails by an order of magnitude on that code; one sender was 193 ms
 * over 7 hops with no GRAFT on both.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PlumtreeConcurrentSendersTest {

  private static final int NODES = 1_000;
  private static final long SEED = 1;

  private ConcurrentSenders.Result single;
  private List<ConcurrentSenders.Result> concurrent;
  private ConcurrentSenders.Result withCrashes;

  @BeforeAll
  void simulate() {
    SimulationSettings settings = SimulationSettings.papers(NODES, 1);
    OverlaySnapshot overlay = ConcurrentSenders.overlay(settings, SEED);
    // Measured windows start once every sender has broadcast once: an origin's first broadcast
    // floods to build its tree, which is the paper's start-up cost, paid once per origin.
    single = run(overlay, settings, new ConcurrentSenders.Load(1, 10, 20_000, 5_000));
    concurrent = List.of(
        run(overlay, settings, new ConcurrentSenders.Load(100, 10, 40_000, 15_000)),
        run(overlay, settings, new ConcurrentSenders.Load(10, 50, 20_000, 5_000)),
        run(overlay, settings, new ConcurrentSenders.Load(1_000, 50, 24_000, 21_000)));
    withCrashes = run(overlay, settings, new ConcurrentSenders.Load(100, 10, 40_000, 15_000, 20, 25_000));
  }

  private static ConcurrentSenders.Result run(OverlaySnapshot overlay, SimulationSettings settings,
      ConcurrentSenders.Load load) {
    ConcurrentSenders.Result r = ConcurrentSenders.run(overlay, settings, SEED, load);
    System.out.println("concurrent senders: " + r.summary());
    return r;
  }

  @Test
  void everyBroadcastReachesEveryLiveNodeOnce() {
    SoftAssertions soft = new SoftAssertions();
    for (ConcurrentSenders.Result r : all()) {
      soft.assertThat(r.broadcasts()).as("%s: broadcasts measured", r.load()).isGreaterThanOrEqualTo(150);
      soft.assertThat(r.incomplete()).as("%s: broadcasts some live node missed", r.load()).isZero();
      soft.assertThat(r.reliability()).as("%s: reliability", r.load()).isEqualTo(1.0);
      soft.assertThat(r.duplicateDeliveries()).as("%s: duplicate deliveries", r.load()).isZero();
    }
    soft.assertAll();
  }

  @Test
  void aSingleSenderNeedsNoRepairInASteadyOverlay() {
    assertThat(single.graftsPerBroadcast()).isZero();
    assertThat(single.redundancy()).isLessThan(0.01);
  }

  @Test
  void concurrentSendersAreDeliveredAsFastAsOneSender() {
    SoftAssertions soft = new SoftAssertions();
    for (ConcurrentSenders.Result r : concurrent) {
      soft.assertThat(r.latencyPercentile(99)).as("%s: p99 to the last node, ms (one sender: %d)", r.load(),
          single.latencyPercentile(99)).isLessThanOrEqualTo(single.latencyPercentile(99) * 5 / 4);
      soft.assertThat(r.maxHops()).as("%s: longest path (one sender: %d)", r.load(), single.maxHops())
          .isLessThanOrEqualTo(single.maxHops() + 2);
    }
    soft.assertAll();
  }

  @Test
  void concurrentSendersKeepTheirTreesWithoutRepairs() {
    SoftAssertions soft = new SoftAssertions();
    for (ConcurrentSenders.Result r : concurrent) {
      soft.assertThat(r.graftsPerBroadcast()).as("%s: GRAFTs per broadcast", r.load()).isLessThanOrEqualTo(0.5);
      soft.assertThat(r.prunesPerBroadcast()).as("%s: PRUNEs per broadcast", r.load()).isLessThanOrEqualTo(10);
      soft.assertThat(r.redundancy()).as("%s: payload redundancy (RMR)", r.load()).isLessThan(0.01);
    }
    soft.assertAll();
  }

  /**
   * 20 nodes crash at once while 100 origins send: every origin's tree loses links at the same
   * moment, the lazy links graft them back (within the first GRAFT timeout and a retry), and the
   * trees settle again.
   */
  @Test
  void everyOriginsTreeHealsAfterCrashes() {
    assertThat(withCrashes.latencyPercentile(99)).as("p99 to the last node, ms").isLessThanOrEqualTo(2_000);
    assertThat(withCrashes.graftsPerBroadcast()).as("GRAFTs per broadcast").isLessThanOrEqualTo(20);
    assertThat(withCrashes.latencyPercentile(50)).as("p50 to the last node, ms (most broadcasts meet no dead link)")
        .isLessThanOrEqualTo(single.latencyPercentile(50) * 3 / 2);
  }

  private List<ConcurrentSenders.Result> all() {
    List<ConcurrentSenders.Result> out = new java.util.ArrayList<>(concurrent);
    out.add(single);
    out.add(withCrashes);
    return out;
  }
}
