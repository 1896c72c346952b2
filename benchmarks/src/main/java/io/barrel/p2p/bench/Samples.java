package io.barrel.p2p.bench;

import java.util.Arrays;
import java.util.Locale;

/**
 * Latencies in nanoseconds, kept in a plain array (no histogram library here) and sorted once for
 * percentiles. Percentiles use the nearest-rank method.
 */
final class Samples {

  private long[] values;
  private int size;
  private boolean sorted;

  Samples(int capacity) {
    values = new long[Math.max(16, capacity)];
  }

  void add(long nanos) {
    if (size == values.length) {
      values = Arrays.copyOf(values, size * 2);
    }
    values[size++] = nanos;
    sorted = false;
  }

  void addAll(Samples other) {
    for (int i = 0; i < other.size; i++) {
      add(other.values[i]);
    }
  }

  void reset() {
    size = 0;
    sorted = false;
  }

  int size() {
    return size;
  }

  /** Nearest-rank percentile, {@code q} in 0..100. */
  long percentile(double q) {
    if (size == 0) {
      throw new IllegalStateException("no samples");
    }
    if (!sorted) {
      Arrays.sort(values, 0, size);
      sorted = true;
    }
    int rank = (int) Math.ceil(q / 100.0 * size);
    return values[Math.min(size - 1, Math.max(0, rank - 1))];
  }

  double mean() {
    double sum = 0;
    for (int i = 0; i < size; i++) {
      sum += values[i];
    }
    return sum / size;
  }

  /** "p50 1.23 ms, p99 4.56 ms ..." with the given unit ("us" or "ms"). */
  String summary(String unit) {
    double div = unit.equals("ms") ? 1e6 : 1e3;
    return String.format(Locale.ROOT, "n=%d p50 %.3f p90 %.3f p99 %.3f max %.3f mean %.3f %s", size,
        percentile(50) / div, percentile(90) / div, percentile(99) / div, percentile(100) / div, mean() / div, unit);
  }

  /** The median of a few doubles (repetitions of a throughput run). */
  static double median(double[] xs) {
    double[] c = xs.clone();
    Arrays.sort(c);
    int n = c.length;
    return n % 2 == 1 ? c[n / 2] : (c[n / 2 - 1] + c[n / 2]) / 2;
  }
}
