package io.barrel.p2p.metrics;

import java.time.Duration;
import java.util.function.Supplier;

/**
 * Where the layers report measurements. Layers depend on this interface only, so Micrometer stays
 * an optional dependency: {@link #noop()} when it is absent, {@link MicrometerMetrics} when a
 * registry is supplied. Tag values are given in the order of {@link MeterName#tagKeys()}.
 */
public interface Metrics {

  /** Adds one to a counter. */
  default void increment(MeterName meter, String... tagValues) {
    add(meter, 1, tagValues);
  }

  /** Adds {@code amount} to a counter. */
  void add(MeterName meter, long amount, String... tagValues);

  /** Records a duration in a timer. */
  void record(MeterName meter, Duration duration, String... tagValues);

  /** Registers a gauge sampled from {@code value}. */
  void gauge(MeterName meter, Supplier<Number> value, String... tagValues);

  /** A sink that drops everything. */
  static Metrics noop() {
    return NoopMetrics.INSTANCE;
  }
}
