package io.barrel.p2p.broadcast;

import static org.assertj.core.api.Assertions.assertThat;

import io.barrel.p2p.NodeName;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Plumtree on 100 nodes of a fixed random 5-regular overlay, in virtual time with seeded latencies:
 * exactly-once delivery, a tree that carries exactly N-1 payloads per broadcast once it has settled,
 * and repair through GRAFT (retries included) under message loss, failed links and silent crashes.
 */
class PlumtreeClusterTest {

  private static final int N = 100;
  private static final int DEGREE = 5;
  private static final long SEED = 2007L;
  private static final PlumtreeConfig CONFIG = PlumtreeConfig.defaults();

  @Test
  void everyNodeDeliversEachBroadcastExactlyOnce() {
    PlumtreeCluster cluster = cluster(CONFIG);
    Random pick = new Random(SEED);

    List<Sent> sent = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      NodeName origin = cluster.names().get(pick.nextInt(N));
      sent.add(new Sent(cluster.broadcast(origin, "m" + i), origin));
      cluster.runFor(Duration.ofMillis(15));
    }
    cluster.runUntilQuiet();

    for (Sent s : sent) {
      assertThat(cluster.deliveryProblems(s.id, s.origin)).isEmpty();
    }
  }

  @Test
  void afterTheFirstFloodTheTreeCarriesExactlyNMinusOnePayloadsPerBroadcast() {
    PlumtreeCluster cluster = cluster(CONFIG);
    NodeName sender = cluster.names().get(0);

    MessageId flood = cluster.broadcast(sender, "first");
    cluster.runUntilQuiet();
    int floodPayloads = cluster.gossipReceived(flood);
    List<Integer> payloads = new ArrayList<>();
    List<Double> redundancy = new ArrayList<>();
    int lastHop = 0;
    for (int i = 0; i < 50; i++) {
      MessageId id = cluster.broadcast(sender, "m" + i);
      cluster.runUntilQuiet();
      assertThat(cluster.deliveryProblems(id, sender)).isEmpty();
      payloads.add(cluster.gossipSent(id));
      redundancy.add(cluster.redundancy(id));
      lastHop = Math.max(lastHop, cluster.lastDeliveryHop(id));
    }

    report("single sender, stable overlay: first broadcast (flood) " + floodPayloads + " payloads, RMR "
        + String.format("%.3f", cluster.redundancy(flood)) + "; next 50: payloads " + payloads.get(0) + ".."
        + payloads.stream().mapToInt(Integer::intValue).max().orElse(0) + " per broadcast, RMR max "
        + redundancy.stream().mapToDouble(Double::doubleValue).max().orElse(0) + ", last delivery hop " + lastHop
        + ", GRAFTs " + cluster.sent(BroadcastMessage.Graft.class));
    assertThat(floodPayloads).isGreaterThan(N - 1);
    assertThat(payloads).containsOnly(N - 1);
    assertThat(redundancy).containsOnly(0.0);
    assertThat(cluster.sent(BroadcastMessage.Graft.class)).isZero();
  }

  /**
   * Each origin has a tree of its own: its first broadcast floods and prunes it into shape, and from
   * then on its broadcasts take N-1 payloads however the origins interleave (with one tree shared by
   * all origins, each origin's duplicates pruned links the others' paths needed).
   */
  @Test
  void everyOriginsTreeSettlesAfterItsFirstBroadcastAndInterleavedOriginsKeepTheirs() {
    PlumtreeCluster cluster = cluster(CONFIG);
    List<NodeName> origins = new ArrayList<>();
    for (int i = 1; i < N; i += 7) {
      origins.add(cluster.names().get(i));
    }
    for (NodeName origin : origins) {
      MessageId first = cluster.broadcast(origin, "first from " + origin);
      cluster.runUntilQuiet();
      assertThat(cluster.deliveryProblems(first, origin)).isEmpty();
      assertThat(cluster.gossipSent(first)).as("the first broadcast from %s floods", origin).isGreaterThan(N - 1);
    }
    long graftsBefore = cluster.sent(BroadcastMessage.Graft.class);

    for (int round = 0; round < 3; round++) {
      for (NodeName origin : origins) {
        MessageId id = cluster.broadcast(origin, "round " + round + " from " + origin);
        cluster.runUntilQuiet();
        assertThat(cluster.deliveryProblems(id, origin)).isEmpty();
        assertThat(cluster.gossipSent(id)).as("payloads for a broadcast from %s", origin).isEqualTo(N - 1);
      }
    }
    assertThat(cluster.sent(BroadcastMessage.Graft.class)).isEqualTo(graftsBefore);
  }

  @Test
  void tenPercentMessageLossStillReachesEveryNodeThroughGrafts() {
    PlumtreeCluster cluster = cluster(CONFIG);
    cluster.broadcast(cluster.names().get(0), "settle");
    cluster.runUntilQuiet();
    cluster.setLoss(0.10);
    Random pick = new Random(SEED + 1);

    List<Double> redundancy = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      NodeName origin = cluster.names().get(pick.nextInt(N));
      MessageId id = cluster.broadcast(origin, "lossy " + i);
      cluster.runUntilQuiet();
      assertThat(cluster.deliveryProblems(id, origin)).as("broadcast %d", i).isEmpty();
      redundancy.add(cluster.redundancy(id));
    }

    report("10% loss: " + cluster.lost() + " messages lost, GRAFTs " + cluster.sent(BroadcastMessage.Graft.class)
        + " of which retries " + cluster.retryGrafts() + ", mean RMR "
        + String.format("%.3f", redundancy.stream().mapToDouble(Double::doubleValue).average().orElse(0)));
    assertThat(cluster.sent(BroadcastMessage.Graft.class)).isPositive();
    assertThat(cluster.retryGrafts()).as("GRAFTs retried with the next announcer").isPositive();
  }

  @Test
  void failedLinksHealThroughLazyPeersAndTheTreeSettlesAgain() {
    PlumtreeCluster cluster = cluster(CONFIG);
    NodeName sender = cluster.names().get(0);
    cluster.broadcast(sender, "settle");
    cluster.runUntilQuiet();

    List<NodeName[]> cut = failTreeLinks(cluster, sender, 10);
    List<Integer> payloads = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      MessageId id = cluster.broadcast(sender, "after cut " + i);
      cluster.runUntilQuiet();
      assertThat(cluster.deliveryProblems(id, sender)).as("broadcast %d after the cuts", i).isEmpty();
      payloads.add(cluster.gossipSent(id));
    }

    report("10 tree links failed: payloads per broadcast afterwards " + payloads + ", GRAFTs "
        + cluster.sent(BroadcastMessage.Graft.class));
    assertThat(cut).hasSize(10);
    assertThat(cluster.sent(BroadcastMessage.Graft.class)).as("the orphaned subtrees were grafted back").isPositive();
    assertThat(payloads.get(payloads.size() - 1)).as("a tree again").isEqualTo(N - 1);
  }

  @Test
  void silentlyCrashedNodesDoNotKeepLiveNodesFromDelivering() {
    PlumtreeCluster cluster = cluster(CONFIG);
    NodeName sender = cluster.names().get(0);
    cluster.broadcast(sender, "settle");
    cluster.runUntilQuiet();
    Set<NodeName> crashed = new HashSet<>();
    for (int i = 1; crashed.size() < 5; i += 11) {
      NodeName victim = cluster.names().get(i);
      crashed.add(victim);
      if (!cluster.overlay().isConnected(crashed)) {
        crashed.remove(victim);
      }
    }
    crashed.forEach(cluster::crash);

    for (int i = 0; i < 10; i++) {
      MessageId id = cluster.broadcast(sender, "after crashes " + i);
      cluster.runUntilQuiet();
      assertThat(cluster.deliveryProblems(id, sender)).as("broadcast %d", i).isEmpty();
    }
    assertThat(cluster.sent(BroadcastMessage.Graft.class)).isPositive();
  }

  @Test
  void lossAndFailedLinksTogetherExerciseTheGraftRetry() {
    PlumtreeCluster cluster = cluster(CONFIG);
    NodeName sender = cluster.names().get(0);
    cluster.broadcast(sender, "settle");
    cluster.runUntilQuiet();
    failTreeLinks(cluster, sender, 5);
    cluster.setLoss(0.10);

    for (int i = 0; i < 20; i++) {
      MessageId id = cluster.broadcast(sender, "rough " + i);
      cluster.runUntilQuiet();
      assertThat(cluster.deliveryProblems(id, sender)).as("broadcast %d", i).isEmpty();
    }
    assertThat(cluster.retryGrafts()).isPositive();
  }

  @Test
  void treeOptimisationKeepsDeliveryExactlyOnce() {
    PlumtreeCluster cluster = cluster(CONFIG.withTreeOptimisation(true, 2));
    NodeName sender = cluster.names().get(0);
    cluster.broadcast(sender, "settle");
    cluster.runUntilQuiet();

    int lastHop = 0;
    List<Integer> payloads = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      MessageId id = cluster.broadcast(sender, "m" + i);
      cluster.runUntilQuiet();
      assertThat(cluster.deliveryProblems(id, sender)).isEmpty();
      lastHop = Math.max(lastHop, cluster.lastDeliveryHop(id));
      payloads.add(cluster.gossipSent(id));
    }
    report("tree optimisation on (threshold 2): last delivery hop " + lastHop + ", payloads per broadcast "
        + payloads.subList(payloads.size() - 5, payloads.size()));
  }

  @Test
  void sameSeedGivesTheSameRun() {
    assertThat(fingerprint()).isEqualTo(fingerprint());
  }

  private static String fingerprint() {
    PlumtreeCluster cluster = cluster(CONFIG);
    cluster.setLoss(0.05);
    StringBuilder trace = new StringBuilder();
    for (int i = 0; i < 10; i++) {
      MessageId id = cluster.broadcast(cluster.names().get(i * 3), "m" + i);
      cluster.runUntilQuiet();
      trace.append(id).append(':').append(cluster.gossipSent(id)).append(':').append(cluster.lastDeliveryHop(id))
          .append(' ');
    }
    return trace + " grafts=" + cluster.sent(BroadcastMessage.Graft.class) + " ihaves="
        + cluster.sent(BroadcastMessage.IHave.class) + " lost=" + cluster.lost();
  }

  /**
   * Fails {@code count} links that are in {@code root}'s tree (eager at both ends) without
   * disconnecting the overlay.
   */
  private static List<NodeName[]> failTreeLinks(PlumtreeCluster cluster, NodeName root, int count) {
    List<NodeName[]> cut = new ArrayList<>();
    for (NodeName a : cluster.names()) {
      for (NodeName b : List.copyOf(cluster.node(a).eagerPeers(root))) {
        if (cut.size() == count) {
          return cut;
        }
        boolean alreadyTouched = cut.stream().anyMatch(l -> l[0].equals(a) || l[1].equals(a) || l[0].equals(b)
            || l[1].equals(b));
        if (a.compareTo(b) < 0 && !alreadyTouched && cluster.node(b).eagerPeers(root).contains(a)) {
          if (cluster.overlay().staysConnectedWithout(a, b)) {
            cluster.failLink(a, b);
            cut.add(new NodeName[] {a, b});
          }
        }
      }
    }
    return cut;
  }

  private static PlumtreeCluster cluster(PlumtreeConfig config) {
    return new PlumtreeCluster(Overlay.randomRegular(N, DEGREE, SEED), config, SEED);
  }

  private static void report(String line) {
    System.out.println("[plumtree-cluster N=" + N + " degree=" + DEGREE + " seed=" + SEED + "] " + line);
  }

  private record Sent(MessageId id, NodeName origin) {}
}
