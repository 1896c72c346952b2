package io.barrel.p2p.crdt;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * An immutable set of positive counters kept as sorted, disjoint, non-adjacent closed ranges
 * ({@code bounds = [first0, last0, first1, last1, ...]}). Non-adjacent makes the form canonical:
 * two sets with the same counters have equal bounds, which the codec and {@code equals} rely on.
 */
final class RangeSet {

  static final RangeSet EMPTY = new RangeSet(new long[0]);

  private final long[] bounds;

  private RangeSet(long[] bounds) {
    this.bounds = bounds;
  }

  static RangeSet of(long first, long last) {
    new CounterRange(first, last);
    return new RangeSet(new long[] {first, last});
  }

  /** From ranges already sorted, disjoint and non-adjacent (the caller checked). */
  static RangeSet ofCanonical(long[] bounds) {
    return new RangeSet(bounds);
  }

  /** From any ranges, in any order, overlapping or not. */
  static RangeSet ofAny(List<CounterRange> ranges) {
    List<CounterRange> sorted = new ArrayList<>(ranges);
    sorted.sort(Comparator.comparingLong(CounterRange::first));
    long[] out = new long[2 * sorted.size()];
    int n = 0;
    for (CounterRange range : sorted) {
      if (n > 0 && range.first() - 1 <= out[n - 1]) {
        out[n - 1] = Math.max(out[n - 1], range.last());
      } else {
        out[n++] = range.first();
        out[n++] = range.last();
      }
    }
    return new RangeSet(Arrays.copyOf(out, n));
  }

  boolean isEmpty() {
    return bounds.length == 0;
  }

  int size() {
    return bounds.length / 2;
  }

  long first(int i) {
    return bounds[2 * i];
  }

  long last(int i) {
    return bounds[2 * i + 1];
  }

  /** The end of the range starting at 1 (the version-vector entry), or 0 when 1 is not in the set. */
  long prefix() {
    return bounds.length > 0 && bounds[0] == 1 ? bounds[1] : 0;
  }

  /** The largest counter, 0 when empty. */
  long max() {
    return bounds.length == 0 ? 0 : bounds[bounds.length - 1];
  }

  boolean contains(long counter) {
    int lo = 0;
    int hi = size() - 1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      if (counter < first(mid)) {
        hi = mid - 1;
      } else if (counter > last(mid)) {
        lo = mid + 1;
      } else {
        return true;
      }
    }
    return false;
  }

  /** True when every counter of {@code other} is in this set. */
  boolean covers(RangeSet other) {
    for (int i = 0; i < other.size(); i++) {
      int at = indexOf(other.first(i));
      if (at < 0 || last(at) < other.last(i)) {
        return false;
      }
    }
    return true;
  }

  private int indexOf(long counter) {
    int lo = 0;
    int hi = size() - 1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      if (counter < first(mid)) {
        hi = mid - 1;
      } else if (counter > last(mid)) {
        lo = mid + 1;
      } else {
        return mid;
      }
    }
    return -1;
  }

  RangeSet union(RangeSet other) {
    if (other.isEmpty() || covers(other)) {
      return this;
    }
    if (isEmpty() || other.covers(this)) {
      return other;
    }
    long[] out = new long[bounds.length + other.bounds.length];
    int n = 0;
    int i = 0;
    int j = 0;
    while (i < size() || j < other.size()) {
      boolean mine = j >= other.size() || (i < size() && first(i) <= other.first(j));
      long first = mine ? first(i) : other.first(j);
      long last = mine ? last(i) : other.last(j);
      if (mine) {
        i++;
      } else {
        j++;
      }
      // Merge into the previous range when overlapping or adjacent (last + 1 == first); the
      // subtraction avoids overflow at Long.MAX_VALUE.
      if (n > 0 && first - 1 <= out[n - 1]) {
        out[n - 1] = Math.max(out[n - 1], last);
      } else {
        out[n++] = first;
        out[n++] = last;
      }
    }
    return new RangeSet(Arrays.copyOf(out, n));
  }

  /** The counters of this set within {@code from..to}. */
  RangeSet clip(long from, long to) {
    if (from > to || isEmpty() || to < bounds[0] || from > max()) {
      return EMPTY;
    }
    long[] out = new long[bounds.length];
    int n = 0;
    for (int i = 0; i < size(); i++) {
      long first = Math.max(first(i), from);
      long last = Math.min(last(i), to);
      if (first <= last) {
        out[n++] = first;
        out[n++] = last;
      }
    }
    return new RangeSet(Arrays.copyOf(out, n));
  }

  /** This set without the given counters, which must be sorted ascending. */
  RangeSet minus(long[] sortedCounters) {
    if (sortedCounters.length == 0) {
      return this;
    }
    List<Long> out = new ArrayList<>();
    int k = 0;
    for (int i = 0; i < size(); i++) {
      long first = first(i);
      long last = last(i);
      while (k < sortedCounters.length && sortedCounters[k] < first) {
        k++;
      }
      while (k < sortedCounters.length && sortedCounters[k] <= last) {
        long hole = sortedCounters[k++];
        if (hole > first) {
          out.add(first);
          out.add(hole - 1);
        }
        first = hole + 1;
        if (hole == last) {
          first = 0;
          break;
        }
      }
      if (first != 0 && first <= last) {
        out.add(first);
        out.add(last);
      }
    }
    long[] result = new long[out.size()];
    for (int i = 0; i < result.length; i++) {
      result[i] = out.get(i);
    }
    return new RangeSet(result);
  }

  /** The counters from 1 to {@link #max()} that are not in this set. */
  RangeSet gaps() {
    long[] out = new long[bounds.length];
    int n = 0;
    long next = 1;
    for (int i = 0; i < size(); i++) {
      if (first(i) > next) {
        out[n++] = next;
        out[n++] = first(i) - 1;
      }
      next = last(i) + 1;
    }
    return new RangeSet(Arrays.copyOf(out, n));
  }

  List<CounterRange> toList() {
    List<CounterRange> out = new ArrayList<>(size());
    for (int i = 0; i < size(); i++) {
      out.add(new CounterRange(first(i), last(i)));
    }
    return List.copyOf(out);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RangeSet r && Arrays.equals(r.bounds, bounds);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bounds);
  }

  @Override
  public String toString() {
    return toList().toString();
  }
}
