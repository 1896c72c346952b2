package io.barrel.p2p.broadcast;

import io.barrel.p2p.NodeName;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

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
  private final LinkedHashMap<MessageId, Seen> entries = new LinkedHashMap<>();
  /** No entry arrived before this (see {@link ExpiryBound}). */
  private final ExpiryBound oldest = new ExpiryBound();

  SeenMessages(int maxCount, long maxAgeNanos) {
    this.maxCount = maxCount;
    this.maxAgeNanos = maxAgeNanos;
  }

  boolean contains(MessageId id) {
    return entries.containsKey(id);
  }

  Seen get(MessageId id) {
    return entries.get(id);
  }

  void add(MessageId id, long nowNanos, int hops, NodeName from) {
    if (entries.put(id, new Seen(nowNanos, hops, from)) != null) {
      oldest.restamped();
    }
    oldest.added(nowNanos);
    while (entries.size() > maxCount) {
      Iterator<MessageId> oldest = entries.keySet().iterator();
      oldest.next();
      oldest.remove();
    }
  }

  /** Records that the broadcast now counts as having come over a shorter path (the optimisation's swap). */
  void reroute(MessageId id, int hops, NodeName from) {
    entries.computeIfPresent(id, (key, seen) -> new Seen(seen.atNanos(), hops, from));
  }

  void expire(long nowNanos) {
    if (!oldest.due(nowNanos, maxAgeNanos)) {
      return;
    }
    Iterator<Map.Entry<MessageId, Seen>> it = entries.entrySet().iterator();
    long head = ExpiryBound.NONE;
    while (it.hasNext()) {
      long at = it.next().getValue().atNanos();
      if (nowNanos - at < maxAgeNanos) {
        head = at;
        break;
      }
      it.remove();
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
