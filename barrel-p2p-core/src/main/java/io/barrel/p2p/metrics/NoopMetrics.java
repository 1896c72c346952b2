package io.barrel.p2p.metrics;

import java.time.Duration;
import java.util.function.Supplier;

/** The sink used when no meter registry is configured. */
enum NoopMetrics implements Metrics {
  INSTANCE;

  @Override
  public void add(MeterName meter, long amount, String... tagValues) {}

  @Override
  public void record(MeterName meter, Duration duration, String... tagValues) {}

  @Override
  public void gauge(MeterName meter, Supplier<Number> value, String... tagValues) {}
}
