package io.barrel.p2p.membership;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class MembershipConfigTest {

  @Test
  void defaultsAreTheReferenceSystemsValues() {
    MembershipConfig c = MembershipConfig.defaults();
    assertThat(c.activeSize()).isEqualTo(5);
    assertThat(c.passiveSize()).isEqualTo(30);
    assertThat(c.activeRandomWalkLength()).isEqualTo(6);
    assertThat(c.passiveRandomWalkLength()).isEqualTo(3);
    assertThat(c.shuffleLength()).isEqualTo(8);
    assertThat(c.shuffleActive()).isEqualTo(3);
    assertThat(c.shufflePassive()).isEqualTo(4);
    assertThat(c.shuffleTtl()).isEqualTo(3);
    assertThat(c.shufflePeriod()).isEqualTo(Duration.ofSeconds(10));
    assertThat(c.adaptiveShuffle()).isTrue();
    assertThat(c.churnWindow()).isEqualTo(Duration.ofSeconds(30));
    assertThat(c.pendingTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(c.passiveMaxAge()).isEqualTo(Duration.ofMinutes(5));
    assertThat(c.passiveCleanupPeriod()).isEqualTo(Duration.ofSeconds(60));
    assertThat(c.maxFailCount()).isEqualTo(5);
    assertThat(c.baseBackoff()).isEqualTo(Duration.ofSeconds(1));
    assertThat(c.maxBackoff()).isEqualTo(Duration.ofMinutes(5));
    assertThat(c.contactRetry()).isEqualTo(Duration.ofSeconds(5));
    assertThat(c.lostPeerRetention()).isEqualTo(Duration.ofMinutes(30));
    assertThat(c.activeFloor()).isZero();
    assertThat(c.effectiveActiveFloor()).isEqualTo(3);
  }

  @Test
  void theActiveFloorDefaultsToHalfTheActiveSizeRoundedUp() {
    assertThat(MembershipConfig.builder().activeSize(1).build().effectiveActiveFloor()).isEqualTo(1);
    assertThat(MembershipConfig.builder().activeSize(2).build().effectiveActiveFloor()).isEqualTo(1);
    assertThat(MembershipConfig.builder().activeSize(3).build().effectiveActiveFloor()).isEqualTo(2);
    assertThat(MembershipConfig.builder().activeSize(7).build().effectiveActiveFloor()).isEqualTo(4);
    assertThat(MembershipConfig.builder().activeSize(7).activeFloor(1).build().effectiveActiveFloor()).isEqualTo(1);
    assertThat(MembershipConfig.builder().activeSize(7).activeFloor(6).build().effectiveActiveFloor()).isEqualTo(6);
  }

  @Test
  void builderChangesOnlyWhatItIsTold() {
    MembershipConfig c = MembershipConfig.builder().activeSize(7).passiveSize(60).shufflePeriod(Duration.ofSeconds(15))
        .build();
    assertThat(c).isEqualTo(new MembershipConfig(7, 60, 6, 3, 3, 4, 3, Duration.ofSeconds(15), true,
        Duration.ofSeconds(30), Duration.ofSeconds(30), Duration.ofMinutes(5), Duration.ofSeconds(60), 5,
        Duration.ofSeconds(1), Duration.ofMinutes(5), Duration.ofSeconds(5), Duration.ofMinutes(30), 0));
    assertThat(c.toBuilder().build()).isEqualTo(c);
  }

  static Stream<Arguments> invalid() {
    return Stream.of(
        bad("active-size", b -> b.activeSize(0)),
        bad("active-size", b -> b.activeSize(65)),
        bad("passive-size", b -> b.passiveSize(0)),
        bad("active-random-walk-length", b -> b.activeRandomWalkLength(256)),
        bad("passive-random-walk-length", b -> b.passiveRandomWalkLength(7)),
        bad("passive-random-walk-length", b -> b.passiveRandomWalkLength(-1)),
        bad("shuffle-active", b -> b.shuffleActive(-1)),
        bad("shuffle-passive", b -> b.shufflePassive(40).shuffleActive(30)),
        bad("shuffle-ttl", b -> b.shuffleTtl(300)),
        bad("shuffle-period", b -> b.shufflePeriod(Duration.ZERO)),
        bad("churn-window", b -> b.churnWindow(Duration.ofSeconds(-1))),
        bad("pending-timeout", b -> b.pendingTimeout(null)),
        bad("passive-max-age", b -> b.passiveMaxAge(Duration.ZERO)),
        bad("passive-cleanup-period", b -> b.passiveCleanupPeriod(Duration.ZERO)),
        bad("max-fail-count", b -> b.maxFailCount(0)),
        bad("base-backoff", b -> b.baseBackoff(Duration.ZERO)),
        bad("max-backoff", b -> b.maxBackoff(Duration.ofMillis(500))),
        bad("contact-retry", b -> b.contactRetry(Duration.ZERO)),
        bad("lost-peer-retention", b -> b.lostPeerRetention(Duration.ZERO)),
        bad("active-floor", b -> b.activeFloor(-1)),
        bad("active-floor", b -> b.activeFloor(5)), // as large as active-size: evictions would chain on
        bad("active-floor", b -> b.activeSize(1).activeFloor(2)));
  }

  private static Arguments bad(String property, UnaryOperator<MembershipConfig.Builder> change) {
    return Arguments.of(property, change);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalid")
  void invalidValueIsRefusedNamingTheProperty(String property, UnaryOperator<MembershipConfig.Builder> change) {
    assertThatThrownBy(() -> change.apply(MembershipConfig.builder()).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("barrel.p2p.membership." + property);
  }
}
