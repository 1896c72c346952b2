package io.barrel.p2p.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Binds the catalogue to a Micrometer registry. Only loaded when the caller passes a registry, so
 * nothing here is touched when Micrometer is not on the class path.
 */
public final class MicrometerMetrics implements Metrics {

  private final MeterRegistry registry;
  private final Tags commonTags;

  /** Reports into {@code registry}, adding {@code node=<name>} to every meter. */
  public MicrometerMetrics(MeterRegistry registry, String nodeName) {
    this.registry = Objects.requireNonNull(registry, "registry");
    this.commonTags = Tags.of("node", nodeName);
  }

  @Override
  public void add(MeterName meter, long amount, String... tagValues) {
    Counter.builder(meter.meterName())
        .baseUnit(meter.baseUnit())
        .tags(tags(meter, tagValues))
        .register(registry)
        .increment(amount);
  }

  @Override
  public void record(MeterName meter, Duration duration, String... tagValues) {
    Timer.builder(meter.meterName())
        .tags(tags(meter, tagValues))
        .publishPercentileHistogram()
        .register(registry)
        .record(duration);
  }

  @Override
  public void gauge(MeterName meter, Supplier<Number> value, String... tagValues) {
    Gauge.builder(meter.meterName(), value)
        .baseUnit(meter.baseUnit())
        .tags(tags(meter, tagValues))
        .strongReference(true)
        .register(registry);
  }

  private Tags tags(MeterName meter, String[] values) {
    String[] keys = meter.tagKeys();
    if (keys.length != values.length) {
      throw new IllegalArgumentException(
          meter.meterName() + " takes tags " + String.join(",", keys) + " but got " + values.length + " values");
    }
    Tags tags = commonTags;
    for (int i = 0; i < keys.length; i++) {
      tags = tags.and(keys[i], values[i] == null ? "none" : values[i]);
    }
    return tags;
  }
}
