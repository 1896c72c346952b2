package io.barrel.p2p.crdt;

import io.barrel.p2p.NodeName;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Cuts a fragment into smaller fragments along its context. Every piece of context travels with
 * exactly the entries whose dots it holds, which is what keeps each chunk a valid fragment: a chunk
 * never speaks for a dot whose entry rides in another chunk. A range with too many entries is cut
 * between two entries.
 */
final class DeltaSplitter {

  /** How much one chunk may hold; the defaults count only entries and ranges. */
  interface Budget<V> {
    int maxEntries();

    int maxRanges();

    default int maxNodes() {
      return Integer.MAX_VALUE;
    }

    default long maxBytes() {
      return Long.MAX_VALUE;
    }

    default long baseBytes() {
      return 0;
    }

    default long nodeBytes(NodeName node) {
      return 0;
    }

    default long rangeBytes() {
      return 0;
    }

    default long entryBytes(OrMapEntry<V> entry) {
      return 0;
    }
  }

  private DeltaSplitter() {}

  static <V> List<OrMapDelta<V>> split(OrMapDelta<V> delta, Budget<V> budget) {
    Chunker<V> chunker = new Chunker<>(budget);
    List<OrMapEntry<V>> entries = delta.entries();
    int next = 0;
    for (Map.Entry<NodeName, RangeSet> group : delta.context().rangeSets().entrySet()) {
      NodeName node = group.getKey();
      RangeSet set = group.getValue();
      for (int r = 0; r < set.size(); r++) {
        long first = set.first(r);
        long last = set.last(r);
        int from = next;
        while (next < entries.size() && entries.get(next).dot().node().equals(node)
            && entries.get(next).dot().counter() <= last) {
          next++;
        }
        chunker.addRange(node, first, last, entries.subList(from, next));
      }
    }
    return chunker.finish();
  }

  /** Fills one chunk at a time. */
  private static final class Chunker<V> {

    private final Budget<V> budget;
    private final List<OrMapDelta<V>> out = new ArrayList<>();
    private final List<OrMapEntry<V>> entries = new ArrayList<>();
    private final TreeMap<NodeName, List<CounterRange>> ranges = new TreeMap<>();
    private int rangeCount;
    private long bytes;

    Chunker(Budget<V> budget) {
      this.budget = budget;
      this.bytes = budget.baseBytes();
    }

    /** Adds counters {@code first..last} of {@code node} and their entries, cutting where full. */
    void addRange(NodeName node, long first, long last, List<OrMapEntry<V>> inside) {
      int taken = 0;
      while (true) {
        if (!roomForRange(node)) {
          flush();
          if (!roomForRange(node)) {
            throw new IllegalArgumentException("node " + node + " and one range alone exceed the chunk budget");
          }
        }
        if (!ranges.containsKey(node)) {
          bytes += budget.nodeBytes(node);
          ranges.put(node, new ArrayList<>());
        }
        bytes += budget.rangeBytes();
        rangeCount++;
        int fit = 0;
        while (taken + fit < inside.size() && entries.size() + fit < budget.maxEntries()
            && bytes + budget.entryBytes(inside.get(taken + fit)) <= budget.maxBytes()) {
          bytes += budget.entryBytes(inside.get(taken + fit));
          fit++;
        }
        if (taken + fit == inside.size()) {
          ranges.get(node).add(new CounterRange(first, last));
          entries.addAll(inside.subList(taken, taken + fit));
          return;
        }
        if (fit == 0 && entries.isEmpty() && rangeCount == 1) {
          throw new IllegalArgumentException("entry " + inside.get(taken).dot() + " alone exceeds the chunk budget");
        }
        // Cut just before the first entry that did not fit; that entry opens the next chunk.
        long cut = inside.get(taken + fit).dot().counter();
        if (fit > 0 || cut > first) {
          ranges.get(node).add(new CounterRange(first, cut - 1));
          entries.addAll(inside.subList(taken, taken + fit));
        } else {
          rangeCount--;
          bytes -= budget.rangeBytes();
        }
        taken += fit;
        first = cut;
        flush();
      }
    }

    private boolean roomForRange(NodeName node) {
      long extra = budget.rangeBytes() + (ranges.containsKey(node) ? 0 : budget.nodeBytes(node));
      boolean nodeRoom = ranges.containsKey(node) || ranges.size() < budget.maxNodes();
      return rangeCount < budget.maxRanges() && nodeRoom && bytes + extra <= budget.maxBytes();
    }

    private void flush() {
      if (rangeCount == 0) {
        ranges.clear();
        return;
      }
      ranges.values().removeIf(List::isEmpty);
      out.add(new OrMapDelta<>(entries, CausalContext.ofRanges(ranges)));
      entries.clear();
      ranges.clear();
      rangeCount = 0;
      bytes = budget.baseBytes();
    }

    List<OrMapDelta<V>> finish() {
      flush();
      return out;
    }
  }
}
