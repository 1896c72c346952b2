package io.barrel.p2p.membership;

import io.barrel.p2p.NodeName;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

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

  // A lost neighbour's record, one attribute column each.
  private static final int LOST_AT = 0;
  private static final int FAILURES = 1;
  private static final int RETRY_AT = 2;
  private static final int COLUMNS = 3;

  private final int capacity;
  private final PeerTable<Void> entries;

  LostPeers(int capacity) {
    this.capacity = capacity;
    this.entries = new PeerTable<>(COLUMNS, Math.min(capacity, 16));
  }

  /** Remembers a neighbour lost now; when full, the longest-lost entry makes room. */
  void add(NodeName peer, long now, Backoff backoff) {
    entries.remove(peer);
    if (entries.size() >= capacity) {
      entries.removeAt(0);
    }
    int slot = entries.add(peer, null);
    entries.set(slot, LOST_AT, now);
    entries.set(slot, RETRY_AT, now + backoff.delayAfter(1));
  }

  boolean isEmpty() {
    return entries.isEmpty();
  }

  boolean remove(NodeName peer) {
    return entries.remove(peer);
  }

  /** Lost peers whose backoff has ended and that pass {@code allowed}. */
  List<NodeName> due(long now, PeerTable.Filter allowed) {
    if (entries.isEmpty()) {
      return List.of(); // the usual case, asked on every repair tick: no list, no filter
    }
    return entries.names(slot -> entries.get(slot, RETRY_AT) <= now && entries.passes(slot, allowed));
  }

  /** Counts a failed retry: the next one waits twice as long, up to the cap. */
  void recordFailure(NodeName peer, long now, Backoff backoff) {
    int slot = entries.indexOf(peer);
    if (slot >= 0) {
      int failures = (int) entries.get(slot, FAILURES) + 1;
      entries.set(slot, FAILURES, failures);
      entries.set(slot, RETRY_AT, now + backoff.delayAfter(failures + 1));
    }
  }

  /** Forgets peers lost longer than {@code retentionMillis} ago; returns them. */
  List<NodeName> expire(long now, long retentionMillis) {
    List<NodeName> removed = new ArrayList<>();
    for (int slot = 0; slot < entries.size(); ) {
      if (now - entries.get(slot, LOST_AT) >= retentionMillis) {
        removed.add(entries.name(slot));
        entries.removeAt(slot);
      } else {
        slot++;
      }
    }
    return removed;
  }

  Set<NodeName> snapshot() {
    return entries.snapshot();
  }

  void clear() {
    entries.clear();
  }
}
