package io.barrel.p2p.crdt;

import io.barrel.p2p.NodeName;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * A replica's entries, indexed twice: by dot (so a context range finds the entries it covers in
 * O(log n + hits)) and by key (for reads). Mutable, single-threaded, package-private: only
 * {@link OrMap} changes it, and only together with its context.
 */
final class DotStore<V> {

  private final TreeMap<Dot, OrMapEntry<V>> byDot = new TreeMap<>();
  private final TreeMap<String, TreeMap<Dot, OrMapEntry<V>>> byKey = new TreeMap<>();

  void put(OrMapEntry<V> entry) {
    OrMapEntry<V> before = byDot.put(entry.dot(), entry);
    if (before != null) {
      removeFromKey(before);
    }
    byKey.computeIfAbsent(entry.key(), k -> new TreeMap<>()).put(entry.dot(), entry);
  }

  OrMapEntry<V> remove(Dot dot) {
    OrMapEntry<V> entry = byDot.remove(dot);
    if (entry != null) {
      removeFromKey(entry);
    }
    return entry;
  }

  private void removeFromKey(OrMapEntry<V> entry) {
    TreeMap<Dot, OrMapEntry<V>> atKey = byKey.get(entry.key());
    atKey.remove(entry.dot());
    if (atKey.isEmpty()) {
      byKey.remove(entry.key());
    }
  }

  OrMapEntry<V> get(Dot dot) {
    return byDot.get(dot);
  }

  /** The entries under {@code key}, in dot order. */
  Collection<OrMapEntry<V>> atKey(String key) {
    TreeMap<Dot, OrMapEntry<V>> atKey = byKey.get(key);
    return atKey == null ? List.of() : Collections.unmodifiableCollection(atKey.values());
  }

  /** The entries written by {@code node} with counters in {@code first..last}, in counter order. */
  NavigableMap<Dot, OrMapEntry<V>> of(NodeName node, long first, long last) {
    return byDot.subMap(new Dot(node, first), true, new Dot(node, last), true);
  }

  /** The entries written by {@code node}, in counter order. */
  NavigableMap<Dot, OrMapEntry<V>> of(NodeName node) {
    return of(node, 1, Long.MAX_VALUE);
  }

  /** Every entry whose dot lies in {@code set} of {@code node}, in counter order. */
  List<OrMapEntry<V>> within(NodeName node, RangeSet set) {
    List<OrMapEntry<V>> out = new ArrayList<>();
    for (int i = 0; i < set.size(); i++) {
      out.addAll(of(node, set.first(i), set.last(i)).values());
    }
    return out;
  }

  Collection<OrMapEntry<V>> all() {
    return Collections.unmodifiableCollection(byDot.values());
  }

  NavigableMap<String, TreeMap<Dot, OrMapEntry<V>>> keys() {
    return Collections.unmodifiableNavigableMap(byKey);
  }

  int size() {
    return byDot.size();
  }
}
