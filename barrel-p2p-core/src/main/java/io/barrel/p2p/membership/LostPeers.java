package io.barrel.p2p.membership;

import io.barrel.p2p.NodeName;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Neighbours whose connection failed, retried with backoff for {@code lost-peer-retention}.
 *
 * <p>This is what heals a partition without a manual join. When the network splits, every link
 * across the cut fails, and each side refills its active view from its own side; both halves then
 * have full views and nothing in plain HyParView would ever link them again (promotion only runs
 * when a view has room, shuffles only walk active links). Retrying the lost links restores exactly
 * the links the split cut, once the peers on the other side answer again. Kept apart from the
 * passive view, whose entries are forgotten after {@code max-fail-count} failures, far sooner than
 * a partition may last.
 */
final class LostPeers {

  /** A lost neighbour's record. */
  private static final class Entry {
    final long lostAt;
    int failures;
    long retryAt;

    Entry(long lostAt, long retryAt) {
      this.lostAt = lostAt;
      this.retryAt = retryAt;
    }
  }

  private final int capacity;
  private final Map<NodeName, Entry> entries = new LinkedHashMap<>();

  LostPeers(int capacity) {
    this.capacity = capacity;
  }

  /** Remembers a neighbour lost now; when full, the longest-lost entry makes room. */
  void add(NodeName peer, long now, Backoff backoff) {
    entries.remove(peer);
    if (entries.size() >= capacity) {
      Iterator<NodeName> oldest = entries.keySet().iterator();
      oldest.next();
      oldest.remove();
    }
    entries.put(peer, new Entry(now, now + backoff.delayAfter(1)));
  }

  boolean remove(NodeName peer) {
    return entries.remove(peer) != null;
  }

  /** Lost peers whose backoff has ended and that pass {@code allowed}. */
  List<NodeName> due(long now, Predicate<NodeName> allowed) {
    List<NodeName> out = new ArrayList<>();
    for (Map.Entry<NodeName, Entry> e : entries.entrySet()) {
      if (e.getValue().retryAt <= now && allowed.test(e.getKey())) {
        out.add(e.getKey());
      }
    }
    return out;
  }

  /** Counts a failed retry: the next one waits twice as long, up to the cap. */
  void recordFailure(NodeName peer, long now, Backoff backoff) {
    Entry entry = entries.get(peer);
    if (entry != null) {
      entry.failures++;
      entry.retryAt = now + backoff.delayAfter(entry.failures + 1);
    }
  }

  /** Forgets peers lost longer than {@code retentionMillis} ago; returns them. */
  List<NodeName> expire(long now, long retentionMillis) {
    List<NodeName> removed = new ArrayList<>();
    for (Iterator<Map.Entry<NodeName, Entry>> it = entries.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<NodeName, Entry> e = it.next();
      if (now - e.getValue().lostAt >= retentionMillis) {
        removed.add(e.getKey());
        it.remove();
      }
    }
    return removed;
  }

  Set<NodeName> snapshot() {
    return Collections.unmodifiableSet(new LinkedHashSet<>(entries.keySet()));
  }

  void clear() {
    entries.clear();
  }
}
