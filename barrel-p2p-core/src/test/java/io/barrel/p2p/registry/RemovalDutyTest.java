package io.barrel.p2p.registry;

import static org.assertj.core.api.Assertions.assertThat;

import io.barrel.p2p.NodeName;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Who removes a dead node's registry entries, and after how long. */
class RemovalDutyTest {

  private static final Duration INTERVAL = Duration.ofSeconds(2);
  private static final long NOW = 1_000;

  /** {@code count} nodes, each hearing the heartbeats of all the others. */
  private static List<RemovalDuty> cluster(int count, long seed) {
    List<NodeName> names = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      names.add(NodeName.of("n" + i + "@h"));
    }
    List<RemovalDuty> duties = new ArrayList<>();
    for (NodeName self : names) {
      Liveness liveness = new Liveness(self, 1, LivenessConfig.defaults());
      for (NodeName other : names) {
        liveness.track(other, 1, NOW);
      }
      duties.add(new RemovalDuty(self, liveness, INTERVAL, new SplittableRandom(seed + duties.size())));
    }
    return duties;
  }

  @Test
  void exactlyTheRemoversFirstInRankHaveTheDutyWhenEveryNodeHearsTheSameLiveNodes() {
    List<RemovalDuty> cluster = cluster(12, 1);
    for (int d = 0; d < 50; d++) {
      NodeName dead = NodeName.of("dead" + d + "@h");
      long withDuty = cluster.stream().filter(duty -> duty.hasDuty(dead, NOW, true)).count();
      assertThat(withDuty).as("nodes on duty for %s", dead).isEqualTo(RemovalDuty.REMOVERS);
    }
  }

  @Test
  void theDutyIsSpreadOverTheNodesRatherThanFallingOnTheSameOnes() {
    List<RemovalDuty> cluster = cluster(12, 2);
    int[] duties = new int[cluster.size()];
    for (int d = 0; d < 600; d++) {
      NodeName dead = NodeName.of("dead" + d + "@h");
      for (int i = 0; i < cluster.size(); i++) {
        if (cluster.get(i).hasDuty(dead, NOW, true)) {
          duties[i]++;
        }
      }
    }
    // 600 deaths x 2 removers over 12 nodes: 100 each on average; every node takes its share.
    for (int count : duties) {
      assertThat(count).isBetween(50, 150);
    }
  }

  @Test
  void aRemoverRemovesWithinAQuarterIntervalAndAnyOtherNodeStandsByTwoToFourIntervals() {
    List<RemovalDuty> cluster = cluster(8, 3);
    NodeName dead = NodeName.of("dead@h");
    long interval = INTERVAL.toMillis();
    assertThat(cluster.stream().filter(duty -> duty.hasDuty(dead, NOW, true)).count()).isEqualTo(RemovalDuty.REMOVERS);
    for (RemovalDuty duty : cluster) {
      long delay = duty.delay(dead, NOW, true);
      if (duty.hasDuty(dead, NOW, true)) {
        assertThat(delay).isBetween(0L, interval / 4 - 1);
      } else {
        assertThat(delay).isBetween(2 * interval, 4 * interval - 1);
      }
    }
  }

  @Test
  void aNodeThatDoesNotHeartbeatNeverHasTheDuty() {
    List<RemovalDuty> cluster = cluster(3, 4);
    for (int d = 0; d < 20; d++) {
      NodeName dead = NodeName.of("dead" + d + "@h");
      for (RemovalDuty duty : cluster) {
        assertThat(duty.hasDuty(dead, NOW, false)).isFalse();
        assertThat(duty.delay(dead, NOW, false)).isBetween(2 * INTERVAL.toMillis(), 4 * INTERVAL.toMillis() - 1);
      }
    }
  }

  @Test
  void aRemovalIsScheduledOnceUntilItFiresAndThenMayBeScheduledAgain() {
    RemovalDuty duty = cluster(3, 5).get(0);
    NodeName dead = NodeName.of("dead@h");
    RegistryOutbox out = new RegistryOutbox();

    duty.schedule(dead, 8_000, NOW, true, out);
    duty.schedule(dead, 0, NOW, true, out);
    assertThat(out.effects()).hasSize(1);
    RegistryEffect.Schedule first = (RegistryEffect.Schedule) out.effects().get(0);
    assertThat(first.timer()).isEqualTo(new RegistryTimer.RemoveExpired(dead));
    // The grace comes first, then this node's own delay (at most four heartbeat intervals).
    assertThat(first.delay().toMillis()).isBetween(8_000L, 8_000L + 4 * INTERVAL.toMillis() - 1);

    duty.fired(dead);
    duty.schedule(dead, 0, NOW, true, out);
    assertThat(out.effects()).hasSize(2);
  }
}
