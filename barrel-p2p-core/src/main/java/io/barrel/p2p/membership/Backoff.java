package io.barrel.p2p.membership;

/**
 * Per-peer exponential backoff: after the n-th consecutive failure a peer is not tried again for
 * base × 2^n, capped (the reference's schedule: 2 s, 4 s, 8 s, 16 s with a 1 s base).
 */
record Backoff(long baseMillis, long maxMillis) {

  static Backoff of(MembershipConfig config) {
    return new Backoff(config.baseBackoff().toMillis(), config.maxBackoff().toMillis());
  }

  /** The wait after {@code failures} consecutive failures, in milliseconds. */
  long delayAfter(int failures) {
    if (failures <= 0) {
      return 0;
    }
    // Doubling stops at the cap, so neither the shift nor the product can overflow.
    long delay = baseMillis;
    for (int i = 0; i < failures && delay < maxMillis; i++) {
      delay *= 2;
    }
    return Math.min(delay, maxMillis);
  }
}
