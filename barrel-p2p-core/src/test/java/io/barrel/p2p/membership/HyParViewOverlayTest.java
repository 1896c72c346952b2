package io.barrel.p2p.membership;

import static io.barrel.p2p.membership.InMemoryOverlay.name;
import static org.assertj.core.api.Assertions.assertThat;

import io.barrel.p2p.NodeName;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Many nodes in the in-memory harness: joins, shuffles, failures, leaves, partitions. */
class HyParViewOverlayTest {

  private static final MembershipConfig DEFAULTS = MembershipConfig.defaults();

  /**
   * Joins {@code n} nodes one by one, each through a random earlier node; after each join the views
   * are symmetric and bounded and no joined node is without a neighbour.
   */
  static InMemoryOverlay grow(InMemoryOverlay overlay, int n) {
    List<NodeName> joined = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      NodeName node = name(i);
      overlay.add(node);
      List<NodeName> contacts = joined.isEmpty() ? List.of()
          : List.of(joined.get(overlay.random().nextInt(joined.size())));
      overlay.join(node, contacts);
      overlay.advance(Duration.ofMillis(200));
      joined.add(node);
      overlay.assertQuiescentInvariants();
      if (joined.size() > 1 && joined.stream().anyMatch(j -> overlay.node(j).activeView().isEmpty())) {
        // In a tiny overlay every neighbour of a node can evict it at once to make room for the
        // newcomer; it then waits out its evictors' hold-off (one backoff step), so as not to push
        // the eviction on in no time, and relinks at the next repair tick.
        overlay.advance(Duration.ofSeconds(10));
        overlay.assertQuiescentInvariants();
      }
      for (NodeName j : joined.size() > 1 ? joined : List.<NodeName>of()) {
        assertThat(overlay.node(j).activeView()).as("active view of %s after %d joins", j, joined.size())
            .isNotEmpty();
      }
    }
    return overlay;
  }

  private static void assertOneHealthyOverlay(InMemoryOverlay overlay) {
    overlay.assertQuiescentInvariants();
    List<NodeName> members = overlay.aliveMembers();
    assertThat(overlay.components(members)).as("components of the active-view graph").hasSize(1);
    for (NodeName n : members) {
      assertThat(overlay.node(n).activeView()).as("active view of %s", n).isNotEmpty();
    }
  }

  @Test
  void hundredNodesJoiningOneByOneStaySymmetricBoundedAndConnected() {
    InMemoryOverlay overlay = grow(new InMemoryOverlay(DEFAULTS, 1), 100);
    overlay.advance(Duration.ofMinutes(5));
    assertOneHealthyOverlay(overlay);
    List<NodeName> members = overlay.aliveMembers();
    for (NodeName n : members) {
      assertThat(overlay.node(n).passiveView()).as("passive view of %s", n).isNotEmpty();
    }
    assertThat(overlay.averageActiveSize(members)).isGreaterThan(4.5);
  }

  @Test
  void theSameSeedGivesTheSameRunEventForEvent() {
    InMemoryOverlay first = grow(new InMemoryOverlay(DEFAULTS, 11).timerInterleaving(0.05), 40);
    InMemoryOverlay second = grow(new InMemoryOverlay(DEFAULTS, 11).timerInterleaving(0.05), 40);
    first.advance(Duration.ofMinutes(2));
    second.advance(Duration.ofMinutes(2));
    assertThat(second.eventLog()).isEqualTo(first.eventLog());
    for (NodeName n : first.aliveMembers()) {
      assertThat(second.node(n).activeView()).isEqualTo(first.node(n).activeView());
      assertThat(second.node(n).passiveView()).isEqualTo(first.node(n).passiveView());
    }
  }

  @Test
  void twoHundredNodesJoiningWhileTimersInterleaveWithMessagesKeepEveryInvariant() {
    InMemoryOverlay overlay = grow(new InMemoryOverlay(DEFAULTS, 2).timerInterleaving(0.05), 200);
    overlay.advance(Duration.ofMinutes(3));
    assertOneHealthyOverlay(overlay);
  }

  @Test
  void passiveViewsFillThroughShufflesAndStayBounded() {
    InMemoryOverlay overlay = grow(new InMemoryOverlay(DEFAULTS, 3), 80);
    overlay.advance(Duration.ofMinutes(10));
    overlay.assertQuiescentInvariants();
    double averagePassive = overlay.aliveMembers().stream()
        .mapToInt(n -> overlay.node(n).passiveView().size()).average().orElse(0);
    assertThat(averagePassive).isGreaterThan(DEFAULTS.passiveSize() * 0.8);
  }

  @Test
  void failingTwentyPercentOfNodesIsRepairedFromPassiveViews() {
    InMemoryOverlay overlay = grow(new InMemoryOverlay(DEFAULTS, 4), 150);
    overlay.advance(Duration.ofMinutes(3));
    List<NodeName> victims = new ArrayList<>(overlay.aliveMembers());
    java.util.Collections.shuffle(victims, new java.util.Random(4));
    for (NodeName victim : victims.subList(0, 30)) {
      overlay.crash(victim);
    }
    overlay.advance(Duration.ofSeconds(30));
    assertOneHealthyOverlay(overlay);
    List<NodeName> live = overlay.aliveMembers();
    for (NodeName n : live) {
      assertThat(overlay.alive()).containsAll(overlay.node(n).activeView());
    }
    assertThat(overlay.averageActiveSize(live)).isGreaterThan(4.5);
  }

  @Test
  void gracefulLeaveTellsEveryNeighbourAndTheirViewsAreRepaired() {
    InMemoryOverlay overlay = grow(new InMemoryOverlay(DEFAULTS, 5), 40);
    overlay.advance(Duration.ofMinutes(1));
    NodeName leaver = name(17);
    Set<NodeName> neighbours = overlay.node(leaver).activeView();
    overlay.leave(leaver);
    overlay.settle();
    for (NodeName n : neighbours) {
      assertThat(overlay.eventLog()).contains(n + " down " + leaver + " GRACEFUL");
      // a leaver is forgotten, not kept as a replacement (others may still gossip its name)
      assertThat(overlay.node(n).passiveView()).doesNotContain(leaver);
    }
    assertThat(overlay.node(leaver).activeView()).isEmpty();
    overlay.advance(Duration.ofMinutes(2));
    assertOneHealthyOverlay(overlay);
    for (NodeName n : overlay.aliveMembers()) {
      assertThat(overlay.node(n).activeView()).doesNotContain(leaver);
    }
  }

  @Test
  void halvesOfAPartitionFindEachOtherAgainAfterItHealsWithoutAManualJoin() {
    InMemoryOverlay overlay = grow(new InMemoryOverlay(DEFAULTS, 6), 60);
    overlay.advance(Duration.ofMinutes(2));
    List<NodeName> half = new ArrayList<>();
    for (int i = 0; i < 60; i += 2) {
      half.add(name(i));
    }
    overlay.partition(half);
    overlay.advance(Duration.ofMinutes(20));
    overlay.assertQuiescentInvariants();
    for (NodeName n : overlay.aliveMembers()) {
      Set<NodeName> active = overlay.node(n).activeView();
      boolean inHalf = half.contains(n);
      assertThat(active).allMatch(p -> half.contains(p) == inHalf, "links only within its side");
    }
    assertThat(overlay.components(overlay.aliveMembers())).hasSizeGreaterThanOrEqualTo(2);

    overlay.heal();
    overlay.advance(Duration.ofMinutes(10));
    assertOneHealthyOverlay(overlay);
  }

  @Test
  void aNodeCutOffFromEverybodyRejoinsThroughItsContactOnceReachable() {
    InMemoryOverlay overlay = grow(new InMemoryOverlay(DEFAULTS, 7), 10);
    NodeName loner = name(10);
    overlay.add(loner);
    overlay.partition(List.of(loner));
    overlay.join(loner, List.of(name(0)));
    overlay.advance(Duration.ofMinutes(3));
    assertThat(overlay.node(loner).activeView()).isEmpty();
    overlay.heal();
    overlay.advance(Duration.ofMinutes(6));
    assertOneHealthyOverlay(overlay);
    assertThat(overlay.node(loner).activeView()).isNotEmpty();
  }
}
