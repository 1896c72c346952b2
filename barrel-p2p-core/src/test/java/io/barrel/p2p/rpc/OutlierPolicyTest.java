package io.barrel.p2p.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class OutlierPolicyTest {

  @Test
  void defaultsEjectAfterFiveFailuresForThirtySecondsAtMostHalf() {
    OutlierPolicy d = OutlierPolicy.defaults();

    assertThat(d.consecutiveFailures()).isEqualTo(5);
    assertThat(d.baseEjection()).isEqualTo(Duration.ofSeconds(30));
    assertThat(d.maxEjection()).isEqualTo(Duration.ofMinutes(5));
    assertThat(d.maxEjectedPercent()).isEqualTo(50);
    assertThat(d.enabled()).isTrue();
  }

  @Test
  void disabledNeverEjects() {
    assertThat(OutlierPolicy.disabled().enabled()).isFalse();
    assertThat(OutlierPolicy.defaults().withConsecutiveFailures(0).enabled()).isFalse();
    assertThat(OutlierPolicy.defaults().withMaxEjectedPercent(0).enabled()).isFalse();
  }

  @Test
  void ejectionDoublesPerEarlierEjectionUpToTheMaximum() {
    OutlierPolicy d = OutlierPolicy.defaults();

    assertThat(d.ejectionAfter(0)).isEqualTo(Duration.ofSeconds(30));
    assertThat(d.ejectionAfter(1)).isEqualTo(Duration.ofSeconds(60));
    assertThat(d.ejectionAfter(3)).isEqualTo(Duration.ofSeconds(240));
    assertThat(d.ejectionAfter(4)).isEqualTo(Duration.ofMinutes(5));
    assertThat(d.ejectionAfter(63)).isEqualTo(Duration.ofMinutes(5));
    assertThat(d.ejectionAfter(Integer.MAX_VALUE)).isEqualTo(Duration.ofMinutes(5));
    assertThatThrownBy(() -> d.ejectionAfter(-1)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void withersChangeOneThing() {
    OutlierPolicy d = OutlierPolicy.defaults();

    assertThat(d.withConsecutiveFailures(2)).isEqualTo(
        new OutlierPolicy(2, Duration.ofSeconds(30), Duration.ofMinutes(5), 50));
    assertThat(d.withEjection(Duration.ofSeconds(1), Duration.ofSeconds(2))).isEqualTo(
        new OutlierPolicy(5, Duration.ofSeconds(1), Duration.ofSeconds(2), 50));
    assertThat(d.withMaxEjectedPercent(100)).isEqualTo(
        new OutlierPolicy(5, Duration.ofSeconds(30), Duration.ofMinutes(5), 100));
  }

  @Test
  void boundsAreCheckedWithTheirRange() {
    OutlierPolicy d = OutlierPolicy.defaults();

    assertThatThrownBy(() -> d.withConsecutiveFailures(-1)).hasMessage(
        "consecutive failures must be 0 (disabled)..1000, got -1");
    assertThatThrownBy(() -> d.withConsecutiveFailures(1001)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> d.withEjection(Duration.ZERO, Duration.ofSeconds(1)))
        .hasMessageContaining("base ejection must be 1 ms");
    assertThatThrownBy(() -> d.withEjection(Duration.ofSeconds(2), Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> d.withEjection(Duration.ofSeconds(1), Duration.ofDays(2)))
        .hasMessageContaining("max ejection must be 1 ms..1 day");
    assertThatThrownBy(() -> d.withMaxEjectedPercent(101)).hasMessage("max ejected percent must be 0..100, got 101");
    assertThatThrownBy(() -> d.withMaxEjectedPercent(-1)).isInstanceOf(IllegalArgumentException.class);
  }
}
