package io.barrel.p2p.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** One line per period passes; the rest are held and counted. */
class ThrottledLogTest {

  private final AtomicLong clock = new AtomicLong(-5_000); // monotonic clocks may be negative
  private final ThrottledLog log = new ThrottledLog(1_000, clock::get);

  @Test
  void theFirstLinePassesAtOnceAndTheNextOnlyAfterThePeriod() {
    assertThat(log.admit()).isTrue();
    clock.addAndGet(999);
    assertThat(log.admit()).isFalse();
    clock.addAndGet(1);
    assertThat(log.admit()).isTrue();
    assertThat(log.admit()).isFalse();
  }

  @Test
  void aLongSilenceDoesNotBankLinesForLater() {
    assertThat(log.admit()).isTrue();
    clock.addAndGet(1_000_000);
    assertThat(log.admit()).isTrue();
    assertThat(log.admit()).as("one period after the last line that passed, not after the first").isFalse();
  }
}
