package io.barrel.p2p.crdt;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * A hybrid logical clock (Kulkarni, Demirbas et al., 2014): readings that never go backwards, stay
 * close to physical time, and order every event after the events it has seen. Pure: physical time
 * comes from an injected supplier; no threads, no locks (the node's protocol executor owns it).
 *
 * <p>Three things differ from the reference system's clock, on purpose:
 *
 * <ul>
 *   <li>A remote reading more than {@code max-clock-offset} ahead of our <em>physical</em> time is
 *       refused and counted, never absorbed: otherwise one peer with a bad clock drags every clock in
 *       the cluster into its future, and the reference has no limit at all.
 *   <li>The logical part is 16 bits. When it would overflow, the clock moves to the next millisecond
 *       instead of wrapping or waiting, so {@link #now()} is wait-free and still strictly increasing.
 *   <li>Physical time going backwards (NTP step, VM migration) is tolerated: the clock keeps its last
 *       physical part and counts logically until physical time passes it again.
 * </ul>
 */
public final class HybridLogicalClock {

  private final LongSupplier physicalMillis;
  private final long maxOffsetMillis;
  private final CrdtStats stats;
  private HlcTimestamp last = HlcTimestamp.ZERO;

  /**
   * A clock reading physical time from {@code physicalMillis}.
   *
   * @param physicalMillis epoch milliseconds; may stall or go backwards, negative readings count as 0
   * @param maxClockOffset how far ahead of our physical time a remote reading may be
   * @param stats where refused readings are counted
   */
  public HybridLogicalClock(LongSupplier physicalMillis, Duration maxClockOffset, CrdtStats stats) {
    this.physicalMillis = Objects.requireNonNull(physicalMillis, "physical clock");
    if (maxClockOffset == null || maxClockOffset.toMillis() < 1) {
      throw new IllegalArgumentException("max clock offset must be at least 1 ms, got " + maxClockOffset);
    }
    this.maxOffsetMillis = maxClockOffset.toMillis();
    this.stats = Objects.requireNonNull(stats, "stats");
  }

  /** A clock on {@code clock}'s milliseconds with the offset of {@code config}. */
  public static HybridLogicalClock of(Clock clock, CrdtConfig config, CrdtStats stats) {
    Objects.requireNonNull(clock, "clock");
    return new HybridLogicalClock(clock::millis, config.maxClockOffset(), stats);
  }

  /** A reading for a local event (send, write): strictly later than every reading before it. */
  public HlcTimestamp now() {
    long physical = physical();
    last = physical > last.physical() ? new HlcTimestamp(physical, 0) : next(last.physical(), last.logical());
    return last;
  }

  /**
   * A reading for receiving {@code remote}: strictly later than both it and every earlier reading.
   *
   * @return the new reading, or empty when {@code remote} is more than the maximum offset ahead of our
   *     physical time; then the clock is unchanged and the refusal is counted in {@link CrdtStats}
   */
  public Optional<HlcTimestamp> update(HlcTimestamp remote) {
    Objects.requireNonNull(remote, "remote timestamp");
    long physical = physical();
    if (remote.physical() - physical > maxOffsetMillis) {
      stats.timestampRejected();
      return Optional.empty();
    }
    long top = Math.max(physical, Math.max(last.physical(), remote.physical()));
    if (top == physical && physical > last.physical() && physical > remote.physical()) {
      last = new HlcTimestamp(physical, 0);
    } else if (top == last.physical() && top == remote.physical()) {
      last = next(top, Math.max(last.logical(), remote.logical()));
    } else if (top == last.physical()) {
      last = next(top, last.logical());
    } else {
      last = next(top, remote.logical());
    }
    return Optional.of(last);
  }

  /** The latest reading issued, without ticking; {@link HlcTimestamp#ZERO} before the first. */
  public HlcTimestamp last() {
    return last;
  }

  /**
   * The latest reading a peer may send us right now: our physical time plus the maximum offset, at
   * the top of that millisecond. Dot counters are HLC readings too, so this also bounds them.
   */
  public HlcTimestamp horizon() {
    long physical = Math.min(HlcTimestamp.MAX_PHYSICAL, physical() + maxOffsetMillis);
    return new HlcTimestamp(physical, HlcTimestamp.MAX_LOGICAL);
  }

  /** How far ahead of our physical time a remote reading may be. */
  public Duration maxClockOffset() {
    return Duration.ofMillis(maxOffsetMillis);
  }

  private static HlcTimestamp next(long physical, int logical) {
    if (logical < HlcTimestamp.MAX_LOGICAL) {
      return new HlcTimestamp(physical, logical + 1);
    }
    // 65 536 events in one millisecond: borrow the next millisecond rather than wrap (which would
    // go backwards) or wait (which would block the protocol executor).
    if (physical == HlcTimestamp.MAX_PHYSICAL) {
      throw new IllegalStateException("HLC exhausted its 48-bit physical range");
    }
    return new HlcTimestamp(physical + 1, 0);
  }

  private long physical() {
    long millis = physicalMillis.getAsLong();
    if (millis > HlcTimestamp.MAX_PHYSICAL) {
      throw new IllegalStateException("physical clock reads " + millis + " ms, beyond the HLC's 48-bit range");
    }
    return Math.max(0, millis);
  }
}
