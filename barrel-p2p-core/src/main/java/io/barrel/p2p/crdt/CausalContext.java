package io.barrel.p2p.crdt;

import io.barrel.p2p.NodeName;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;

/**
 * The dots a replica (or a delta) has observed: for every node, a set of counters. Immutable.
 *
 * <p>Each node's counters are kept as sorted, merged ranges. The range that starts at 1 is that
 * node's version-vector entry ({@link #versionVector()}); the other ranges are the <em>dot cloud</em>,
 * dots seen out of order. A dot contiguous with the version vector folds into it when the set is
 * built, so the cloud holds only real gaps and empties as they fill; because the cloud is ranges,
 * not single dots, even a gap of a million counters costs one range. A dot in the context that is
 * not in the store is a removed entry: this is the whole removal record, so no tombstone outlives
 * the next compaction.
 */
public final class CausalContext {

  /** The context that has observed nothing. */
  public static final CausalContext EMPTY = new CausalContext(new TreeMap<>());

  private final NavigableMap<NodeName, RangeSet> ranges;

  /** Takes ownership of {@code ranges}, which holds no empty sets. */
  CausalContext(NavigableMap<NodeName, RangeSet> ranges) {
    this.ranges = Collections.unmodifiableNavigableMap(ranges);
  }

  /** The context holding exactly {@code dots}. */
  public static CausalContext of(Collection<Dot> dots) {
    TreeMap<NodeName, RangeSet> out = new TreeMap<>();
    for (Dot dot : dots) {
      out.merge(dot.node(), RangeSet.of(dot.counter(), dot.counter()), RangeSet::union);
    }
    return new CausalContext(out);
  }

  /** The context holding exactly {@code dot}. */
  public static CausalContext of(Dot dot) {
    return of(List.of(dot));
  }

  /** The context holding counters {@code first..last} of {@code node}. */
  public static CausalContext of(NodeName node, long first, long last) {
    TreeMap<NodeName, RangeSet> out = new TreeMap<>();
    out.put(Objects.requireNonNull(node, "node"), RangeSet.of(first, last));
    return new CausalContext(out);
  }

  /** The context holding the given ranges, in any order, overlapping or not. */
  public static CausalContext ofRanges(Map<NodeName, ? extends Collection<CounterRange>> ranges) {
    TreeMap<NodeName, RangeSet> out = new TreeMap<>();
    ranges.forEach((node, list) -> {
      RangeSet set = RangeSet.ofAny(List.copyOf(list));
      if (!set.isEmpty()) {
        out.put(Objects.requireNonNull(node, "node"), set);
      }
    });
    return new CausalContext(out);
  }

  /** True when {@code dot} has been observed. */
  public boolean contains(Dot dot) {
    return contains(dot.node(), dot.counter());
  }

  /** True when counter {@code counter} of {@code node} has been observed. */
  public boolean contains(NodeName node, long counter) {
    RangeSet set = ranges.get(node);
    return set != null && set.contains(counter);
  }

  /** Everything observed by this context or {@code other}; the join of causal contexts. */
  public CausalContext union(CausalContext other) {
    if (other.ranges.isEmpty() || other == this) {
      return this;
    }
    TreeMap<NodeName, RangeSet> out = null;
    for (Map.Entry<NodeName, RangeSet> theirs : other.ranges.entrySet()) {
      RangeSet mine = ranges.getOrDefault(theirs.getKey(), RangeSet.EMPTY);
      RangeSet joined = mine.union(theirs.getValue());
      if (joined != mine) {
        if (out == null) {
          out = new TreeMap<>(ranges);
        }
        out.put(theirs.getKey(), joined);
      }
    }
    return out == null ? this : new CausalContext(out);
  }

  /** True when every dot of {@code other} is in this context. */
  public boolean covers(CausalContext other) {
    for (Map.Entry<NodeName, RangeSet> theirs : other.ranges.entrySet()) {
      if (!ranges.getOrDefault(theirs.getKey(), RangeSet.EMPTY).covers(theirs.getValue())) {
        return false;
      }
    }
    return true;
  }

  /**
   * The version vector: for each node with counter 1 observed, the highest counter {@code n} such
   * that all of {@code 1..n} are observed. Nodes seen only out of order are absent.
   */
  public SortedMap<NodeName, Long> versionVector() {
    TreeMap<NodeName, Long> out = new TreeMap<>();
    ranges.forEach((node, set) -> {
      if (set.prefix() > 0) {
        out.put(node, set.prefix());
      }
    });
    return Collections.unmodifiableSortedMap(out);
  }

  /** The version-vector entry of {@code node}: all of {@code 1..prefix} observed; 0 when 1 is not. */
  public long prefix(NodeName node) {
    return ranges.getOrDefault(node, RangeSet.EMPTY).prefix();
  }

  /** The highest counter of {@code node} observed, 0 when none. */
  public long max(NodeName node) {
    return ranges.getOrDefault(node, RangeSet.EMPTY).max();
  }

  /** The nodes with at least one observed dot, in order. */
  public SortedSet<NodeName> nodes() {
    return Collections.unmodifiableSortedSet(ranges.navigableKeySet());
  }

  /** The observed counters of {@code node}, as sorted, disjoint, non-adjacent ranges. */
  public List<CounterRange> ranges(NodeName node) {
    return ranges.getOrDefault(node, RangeSet.EMPTY).toList();
  }

  /** The ranges of the dot cloud: every range that does not start at counter 1. */
  public int cloudRanges() {
    int count = 0;
    for (RangeSet set : ranges.values()) {
      count += set.prefix() > 0 ? set.size() - 1 : set.size();
    }
    return count;
  }

  /** All ranges, version-vector entries included: the size this context has on the wire. */
  public int rangeCount() {
    int count = 0;
    for (RangeSet set : ranges.values()) {
      count += set.size();
    }
    return count;
  }

  /** The highest counter of any node, 0 when empty. */
  public long maxCounter() {
    long max = 0;
    for (RangeSet set : ranges.values()) {
      max = Math.max(max, set.max());
    }
    return max;
  }

  /** True when nothing has been observed. */
  public boolean isEmpty() {
    return ranges.isEmpty();
  }

  RangeSet rangeSet(NodeName node) {
    return ranges.getOrDefault(node, RangeSet.EMPTY);
  }

  NavigableMap<NodeName, RangeSet> rangeSets() {
    return ranges;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof CausalContext c && c.ranges.equals(ranges);
  }

  @Override
  public int hashCode() {
    return ranges.hashCode();
  }

  @Override
  public String toString() {
    return ranges.toString();
  }
}
