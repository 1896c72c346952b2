package io.barrel.p2p.crdt;

import static org.assertj.core.api.Assertions.assertThat;

import io.barrel.p2p.crdt.Crdts.ManualClock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;

class HybridLogicalClockPropertyTest {

  private static final long OFFSET = 60_000;

  /** One step: move physical time by {@code jump} ms (possibly back), then tick or receive {@code remote}. */
  record Step(long jump, Long remoteAhead, int remoteLogical) {}

  @Provide
  Arbitrary<List<Step>> histories() {
    Arbitrary<Long> jumps = Arbitraries.oneOf(Arbitraries.longs().between(-5, 5),
        Arbitraries.longs().between(-100_000, 100_000));
    Arbitrary<Long> ahead = Arbitraries.oneOf(Arbitraries.longs().between(-200_000, 200_000),
        Arbitraries.longs().between(-3, 3)).injectNull(0.4);
    Arbitrary<Integer> logical = Arbitraries.oneOf(Arbitraries.integers().between(0, 3),
        Arbitraries.integers().between(0, HlcTimestamp.MAX_LOGICAL));
    return Combinators.combine(jumps, ahead, logical).as(Step::new).list().ofMaxSize(200);
  }

  @Property(tries = 1000)
  void everyReadingIsStrictlyLaterThanTheOneBeforeAndThanAnAcceptedRemote(@ForAll("histories") List<Step> steps) {
    ManualClock time = new ManualClock(1_000_000);
    HybridLogicalClock clock = new HybridLogicalClock(time, Duration.ofMillis(OFFSET), new CrdtStats());
    HlcTimestamp previous = HlcTimestamp.ZERO;
    for (Step step : steps) {
      time.millis = Math.max(0, time.millis + step.jump());
      if (step.remoteAhead() == null) {
        HlcTimestamp now = clock.now();
        assertThat(now).isGreaterThan(previous);
        previous = now;
      } else {
        HlcTimestamp remote = new HlcTimestamp(Math.max(0, time.millis + step.remoteAhead()), step.remoteLogical());
        Optional<HlcTimestamp> updated = clock.update(remote);
        if (updated.isPresent()) {
          assertThat(updated.get()).isGreaterThan(previous).isGreaterThan(remote);
          previous = updated.get();
        }
      }
      assertThat(clock.last()).isEqualTo(previous);
    }
  }

  @Property(tries = 1000)
  void aRemoteIsRejectedExactlyWhenItIsMoreThanTheOffsetAheadAndThenNothingChanges(
      @ForAll("histories") List<Step> steps) {
    ManualClock time = new ManualClock(1_000_000);
    CrdtStats stats = new CrdtStats();
    HybridLogicalClock clock = new HybridLogicalClock(time, Duration.ofMillis(OFFSET), stats);
    long rejected = 0;
    for (Step step : steps) {
      time.millis = Math.max(0, time.millis + step.jump());
      if (step.remoteAhead() != null) {
        HlcTimestamp remote = new HlcTimestamp(Math.max(0, time.millis + step.remoteAhead()), step.remoteLogical());
        HlcTimestamp before = clock.last();
        boolean tooFar = remote.physical() - time.millis > OFFSET;
        assertThat(clock.update(remote).isEmpty()).isEqualTo(tooFar);
        if (tooFar) {
          rejected++;
          assertThat(clock.last()).isEqualTo(before);
        }
      } else {
        clock.now();
      }
    }
    assertThat(stats.rejectedTimestamps()).isEqualTo(rejected);
  }

  @Property(tries = 1000)
  void noPeerCanPushTheClockMoreThanTheOffsetAheadOfTheLatestPhysicalTime(@ForAll("histories") List<Step> steps) {
    // Fewer than 65 536 events, so logical overflow never borrows a millisecond here.
    ManualClock time = new ManualClock(1_000_000);
    HybridLogicalClock clock = new HybridLogicalClock(time, Duration.ofMillis(OFFSET), new CrdtStats());
    long latestPhysical = 0;
    for (Step step : steps) {
      time.millis = Math.max(0, time.millis + step.jump());
      latestPhysical = Math.max(latestPhysical, time.millis);
      if (step.remoteAhead() == null) {
        clock.now();
      } else {
        clock.update(new HlcTimestamp(Math.max(0, time.millis + step.remoteAhead()), step.remoteLogical()));
      }
      assertThat(clock.last().physical()).isLessThanOrEqualTo(latestPhysical + OFFSET + 1);
    }
  }

  @Property(tries = 1000)
  void withoutRemotesThePhysicalPartIsTheLatestPhysicalTimeSeen(
      @ForAll @Size(max = 300) List<@LongRange(min = -50, max = 50) Long> jumps) {
    ManualClock time = new ManualClock(10_000);
    HybridLogicalClock clock = new HybridLogicalClock(time, Duration.ofMillis(OFFSET), new CrdtStats());
    long latest = 0;
    for (long jump : jumps) {
      time.millis += jump;
      latest = Math.max(latest, time.millis);
      assertThat(clock.now().physical()).isEqualTo(latest);
    }
  }

  @Property(tries = 1000)
  void packedFormOrdersLikeTheTimestampsAndRoundTrips(
      @ForAll @LongRange(min = 0, max = HlcTimestamp.MAX_PHYSICAL) long p1, @ForAll("logicals") int l1,
      @ForAll @LongRange(min = 0, max = HlcTimestamp.MAX_PHYSICAL) long p2, @ForAll("logicals") int l2)
      throws CrdtDecodeException {
    HlcTimestamp a = new HlcTimestamp(p1, l1);
    HlcTimestamp b = new HlcTimestamp(p2, l2);
    assertThat(Integer.signum(Long.compareUnsigned(a.packed(), b.packed()))).isEqualTo(Integer.signum(a.compareTo(b)));
    assertThat(HlcTimestamp.fromPacked(a.packed())).isEqualTo(a);
    assertThat(HlcTimestamp.fromBytes(a.toBytes())).isEqualTo(a);
  }

  @Provide
  Arbitrary<Integer> logicals() {
    return Arbitraries.integers().between(0, HlcTimestamp.MAX_LOGICAL);
  }
}
