package io.barrel.p2p.broadcast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class PlumtreeConfigTest {

  private static final PlumtreeConfig DEFAULTS = PlumtreeConfig.defaults();

  @Test
  void defaultsKeepTheReferenceSystemsTimingAndBoundWhatItLeftUnbounded() {
    assertThat(DEFAULTS.graftTimeout()).isEqualTo(Duration.ofSeconds(1));
    assertThat(DEFAULTS.seenMaxAge()).isEqualTo(Duration.ofMinutes(5));
    assertThat(DEFAULTS.seenMaxCount()).isEqualTo(100_000);
    assertThat(DEFAULTS.ihaveFlushInterval()).isEqualTo(Duration.ofMillis(50));
    assertThat(DEFAULTS.treeOptimisation()).isFalse();
    assertThat(DEFAULTS.repairWindow()).isEqualTo(Duration.ofMillis(50 + 1000 + 8 * 500));
  }

  @Test
  void negativeFlushIntervalIsRefusedNamingTheProperty() {
    assertThatThrownBy(() -> DEFAULTS.withIHaveBatching(Duration.ofMillis(-1), 10))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("barrel.p2p.broadcast.ihave-flush-interval");
  }

  @Test
  void ihaveBatchOutsideItsRangeIsRefused() {
    assertThatThrownBy(() -> DEFAULTS.withIHaveBatching(Duration.ofMillis(50), 0))
        .hasMessageContaining("max-ihave-batch");
    int tooMany = PlumtreeConfig.MAX_IHAVE_BATCH_LIMIT + 1;
    assertThatThrownBy(() -> DEFAULTS.withIHaveBatching(Duration.ofMillis(50), tooMany))
        .hasMessageContaining("max-ihave-batch");
  }

  @Test
  void graftSettingsMustBePositive() {
    assertThatThrownBy(() -> DEFAULTS.withGrafting(Duration.ZERO, Duration.ofMillis(500), 5, 8))
        .hasMessageContaining("graft-timeout");
    assertThatThrownBy(() -> DEFAULTS.withGrafting(Duration.ofSeconds(1), null, 5, 8))
        .hasMessageContaining("graft-retry-timeout");
    assertThatThrownBy(() -> DEFAULTS.withGrafting(Duration.ofSeconds(1), Duration.ofMillis(500), 0, 8))
        .hasMessageContaining("max-graft-attempts");
    assertThatThrownBy(() -> DEFAULTS.withGrafting(Duration.ofSeconds(1), Duration.ofMillis(500), 5, 0))
        .hasMessageContaining("max-announcers");
  }

  @Test
  void seenWindowShorterThanTheRepairWindowIsRefusedBecauseItWouldDeliverTwice() {
    assertThatThrownBy(() -> DEFAULTS.withSeenSet(1000, Duration.ofMillis(5050)))
        .hasMessageContaining("seen-max-age")
        .hasMessageContaining("delivered twice");
    assertThat(DEFAULTS.withSeenSet(1000, Duration.ofSeconds(6)).seenMaxAge()).isEqualTo(Duration.ofSeconds(6));
  }

  @Test
  void payloadCacheShorterThanTheRepairWindowIsRefused() {
    assertThatThrownBy(() -> DEFAULTS.withPayloadCache(100, Duration.ofSeconds(5), 1L << 30))
        .hasMessageContaining("payload-cache-max-age");
  }

  @Test
  void payloadCacheMustHoldAtLeastOneLargestPayload() {
    assertThatThrownBy(() -> DEFAULTS.withPayloadCache(100, Duration.ofMinutes(1), 1000))
        .hasMessageContaining("payload-cache-max-bytes");
  }

  @Test
  void countsMustBePositive() {
    assertThatThrownBy(() -> DEFAULTS.withSeenSet(0, Duration.ofMinutes(5))).hasMessageContaining("seen-max-count");
    assertThatThrownBy(() -> DEFAULTS.withMaxMissingMessages(0)).hasMessageContaining("max-missing-messages");
    assertThatThrownBy(() -> DEFAULTS.withPayloadCache(0, Duration.ofMinutes(1), 1L << 30))
        .hasMessageContaining("payload-cache-max-count");
  }

  @Test
  void optimisationThresholdMustBeAtLeastOneHop() {
    assertThatThrownBy(() -> DEFAULTS.withTreeOptimisation(true, 0)).hasMessageContaining("optimisation-threshold");
    assertThat(DEFAULTS.withTreeOptimisation(true, 7).optimisationThreshold()).isEqualTo(7);
  }

  @Test
  void payloadLimitIsBounded() {
    assertThatThrownBy(() -> DEFAULTS.withMaxPayloadBytes(0)).hasMessageContaining("max-payload-bytes");
    assertThatThrownBy(() -> DEFAULTS.withMaxPayloadBytes(PlumtreeConfig.MAX_PAYLOAD_LIMIT + 1))
        .hasMessageContaining("max-payload-bytes");
  }

  @Test
  void flushIntervalIsCappedBecauseItDelaysEveryRepair() {
    assertThatThrownBy(() -> DEFAULTS.withIHaveBatching(Duration.ofSeconds(11), 10))
        .hasMessageContaining("ihave-flush-interval");
  }
}
