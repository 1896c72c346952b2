package io.barrel.p2p.rpc;

import java.time.Duration;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * Deadline and retry policy for the calls of a service, or of one of its methods.
 *
 * <p>The deadline covers the whole call: every attempt and every pause between attempts. Retries
 * apply only to methods marked {@link Idempotent} (the client enforces that), always go to an
 * instance this call has not tried yet, and wait {@link #backoff(int, RandomGenerator)} first; the
 * client makes no retry whose pause would end after the deadline.
 *
 * @param deadline how long the caller waits for the call in total, 1 ms..2^32−1 ms (the wire carries
 *     the remaining time as unsigned 32-bit milliseconds, and a zero there would mean "no deadline")
 * @param maxAttempts attempts in total, the first included, 1..{@value #MAX_ATTEMPTS} (1 = no retry)
 * @param initialBackoff the pause before the first retry, 0..{@code maxBackoff}
 * @param maxBackoff the longest pause, 0..1 hour; the pause doubles per retry up to it
 * @param jitter 0..1: each pause is shortened by a uniformly random fraction of up to {@code jitter},
 *     so that callers that failed together do not retry together
 */
public record CallPolicy(Duration deadline, int maxAttempts, Duration initialBackoff, Duration maxBackoff,
    double jitter) {

  /** Most attempts a policy may allow: beyond a handful, retries only add load to a struggling service. */
  public static final int MAX_ATTEMPTS = 10;
  /** Longest deadline: what the wire's unsigned 32-bit millisecond field holds (about 49.7 days). */
  public static final Duration MAX_DEADLINE = Duration.ofMillis(0xFFFF_FFFFL);
  /** Longest backoff. */
  public static final Duration MAX_BACKOFF = Duration.ofHours(1);

  /*
   * Defaults: 10 s is long enough for any interactive call yet short enough that a hung peer frees the
   * caller's thread. Three attempts ride out one bad instance plus one more without multiplying load
   * more than threefold in an outage. 25 ms is a little above a LAN round trip plus a scheduling
   * hiccup, so the first retry is quick; doubling to a 1 s cap keeps later retries well inside the
   * deadline. A jitter of 0.2 decorrelates callers while keeping the pauses predictable.
   */
  private static final CallPolicy DEFAULTS = new CallPolicy(Duration.ofSeconds(10), 3, Duration.ofMillis(25),
      Duration.ofSeconds(1), 0.2);

  /** Checks every bound. */
  public CallPolicy {
    Objects.requireNonNull(deadline, "deadline");
    Objects.requireNonNull(initialBackoff, "initialBackoff");
    Objects.requireNonNull(maxBackoff, "maxBackoff");
    if (deadline.compareTo(Duration.ofMillis(1)) < 0 || deadline.compareTo(MAX_DEADLINE) > 0) {
      throw new IllegalArgumentException("deadline must be 1 ms.." + MAX_DEADLINE.toMillis() + " ms, got " + deadline);
    }
    if (maxAttempts < 1 || maxAttempts > MAX_ATTEMPTS) {
      throw new IllegalArgumentException("max attempts must be 1.." + MAX_ATTEMPTS + " (the first attempt counts), got "
          + maxAttempts);
    }
    if (maxBackoff.isNegative() || maxBackoff.compareTo(MAX_BACKOFF) > 0) {
      throw new IllegalArgumentException("max backoff must be 0..1 hour, got " + maxBackoff);
    }
    if (initialBackoff.isNegative() || initialBackoff.compareTo(maxBackoff) > 0) {
      throw new IllegalArgumentException("initial backoff must be 0..max backoff (" + maxBackoff + "), got "
          + initialBackoff);
    }
    if (!(jitter >= 0.0 && jitter <= 1.0)) {
      throw new IllegalArgumentException("jitter must be 0..1, got " + jitter);
    }
  }

  /**
   * The defaults: deadline 10 s, 3 attempts, backoff 25 ms doubling up to 1 s, jitter 0.2 (pauses of
   * 20–25 ms, 40–50 ms, ...).
   */
  public static CallPolicy defaults() {
    return DEFAULTS;
  }

  /** This policy with another deadline. */
  public CallPolicy withDeadline(Duration d) {
    return new CallPolicy(d, maxAttempts, initialBackoff, maxBackoff, jitter);
  }

  /** This policy with another number of attempts (1 = no retry). */
  public CallPolicy withMaxAttempts(int n) {
    return new CallPolicy(deadline, n, initialBackoff, maxBackoff, jitter);
  }

  /** This policy with other backoff bounds. */
  public CallPolicy withBackoff(Duration initial, Duration max) {
    return new CallPolicy(deadline, maxAttempts, initial, max, jitter);
  }

  /** This policy with another jitter. */
  public CallPolicy withJitter(double j) {
    return new CallPolicy(deadline, maxAttempts, initialBackoff, maxBackoff, j);
  }

  /** Whether a call under this policy may be retried at all (and only if its method is idempotent). */
  public boolean allowsRetries() {
    return maxAttempts > 1;
  }

  /** The deadline in whole milliseconds, as the wire carries it (at least 1). */
  public long deadlineMillis() {
    return deadline.toMillis();
  }

  /**
   * The pause before retry number {@code retry} (1 = the first retry, after the first attempt
   * failed): {@code base = min(initialBackoff × 2^(retry−1), maxBackoff)}, then shortened by a
   * uniformly random fraction of up to {@code jitter}, so the result lies in
   * {@code [base × (1 − jitter), base]} and never exceeds {@code maxBackoff}.
   *
   * @param retry 1 or more
   * @param random the source of the jitter (one draw; the caller owns its thread-safety)
   */
  public Duration backoff(int retry, RandomGenerator random) {
    if (retry < 1) {
      throw new IllegalArgumentException("retry numbers start at 1, got " + retry);
    }
    Objects.requireNonNull(random, "random");
    long base = baseNanos(retry);
    if (jitter == 0.0 || base == 0) {
      return Duration.ofNanos(base);
    }
    double cut = jitter * random.nextDouble();
    return Duration.ofNanos(Math.round(base * (1.0 - cut)));
  }

  private long baseNanos(int retry) {
    long initial = initialBackoff.toNanos();
    long max = maxBackoff.toNanos();
    // Doubling past 62 shifts, or past max, saturates at max; both bounds fit a long (≤ 1 h in ns).
    int shift = retry - 1;
    if (initial == 0) {
      return 0;
    }
    if (shift >= 62 || initial > (max >> shift)) {
      return max;
    }
    return Math.min(max, initial << shift);
  }
}
