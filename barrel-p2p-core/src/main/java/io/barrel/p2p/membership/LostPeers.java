package io.barrel.p2p.membership;

import io.barrel.p2p.NodeName;
import java.util.ArrayList;
import java.util.List;

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
final class LostPeers extends PeerTable<Void> {

  // A lost neighbour's record, one attribute column each.
  private static final int LOST_AT = 0;
  private static final int FAILURES = 1;
  private static final int RETRY_AT = 2;
  private static final int COLUMNS = 3;

  private final int bound;

  LostPeers(int capacity) {
    super(COLUMNS, Math.min(capacity, 16));
    this.bound = capacity;
  }

  /** Remembers a neighbour lost now; when full, the longest-lost entry makes room. */
  void add(NodeName peer, long now, Backoff backoff) {
    remove(peer);
    if (size() >= bound) {
      removeAt(0);
    }
    int slot = add(peer, null);
    set(slot, LOST_AT, now);
    set(slot, RETRY_AT, now + backoff.delayAfter(1));
  }

  /** Lost peers whose backoff has ended and that pass {@code allowed}. */
  List<NodeName> due(long now, PeerTable.Filter allowed) {
    if (isEmpty()) {
      return List.of(); // the usual case, asked on every repair tick: no list, no filter
    }
    return names(slot -> get(slot, RETRY_AT) <= now && passes(slot, allowed));
  }

  /**
   * The earliest time the backoff of a lost peer passing {@code allowed} ends, or
   * {@link Long#MAX_VALUE} with none: the repair tick sleeps until then when reconnecting is all it
   * has to do. A peer being retried right now is left out by the filter: its retry's end sets its
   * next time.
   */
  long earliestRetry(PeerTable.Filter allowed) {
    long earliest = Long.MAX_VALUE;
    for (int slot = 0; slot < size(); slot++) {
      if (get(slot, RETRY_AT) < earliest && passes(slot, allowed)) {
        earliest = get(slot, RETRY_AT);
      }
    }
    return earliest;
  }

  /** Counts a failed retry: the next one waits twice as long, up to the cap. */
  void recordFailure(NodeName peer, long now, Backoff backoff) {
    int slot = indexOf(peer);
    if (slot >= 0) {
      int failures = (int) get(slot, FAILURES) + 1;
      set(slot, FAILURES, failures);
      set(slot, RETRY_AT, now + backoff.delayAfter(failures + 1));
    }
  }

  /** Forgets peers lost longer than {@code retentionMillis} ago; returns them. */
  List<NodeName> expire(long now, long retentionMillis) {
    List<NodeName> removed = new ArrayList<>();
    for (int slot = 0; slot < size(); ) {
      if (now - get(slot, LOST_AT) >= retentionMillis) {
        removed.add(name(slot));
        removeAt(slot);
      } else {
        slot++;
      }
    }
    return removed;
  }
}
