package io.barrel.p2p.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.barrel.p2p.NodeName;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The lease rules with virtual time. */
class LivenessTest {

  private static final NodeName SELF = NodeName.of("self@h");
  private static final NodeName A = NodeName.of("a@h");
  private static final LivenessConfig CONFIG =
      new LivenessConfig(Duration.ofMillis(2_000), Duration.ofMillis(8_000), Duration.ofMillis(60_000));

  private final Liveness liveness = new Liveness(SELF, 1_000, CONFIG);

  @Test
  void heartbeatsCountUpInThisNodesLife() {
    assertThat(liveness.nextHeartbeat()).isEqualTo(new Lease(SELF, 1_000, 1));
    assertThat(liveness.nextHeartbeat()).isEqualTo(new Lease(SELF, 1_000, 2));
  }

  @Test
  void aNodeIsLiveUntilItsLeaseExpiresAndExpiryIsReportedOnce() {
    assertThat(liveness.onLease(new Lease(A, 5, 1), 0)).isEqualTo(Liveness.Update.NEW_NODE);
    assertThat(liveness.isLive(A, 5, 8_000)).isTrue();
    assertThat(liveness.expire(8_000)).isEmpty();

    assertThat(liveness.isLive(A, 5, 8_001)).isFalse();
    assertThat(liveness.expire(8_001)).containsExactly(A);
    assertThat(liveness.expire(9_000)).isEmpty();
  }

  @Test
  void eachHeartbeatExtendsTheLease() {
    liveness.onLease(new Lease(A, 5, 1), 0);
    assertThat(liveness.onLease(new Lease(A, 5, 2), 6_000)).isEqualTo(Liveness.Update.RENEWED);
    assertThat(liveness.isLive(A, 5, 14_000)).isTrue();
    assertThat(liveness.expire(14_000)).isEmpty();
  }

  @Test
  void oldOrRepeatedHeartbeatsAreStaleAndDoNotExtendTheLease() {
    liveness.onLease(new Lease(A, 5, 3), 0);
    assertThat(liveness.onLease(new Lease(A, 5, 3), 7_000)).isEqualTo(Liveness.Update.STALE);
    assertThat(liveness.onLease(new Lease(A, 5, 2), 7_000)).isEqualTo(Liveness.Update.STALE);
    assertThat(liveness.onLease(new Lease(A, 4, 99), 7_000)).isEqualTo(Liveness.Update.STALE);
    assertThat(liveness.isLive(A, 5, 8_001)).isFalse();
  }

  @Test
  void aHeartbeatAfterExpiryRevivesTheNode() {
    liveness.onLease(new Lease(A, 5, 1), 0);
    liveness.expire(9_000);
    assertThat(liveness.onLease(new Lease(A, 5, 7), 20_000)).isEqualTo(Liveness.Update.REVIVED);
    assertThat(liveness.isLive(A, 5, 20_000)).isTrue();
    assertThat(liveness.expire(30_000)).containsExactly(A); // and can expire again
  }

  @Test
  void aHeartbeatAfterTheLeaseLapsedButBeforeTheExpiryCheckAlsoRevives() {
    liveness.onLease(new Lease(A, 5, 1), 0);
    assertThat(liveness.onLease(new Lease(A, 5, 2), 8_001)).isEqualTo(Liveness.Update.REVIVED);
    assertThat(liveness.expire(8_002)).isEmpty();
  }

  @Test
  void aLargerIncarnationIsARestartThatKillsTheOlderLifeAtOnce() {
    liveness.onLease(new Lease(A, 5, 10), 0);
    assertThat(liveness.onLease(new Lease(A, 6, 1), 1_000)).isEqualTo(Liveness.Update.NEW_INCARNATION);
    assertThat(liveness.isLive(A, 6, 1_000)).isTrue();
    assertThat(liveness.isLive(A, 5, 1_000)).isFalse();
    assertThat(liveness.incarnationOf(A)).hasValue(6);
  }

  @Test
  void entriesOfAnUnknownNodeGetOneFullExpiryOfGrace() {
    assertThat(liveness.isLive(A, 5, 0)).isFalse();
    assertThat(liveness.track(A, 5, 100)).isFalse();
    assertThat(liveness.isLive(A, 5, 8_100)).isTrue();
    assertThat(liveness.isLive(A, 5, 8_101)).isFalse();
    // The first heartbeat of that life is news even though tracking started without one.
    assertThat(liveness.onLease(new Lease(A, 5, 1), 3_000)).isEqualTo(Liveness.Update.RENEWED);
    assertThat(liveness.isLive(A, 5, 11_000)).isTrue();
  }

  @Test
  void entriesOfANewerLifeSeenBeforeItsHeartbeatMeanARestart() {
    liveness.onLease(new Lease(A, 5, 1), 0);
    assertThat(liveness.track(A, 5, 100)).isFalse();
    assertThat(liveness.track(A, 7, 200)).isTrue();
    assertThat(liveness.isLive(A, 5, 200)).isFalse();
    assertThat(liveness.isLive(A, 7, 200)).isTrue();
    assertThat(liveness.onLease(new Lease(A, 6, 50), 300)).isEqualTo(Liveness.Update.STALE);
  }

  @Test
  void thisNodeIsAlwaysLiveInItsOwnLifeOnly() {
    assertThat(liveness.isLive(SELF, 1_000, Long.MAX_VALUE)).isTrue();
    assertThat(liveness.isLive(SELF, 999, 0)).isFalse();
    assertThat(liveness.onLease(new Lease(SELF, 2_000, 1), 0)).isEqualTo(Liveness.Update.STALE);
    assertThat(liveness.track(SELF, 2_000, 0)).isFalse();
    assertThat(liveness.expire(Long.MAX_VALUE / 2)).isEmpty();
  }

  @Test
  void expiredNodesAreForgottenAfterForgetAfter() {
    liveness.onLease(new Lease(A, 5, 1), 0);
    liveness.expire(10_000);
    assertThat(liveness.trackedNodes()).isEqualTo(1);
    liveness.expire(60_001);
    assertThat(liveness.trackedNodes()).isZero();
    assertThat(liveness.incarnationOf(A)).isEmpty();
  }

  @Test
  void configRefusesAnExpiryShorterThanTwoHeartbeats() {
    assertThatThrownBy(() -> new LivenessConfig(Duration.ofSeconds(2), Duration.ofSeconds(3), Duration.ofHours(1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("lease-expiry");
    assertThatThrownBy(() -> new LivenessConfig(Duration.ofMillis(1), Duration.ofSeconds(3), Duration.ofHours(1)))
        .hasMessageContaining("heartbeat-interval");
    assertThatThrownBy(() -> new LivenessConfig(Duration.ofSeconds(1), Duration.ofSeconds(3), Duration.ofSeconds(2)))
        .hasMessageContaining("forget-after");
    assertThat(LivenessConfig.defaults().leaseExpiry()).isEqualTo(Duration.ofSeconds(8));
  }
}
