package io.barrel.p2p.rpc;

import java.time.Duration;
import java.util.Objects;

/**
 * When an instance is ejected (taken out of load balancing) after consecutive failed calls, and when
 * it comes back.
 *
 * <p>An instance that fails {@code consecutiveFailures} calls in a row, with no success between them,
 * is ejected for {@code baseEjection}; each further ejection doubles the period, up to
 * {@code maxEjection}, and every {@code baseEjection} the instance then spends admitted forgets one
 * earlier ejection, so a repeat offender is kept out longer while one that recovered starts over.
 * At most {@code maxEjectedPercent} of a service's candidate instances are left out at a time, and
 * when every one is ejected all of them are called anyway (a service with only bad instances still
 * gets traffic, and one of them may recover).
 *
 * @param consecutiveFailures failures in a row that eject an instance, 1..1000; 0 disables ejection
 * @param baseEjection how long a first ejection lasts, 1 ms..{@code maxEjection}
 * @param maxEjection the longest ejection, up to 1 day
 * @param maxEjectedPercent the largest share of a service's candidates left out at once, 0..100
 */
public record OutlierPolicy(int consecutiveFailures, Duration baseEjection, Duration maxEjection,
    int maxEjectedPercent) {

  /** Most consecutive failures a policy may wait for. */
  public static final int MAX_CONSECUTIVE_FAILURES = 1000;
  /** Longest ejection. */
  public static final Duration MAX_EJECTION = Duration.ofDays(1);

  /*
   * Five failures in a row is rare for a healthy instance even at a few percent error rate
   * (0.05^5 ≈ 3e-7) yet quick to reach for a dead or broken one. 30 s covers a typical restart or GC
   * storm; doubling to 5 min keeps a flapping instance mostly out without losing it for long. At most
   * half a service's instances ejected keeps one bad deploy or a client-side network problem from
   * pushing all the traffic onto a few survivors.
   */
  private static final OutlierPolicy DEFAULTS = new OutlierPolicy(5, Duration.ofSeconds(30), Duration.ofMinutes(5),
      50);
  private static final OutlierPolicy DISABLED = new OutlierPolicy(0, Duration.ofSeconds(30), Duration.ofMinutes(5),
      50);

  /** Checks every bound. */
  public OutlierPolicy {
    Objects.requireNonNull(baseEjection, "baseEjection");
    Objects.requireNonNull(maxEjection, "maxEjection");
    if (consecutiveFailures < 0 || consecutiveFailures > MAX_CONSECUTIVE_FAILURES) {
      throw new IllegalArgumentException("consecutive failures must be 0 (disabled).." + MAX_CONSECUTIVE_FAILURES
          + ", got " + consecutiveFailures);
    }
    if (maxEjection.compareTo(Duration.ofMillis(1)) < 0 || maxEjection.compareTo(MAX_EJECTION) > 0) {
      throw new IllegalArgumentException("max ejection must be 1 ms..1 day, got " + maxEjection);
    }
    if (baseEjection.compareTo(Duration.ofMillis(1)) < 0 || baseEjection.compareTo(maxEjection) > 0) {
      throw new IllegalArgumentException("base ejection must be 1 ms..max ejection (" + maxEjection + "), got "
          + baseEjection);
    }
    if (maxEjectedPercent < 0 || maxEjectedPercent > 100) {
      throw new IllegalArgumentException("max ejected percent must be 0..100, got " + maxEjectedPercent);
    }
  }

  /** Eject after 5 failures in a row, for 30 s doubling up to 5 min, at most 50 % of the instances. */
  public static OutlierPolicy defaults() {
    return DEFAULTS;
  }

  /** Never eject. */
  public static OutlierPolicy disabled() {
    return DISABLED;
  }

  /** Whether instances are ever ejected (not when the failure count or the ejected share is 0). */
  public boolean enabled() {
    return consecutiveFailures > 0 && maxEjectedPercent > 0;
  }

  /** This policy ejecting after {@code n} failures in a row (0 disables it). */
  public OutlierPolicy withConsecutiveFailures(int n) {
    return new OutlierPolicy(n, baseEjection, maxEjection, maxEjectedPercent);
  }

  /** This policy with other ejection periods. */
  public OutlierPolicy withEjection(Duration base, Duration max) {
    return new OutlierPolicy(consecutiveFailures, base, max, maxEjectedPercent);
  }

  /** This policy with another cap on the share of ejected instances. */
  public OutlierPolicy withMaxEjectedPercent(int percent) {
    return new OutlierPolicy(consecutiveFailures, baseEjection, maxEjection, percent);
  }

  /** How long ejection number {@code earlier + 1} lasts: base × 2^earlier, capped at the maximum. */
  public Duration ejectionAfter(int earlier) {
    if (earlier < 0) {
      throw new IllegalArgumentException("earlier ejections cannot be negative, got " + earlier);
    }
    long base = baseEjection.toNanos();
    long max = maxEjection.toNanos();
    if (earlier >= 62 || base > (max >> earlier)) {
      return maxEjection;
    }
    return Duration.ofNanos(Math.min(max, base << earlier));
  }
}
