package io.barrel.p2p.crdt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.barrel.p2p.crdt.Crdts.ManualClock;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class HybridLogicalClockTest {

  private final ManualClock time = new ManualClock(1_000);
  private final CrdtStats stats = new CrdtStats();
  private final HybridLogicalClock clock = new HybridLogicalClock(time, Duration.ofSeconds(60), stats);

  @Test
  void nowFollowsPhysicalTimeWithLogicalZero() {
    assertThat(clock.now()).isEqualTo(new HlcTimestamp(1_000, 0));
    time.advance(5);
    assertThat(clock.now()).isEqualTo(new HlcTimestamp(1_005, 0));
  }

  @Test
  void nowCountsLogicallyWhilePhysicalTimeStalls() {
    assertThat(clock.now()).isEqualTo(new HlcTimestamp(1_000, 0));
    assertThat(clock.now()).isEqualTo(new HlcTimestamp(1_000, 1));
    assertThat(clock.now()).isEqualTo(new HlcTimestamp(1_000, 2));
  }

  @Test
  void physicalTimeGoingBackwardsKeepsTheLastPhysicalPart() {
    clock.now();
    time.millis = 400;
    assertThat(clock.now()).isEqualTo(new HlcTimestamp(1_000, 1));
    time.millis = 1_001;
    assertThat(clock.now()).isEqualTo(new HlcTimestamp(1_001, 0));
  }

  @Test
  void logicalOverflowMovesToTheNextMillisecondInsteadOfWrapping() {
    HlcTimestamp previous = clock.now();
    for (int i = 0; i < HlcTimestamp.MAX_LOGICAL; i++) {
      previous = clock.now();
    }
    assertThat(previous).isEqualTo(new HlcTimestamp(1_000, HlcTimestamp.MAX_LOGICAL));

    HlcTimestamp next = clock.now();

    assertThat(next).isEqualTo(new HlcTimestamp(1_001, 0));
    assertThat(next).isGreaterThan(previous);
  }

  @Test
  void updateWithAnOlderRemoteStillTicksPastEverything() {
    clock.now();
    assertThat(clock.update(new HlcTimestamp(900, 7))).contains(new HlcTimestamp(1_000, 1));
  }

  @Test
  void updateWithANewerPhysicalTimeThanBothStartsTheLogicalAtZero() {
    clock.now();
    time.millis = 2_000;
    assertThat(clock.update(new HlcTimestamp(1_500, 9))).contains(new HlcTimestamp(2_000, 0));
  }

  @Test
  void updateWithARemoteAheadWithinTheOffsetAdoptsItsTime() {
    assertThat(clock.update(new HlcTimestamp(30_000, 4))).contains(new HlcTimestamp(30_000, 5));
    assertThat(clock.now()).isEqualTo(new HlcTimestamp(30_000, 6));
    assertThat(stats.rejectedTimestamps()).isZero();
  }

  @Test
  void updateWithTheSamePhysicalTakesTheLargerLogicalPlusOne() {
    clock.now();
    clock.now();
    assertThat(clock.update(new HlcTimestamp(1_000, 10))).contains(new HlcTimestamp(1_000, 11));
    assertThat(clock.update(new HlcTimestamp(1_000, 3))).contains(new HlcTimestamp(1_000, 12));
  }

  @Test
  void updateAtTheTopOfTheLogicalRangeMovesToTheNextMillisecond() {
    assertThat(clock.update(new HlcTimestamp(1_000, HlcTimestamp.MAX_LOGICAL))).contains(new HlcTimestamp(1_001, 0));
  }

  @Test
  void aRemoteMoreThanTheOffsetAheadIsRejectedCountedAndNotAbsorbed() {
    HlcTimestamp before = clock.now();

    assertThat(clock.update(new HlcTimestamp(1_000 + 60_001, 0))).isEmpty();
    assertThat(clock.update(new HlcTimestamp(1_000_000_000_000L, 0))).isEmpty();

    assertThat(stats.rejectedTimestamps()).isEqualTo(2);
    assertThat(clock.last()).isEqualTo(before);
    assertThat(clock.now()).isEqualTo(new HlcTimestamp(1_000, 1));
  }

  @Test
  void aRemoteExactlyAtTheOffsetIsAccepted() {
    assertThat(clock.update(new HlcTimestamp(61_000, HlcTimestamp.MAX_LOGICAL))).isPresent();
    assertThat(stats.rejectedTimestamps()).isZero();
  }

  @Test
  void theOffsetIsMeasuredFromPhysicalTimeNotFromTheClock() {
    // An accepted remote moved the clock to 61 000; a second remote 60 s ahead of *that* is still
    // refused, so a chain of peers cannot walk the clock forward one offset at a time.
    clock.update(new HlcTimestamp(61_000, 0));
    assertThat(clock.update(new HlcTimestamp(120_000, 0))).isEmpty();
  }

  @Test
  void horizonIsPhysicalTimePlusTheOffsetAtTheTopOfTheMillisecond() {
    assertThat(clock.horizon()).isEqualTo(new HlcTimestamp(61_000, HlcTimestamp.MAX_LOGICAL));
    assertThat(clock.maxClockOffset()).isEqualTo(Duration.ofSeconds(60));
  }

  @Test
  void negativePhysicalReadingsCountAsZero() {
    time.millis = -5;
    assertThat(clock.now()).isEqualTo(new HlcTimestamp(0, 1));
  }

  @Test
  void aPhysicalReadingBeyond48BitsFailsLoudly() {
    time.millis = HlcTimestamp.MAX_PHYSICAL + 1;
    assertThatThrownBy(clock::now).isInstanceOf(IllegalStateException.class).hasMessageContaining("48-bit");
  }

  @Test
  void aJavaTimeClockCanDriveIt() {
    Clock fixed = Clock.fixed(Instant.ofEpochMilli(1_234), ZoneOffset.UTC);
    HybridLogicalClock hlc = HybridLogicalClock.of(fixed, CrdtConfig.defaults(), stats);
    assertThat(hlc.now()).isEqualTo(new HlcTimestamp(1_234, 0));
    assertThat(hlc.maxClockOffset()).isEqualTo(Duration.ofSeconds(60));
  }

  @Test
  void theOffsetMustBePositive() {
    assertThatThrownBy(() -> new HybridLogicalClock(time, Duration.ZERO, stats))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void packedFormIsPhysicalHighAndLogicalLowAndEightBigEndianBytes() throws CrdtDecodeException {
    HlcTimestamp t = new HlcTimestamp(0x0102_0304_0506L, 0x0708);

    assertThat(t.packed()).isEqualTo(0x0102_0304_0506_0708L);
    assertThat(t.toBytes()).containsExactly(1, 2, 3, 4, 5, 6, 7, 8);
    assertThat(HlcTimestamp.fromBytes(t.toBytes())).isEqualTo(t);
    assertThat(HlcTimestamp.fromPacked(t.packed())).isEqualTo(t);
  }

  @Test
  void timestampsOrderByPhysicalThenLogical() {
    assertThat(new HlcTimestamp(5, 0)).isGreaterThan(new HlcTimestamp(4, HlcTimestamp.MAX_LOGICAL));
    assertThat(new HlcTimestamp(5, 2)).isGreaterThan(new HlcTimestamp(5, 1));
    assertThat(new HlcTimestamp(5, 2).isAfter(new HlcTimestamp(5, 2))).isFalse();
  }

  @Test
  void timestampPartsAreRangeChecked() {
    assertThatThrownBy(() -> new HlcTimestamp(-1, 0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new HlcTimestamp(HlcTimestamp.MAX_PHYSICAL + 1, 0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new HlcTimestamp(0, HlcTimestamp.MAX_LOGICAL + 1))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void fromBytesRefusesAnythingButEightBytes() {
    assertThatThrownBy(() -> HlcTimestamp.fromBytes(new byte[7])).isInstanceOf(CrdtDecodeException.class);
    assertThatThrownBy(() -> HlcTimestamp.fromBytes(new byte[9])).isInstanceOf(CrdtDecodeException.class);
    assertThatThrownBy(() -> HlcTimestamp.fromBytes(null)).isInstanceOf(CrdtDecodeException.class);
  }
}
