package io.barrel.p2p.membership;

import static io.barrel.p2p.membership.InMemoryOverlay.name;
import static org.assertj.core.api.Assertions.assertThat;

import io.barrel.p2p.NodeName;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.LongStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Randomized runs, one per seed: a grown overlay goes through a random mix of joins, crashes,
 * leaves, partitions and heals, with timers interleaved between deliveries. The harness checks the
 * step invariants after every delivery; once the dust settles the survivors form one symmetric,
 * bounded overlay with nobody alone.
 */
class HyParViewRandomChurnTest {

  /** 12 seeds by default; {@code -Dmembership.churn.seeds=500} for a long hunt. */
  static LongStream seeds() {
    return LongStream.rangeClosed(1, Long.getLong("membership.churn.seeds", 12));
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void survivorsOfRandomChurnEndInOneHealthyOverlay(long seed) {
    SplittableRandom random = new SplittableRandom(seed * 7919);
    MembershipConfig config = random.nextBoolean() ? MembershipConfig.defaults()
        : MembershipConfig.builder().activeSize(3).passiveSize(10).build();
    double interleaving = Double.parseDouble(System.getProperty("membership.churn.interleaving", "0.02"));
    InMemoryOverlay overlay = new InMemoryOverlay(config, seed).timerInterleaving(interleaving);
    int initial = 20 + random.nextInt(31);
    HyParViewOverlayTest.grow(overlay, initial);
    int next = initial;
    int crashed = 0;

    for (int op = 0; op < 40; op++) {
      List<NodeName> members = overlay.aliveMembers();
      int dice = random.nextInt(100);
      if (dice < 30) {
        NodeName joiner = name(next++);
        overlay.add(joiner);
        overlay.join(joiner, List.of(members.get(random.nextInt(members.size()))));
      } else if (dice < 45 && crashed < initial / 5) {
        overlay.crash(members.get(random.nextInt(members.size())));
        crashed++;
      } else if (dice < 55 && members.size() > 10) {
        overlay.leave(members.get(random.nextInt(members.size())));
      } else if (dice < 65) {
        List<NodeName> side = new ArrayList<>();
        for (NodeName n : members) {
          if (random.nextInt(100) < 40) {
            side.add(n);
          }
        }
        overlay.partition(side);
        overlay.advance(Duration.ofSeconds(5 + random.nextInt(600)));
        overlay.heal();
      }
      overlay.advance(Duration.ofMillis(random.nextInt(60_000)));
    }

    overlay.advance(Duration.ofMinutes(10));
    overlay.assertQuiescentInvariants();
    List<NodeName> survivors = overlay.aliveMembers();
    assertThat(overlay.components(survivors)).as("components").hasSize(1);
    for (NodeName n : survivors) {
      assertThat(overlay.node(n).activeView()).as("active view of %s", n).isNotEmpty();
      assertThat(overlay.alive()).containsAll(overlay.node(n).activeView());
    }
  }
}
