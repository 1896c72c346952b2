package io.barrel.p2p.broadcast;

import io.barrel.p2p.NodeName;

/**
 * The ids this node has delivered or broadcast, so that each is delivered at most once. Bounded by
 * count and by age (the reference system bounds only by age, so a burst grows it without limit).
 * Entries are kept in arrival order, which is also time order, so both evictions take from the head.
 *
 * <p>Forgetting an id is what makes a late copy look new; the config keeps the age above the time a
 * broadcast can still be travelling (see {@link PlumtreeConfig#repairWindow()}).
 */
final class SeenMessages {

  /**
   * What is remembered about a broadcast.
   *
   * @param atNanos when it arrived (or was broadcast)
   * @param hops hop count it arrived with, 0 for this node's own
   * @param from the neighbour it came from, null for this node's own
   */
  record Seen(long atNanos, int hops, NodeName from) {}

  private final int maxCount;
  private final long maxAgeNanos;
  /** Times are arrival times, numbers hop counts, values the neighbour each came from. */
  private final ArrivalLog<NodeName> entries = new ArrivalLog<>();
  /** No entry arrived before this (see {@link ExpiryBound}). */
  private final ExpiryBound oldest = new ExpiryBound();

  SeenMessages(int maxCount, long maxAgeNanos) {
    this.maxCount = maxCount;
    this.maxAgeNanos = maxAgeNanos;
  }

  boolean contains(MessageId id) {
    return entries.find(id) >= 0;
  }

  Seen get(MessageId id) {
    int at = entries.find(id);
    return at < 0 ? null : new Seen(entries.time(at), entries.number(at), entries.value(at));
  }

  void add(MessageId id, long nowNanos, int hops, NodeName from) {
    int at = entries.find(id);
    if (at >= 0) {
      entries.set(at, nowNanos, hops, from); // keeps its place, as a map keeps a key's
      oldest.restamped();
    } else {
      if (entries.size() >= maxCount) {
        entries.removeOldest();
      }
      entries.append(id, nowNanos, hops, from);
    }
    oldest.added(nowNanos);
  }

  /** Records that the broadcast now counts as having come over a shorter path (the optimisation's swap). */
  void reroute(MessageId id, int hops, NodeName from) {
    int at = entries.find(id);
    if (at >= 0) {
      entries.set(at, hops, from);
    }
  }

  void expire(long nowNanos) {
    if (!oldest.due(nowNanos, maxAgeNanos)) {
      return;
    }
    long head = ExpiryBound.NONE;
    for (int at = entries.oldest(); at >= 0; at = entries.oldest()) {
      if (nowNanos - entries.time(at) < maxAgeNanos) {
        head = entries.time(at);
        break;
      }
      entries.removeOldest();
    }
    oldest.expired(head);
  }

  /** No entry is due for expiry before this time; {@code otherwise} when empty (see {@link ExpiryBound#dueAt}). */
  long dueAt(long otherwise) {
    return oldest.dueAt(maxAgeNanos, otherwise);
  }

  int size() {
    return entries.size();
  }
}
