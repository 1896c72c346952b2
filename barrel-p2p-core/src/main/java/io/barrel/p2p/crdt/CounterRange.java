package io.barrel.p2p.crdt;

/**
 * The counters {@code first..last} (both included) of one node, the unit a causal context is made of.
 *
 * @param first at least 1
 * @param last at least {@code first}
 */
public record CounterRange(long first, long last) {

  /** Checks the bounds. */
  public CounterRange {
    if (first < 1 || last < first) {
      throw new IllegalArgumentException("a counter range needs 1 <= first <= last, got " + first + ".." + last);
    }
  }

  /** How many counters the range holds (saturates at {@link Long#MAX_VALUE}). */
  public long size() {
    long size = last - first + 1;
    return size <= 0 ? Long.MAX_VALUE : size;
  }

  @Override
  public String toString() {
    return first == last ? Long.toString(first) : first + ".." + last;
  }
}
