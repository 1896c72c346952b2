package io.barrel.p2p.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Random;
import java.util.random.RandomGenerator;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

class CallPolicyTest {

  /** A generator that always draws the same fraction, to pin the jitter's extremes. */
  private static RandomGenerator fixed(double fraction) {
    return new RandomGenerator() {
      @Override
      public long nextLong() {
        throw new UnsupportedOperationException();
      }

      @Override
      public double nextDouble() {
        return fraction;
      }
    };
  }

  @Test
  void defaultsAreTenSecondsThreeAttemptsAndShortDoublingBackoff() {
    CallPolicy d = CallPolicy.defaults();

    assertThat(d.deadline()).isEqualTo(Duration.ofSeconds(10));
    assertThat(d.deadlineMillis()).isEqualTo(10_000);
    assertThat(d.maxAttempts()).isEqualTo(3);
    assertThat(d.allowsRetries()).isTrue();
    assertThat(d.initialBackoff()).isEqualTo(Duration.ofMillis(25));
    assertThat(d.maxBackoff()).isEqualTo(Duration.ofSeconds(1));
    assertThat(d.jitter()).isEqualTo(0.2);
  }

  @Test
  void withersChangeOneThing() {
    CallPolicy d = CallPolicy.defaults();

    assertThat(d.withDeadline(Duration.ofSeconds(2))).isEqualTo(
        new CallPolicy(Duration.ofSeconds(2), 3, Duration.ofMillis(25), Duration.ofSeconds(1), 0.2));
    assertThat(d.withMaxAttempts(1)).isEqualTo(
        new CallPolicy(Duration.ofSeconds(10), 1, Duration.ofMillis(25), Duration.ofSeconds(1), 0.2));
    assertThat(d.withMaxAttempts(1).allowsRetries()).isFalse();
    assertThat(d.withBackoff(Duration.ZERO, Duration.ofMillis(5))).isEqualTo(
        new CallPolicy(Duration.ofSeconds(10), 3, Duration.ZERO, Duration.ofMillis(5), 0.2));
    assertThat(d.withJitter(0)).isEqualTo(
        new CallPolicy(Duration.ofSeconds(10), 3, Duration.ofMillis(25), Duration.ofSeconds(1), 0));
  }

