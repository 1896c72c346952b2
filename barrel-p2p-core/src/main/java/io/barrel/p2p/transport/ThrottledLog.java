package io.barrel.p2p.transport;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;

/**
 * Lets one kind of log line through at most once per period and counts the ones it held back, for
 * conditions that repeat for as long as they last (a peer that redials every second would
 * otherwise fill the log with the same sentence). The next line that passes says how many were held.
 */
final class ThrottledLog {

  private final long periodNanos;
  private final LongSupplier nanoTime;
  private final AtomicLong nextAllowed;
  private final AtomicLong held = new AtomicLong();

  /**
   * @param periodNanos the least time between two lines that pass
   * @param nanoTime a monotonic clock
   */
  ThrottledLog(long periodNanos, LongSupplier nanoTime) {
    this.periodNanos = periodNanos;
    this.nanoTime = nanoTime;
    this.nextAllowed = new AtomicLong(nanoTime.getAsLong());
  }

  /** Logs at WARN if the period has passed since the last line that passed; counts it otherwise. */
  void warn(Logger log, String format, Object... args) {
    if (admit()) {
      log.warn(format + heldNote(), args);
    }
  }

  /** Logs at ERROR if the period has passed since the last line that passed; counts it otherwise. */
  void error(Logger log, String format, Object... args) {
    if (admit()) {
      log.error(format + heldNote(), args);
    }
  }

  /** True once per period; the ones refused in between are counted. */
  boolean admit() {
    long now = nanoTime.getAsLong();
    long due = nextAllowed.get();
    if (now - due >= 0 && nextAllowed.compareAndSet(due, now + periodNanos)) {
      return true;
    }
    held.incrementAndGet();
    return false;
  }

  private String heldNote() {
    long n = held.getAndSet(0);
    return n == 0 ? "" : " (" + n + " more like it since the last such line)";
  }
}
