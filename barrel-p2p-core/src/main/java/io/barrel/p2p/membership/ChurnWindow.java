package io.barrel.p2p.membership;

import java.time.Duration;

/**
 * Counts joins and leaves in a sliding window and shortens the shuffle period while the
 * membership is busy, so passive views catch up with churn (the reference's adaptive shuffle):
 * more than 10 events give a fifth of the period, more than 5 half of it.
 */
final class ChurnWindow {

  private static final Duration MIN_PERIOD = Duration.ofMillis(1);

  private final long windowMillis;
  private long start;
  private int events;

  ChurnWindow(Duration window) {
    this.windowMillis = window.toMillis();
  }

  void record(long now) {
    roll(now);
    events++;
  }

  Duration shufflePeriod(long now, Duration base) {
    roll(now);
    Duration period = events > 10 ? base.dividedBy(5) : events > 5 ? base.dividedBy(2) : base;
    // Timers run on a millisecond clock; a zero period would re-fire at the same instant forever.
    return period.compareTo(MIN_PERIOD) < 0 ? MIN_PERIOD : period;
  }

  private void roll(long now) {
    if (now - start > windowMillis) {
      start = now;
      events = 0;
    }
  }
}
