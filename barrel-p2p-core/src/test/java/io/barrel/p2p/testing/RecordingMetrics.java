package io.barrel.p2p.testing;

import io.barrel.p2p.metrics.MeterName;
import io.barrel.p2p.metrics.Metrics;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/** Counts what a node reports, keyed by meter and tag values, for assertions. */
public final class RecordingMetrics implements Metrics {

  private final Map<String, AtomicLong> counts = new ConcurrentHashMap<>();

  @Override
  public void add(MeterName meter, long amount, String... tagValues) {
    counts.computeIfAbsent(key(meter, tagValues), k -> new AtomicLong()).addAndGet(amount);
  }

  @Override
  public void record(MeterName meter, Duration duration, String... tagValues) {
    counts.computeIfAbsent(key(meter, tagValues), k -> new AtomicLong()).incrementAndGet();
  }

  @Override
  public void gauge(MeterName meter, Supplier<Number> value, String... tagValues) {}

  /** The count for exactly these tag values. */
  public long count(MeterName meter, String... tagValues) {
    AtomicLong v = counts.get(key(meter, tagValues));
    return v == null ? 0 : v.get();
  }

  /** The sum over every tag combination of a meter. */
  public long total(MeterName meter) {
    return counts.entrySet().stream()
        .filter(e -> e.getKey().startsWith(meter.meterName() + "|"))
        .mapToLong(e -> e.getValue().get()).sum();
  }

  private static String key(MeterName meter, String[] tags) {
    return meter.meterName() + "|" + String.join(",", tags);
  }

  @Override
  public String toString() {
    return counts.toString();
  }
}
