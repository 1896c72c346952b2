package io.barrel.p2p.broadcast;

/**
 * Recent broadcasts kept to answer GRAFTs, bounded by count, total payload bytes and age. Only the
 * repair window needs them (a GRAFT comes within ihave flush + graft timeouts of the announcement),
 * so the bounds can be much tighter than the seen-set's.
 */
final class PayloadCache {

  private final int maxCount;
  private final long maxBytes;
  private final long maxAgeNanos;
  /** Times are arrival times, numbers payload lengths, values the broadcasts. */
  private final ArrivalLog<BroadcastMessage.Gossip> entries = new ArrivalLog<>();
  private long bytes;
  /** No entry was cached before this (see {@link ExpiryBound}). */
  private final ExpiryBound oldest = new ExpiryBound();

  PayloadCache(int maxCount, long maxBytes, long maxAgeNanos) {
    this.maxCount = maxCount;
    this.maxBytes = maxBytes;
    this.maxAgeNanos = maxAgeNanos;
  }

  /** Keeps {@code gossip} as this node received it (its hop count is this node's own). */
  void put(BroadcastMessage.Gossip gossip, long nowNanos) {
    int length = gossip.sharedPayload().length;
    int at = entries.find(gossip.id());
    if (at >= 0) {
      bytes -= entries.number(at);
      entries.set(at, nowNanos, length, gossip); // keeps its place, as a map keeps a key's
      oldest.restamped();
    } else {
      entries.append(gossip.id(), nowNanos, length, gossip);
    }
    oldest.added(nowNanos);
    bytes += length;
    while (entries.size() > maxCount || bytes > maxBytes) {
      evictOldest();
    }
  }

  /** The broadcast as this node received it, or null when it is not (or no longer) kept. */
  BroadcastMessage.Gossip get(MessageId id, long nowNanos) {
    int at = entries.find(id);
    return at < 0 || nowNanos - entries.time(at) >= maxAgeNanos ? null : entries.value(at);
  }

  void expire(long nowNanos) {
    if (!oldest.due(nowNanos, maxAgeNanos)) {
      return;
    }
    for (int at = entries.oldest(); at >= 0; at = entries.oldest()) {
      if (nowNanos - entries.time(at) < maxAgeNanos) {
        oldest.expired(entries.time(at));
        return;
      }
      evictOldest();
    }
    oldest.expired(ExpiryBound.NONE);
  }

  private void evictOldest() {
    bytes -= entries.number(entries.oldest());
    entries.removeOldest();
  }

  /** No entry is due for expiry before this time; {@code otherwise} when empty (see {@link ExpiryBound#dueAt}). */
  long dueAt(long otherwise) {
    return oldest.dueAt(maxAgeNanos, otherwise);
  }

  int size() {
    return entries.size();
  }

  long bytes() {
    return bytes;
  }
}