  @Test
  void boundsAreCheckedWithTheirRange() {
    CallPolicy d = CallPolicy.defaults();

    assertThatThrownBy(() -> d.withDeadline(Duration.ofNanos(999_999))).hasMessageContaining("deadline must be 1 ms");
    assertThatThrownBy(() -> d.withDeadline(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> d.withDeadline(Duration.ofMillis(0x1_0000_0000L)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(d.withDeadline(CallPolicy.MAX_DEADLINE).deadlineMillis()).isEqualTo(0xFFFF_FFFFL);
    assertThatThrownBy(() -> d.withMaxAttempts(0)).hasMessage(
        "max attempts must be 1..10 (the first attempt counts), got 0");
    assertThatThrownBy(() -> d.withMaxAttempts(11)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> d.withBackoff(Duration.ofSeconds(2), Duration.ofSeconds(1)))
        .hasMessageContaining("initial backoff must be 0..max backoff");
    assertThatThrownBy(() -> d.withBackoff(Duration.ofMillis(-1), Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> d.withBackoff(Duration.ZERO, Duration.ofMinutes(61)))
        .hasMessageContaining("max backoff must be 0..1 hour");
    assertThatThrownBy(() -> d.withJitter(1.01)).hasMessage("jitter must be 0..1, got 1.01");
    assertThatThrownBy(() -> d.withJitter(-0.1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> d.withJitter(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> d.withDeadline(null)).isInstanceOf(NullPointerException.class);
  }

  @Test
  void backoffDoublesUpToTheCapWithoutJitter() {
    CallPolicy p = CallPolicy.defaults().withJitter(0);
    Random random = new Random(1);

    assertThat(p.backoff(1, random)).isEqualTo(Duration.ofMillis(25));
    assertThat(p.backoff(2, random)).isEqualTo(Duration.ofMillis(50));
    assertThat(p.backoff(3, random)).isEqualTo(Duration.ofMillis(100));
    assertThat(p.backoff(6, random)).isEqualTo(Duration.ofMillis(800));
    assertThat(p.backoff(7, random)).isEqualTo(Duration.ofSeconds(1));
    assertThat(p.backoff(1000, random)).isEqualTo(Duration.ofSeconds(1));
    assertThat(p.backoff(Integer.MAX_VALUE, random)).isEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void jitterShortensThePauseByUpToItsFraction() {
    CallPolicy p = CallPolicy.defaults();

    assertThat(p.backoff(1, fixed(0.0))).isEqualTo(Duration.ofMillis(25));
    assertThat(p.backoff(1, fixed(0.5))).isEqualTo(Duration.ofNanos(22_500_000));
    assertThat(p.backoff(1, fixed(Math.nextDown(1.0))).toNanos()).isBetween(20_000_000L, 20_000_001L);
    assertThat(p.backoff(10, fixed(Math.nextDown(1.0))).toNanos()).isBetween(800_000_000L, 800_000_001L);
  }

  @Test
  void jitterSpreadsPausesOverTheWholeRange() {
    CallPolicy p = CallPolicy.defaults();
    Random random = new Random(42);
    long below21 = 0;
    long above24 = 0;
    for (int i = 0; i < 10_000; i++) {
      long ms = p.backoff(1, random).toNanos();
      below21 += ms < 21_000_000 ? 1 : 0;
      above24 += ms >= 24_000_000 ? 1 : 0;
    }
    // Each band is a fifth of [20, 25) ms: 2,000 expected, σ = 40; 6σ bounds.
    assertThat(below21).isBetween(1760L, 2240L);
    assertThat(above24).isBetween(1760L, 2240L);
  }

  @Test
  void zeroBackoffStaysZero() {
    CallPolicy p = CallPolicy.defaults().withBackoff(Duration.ZERO, Duration.ZERO);

    assertThat(p.backoff(5, new Random(3))).isZero();
  }

  @Test
  void retryNumbersStartAtOne() {
    assertThatThrownBy(() -> CallPolicy.defaults().backoff(0, new Random()))
        .hasMessage("retry numbers start at 1, got 0");
  }

  @Property(tries = 500)
  void backoffIsCappedExponentialMinusAtMostTheJitter(@ForAll @IntRange(min = 1, max = 200) int retry,
      @ForAll @LongRange(min = 0, max = 3_600_000) long initialMs, @ForAll @LongRange(min = 0, max = 3_600_000) long maxMs,
      @ForAll @DoubleRange(min = 0, max = 1) double jitter, @ForAll long seed) {
    long lo = Math.min(initialMs, maxMs);
    long hi = Math.max(initialMs, maxMs);
    CallPolicy p = CallPolicy.defaults().withBackoff(Duration.ofMillis(lo), Duration.ofMillis(hi)).withJitter(jitter);

    long pause = p.backoff(retry, new Random(seed)).toNanos();
    long base = p.withJitter(0).backoff(retry, new Random(seed)).toNanos();

    double exponential = lo * 1e6 * Math.pow(2, retry - 1);
    assertThat(base).isEqualTo((long) Math.min(hi * 1e6, exponential));
    assertThat(pause).isLessThanOrEqualTo(base).isLessThanOrEqualTo(hi * 1_000_000);
    assertThat((double) pause).isGreaterThanOrEqualTo(Math.floor(base * (1 - jitter)));
    if (retry > 1) {
      assertThat(base).isGreaterThanOrEqualTo(p.withJitter(0).backoff(retry - 1, new Random(seed)).toNanos());
    }
  }
}
