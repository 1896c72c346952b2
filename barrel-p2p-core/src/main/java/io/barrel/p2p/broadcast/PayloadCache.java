package io.barrel.p2p.broadcast;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Recent broadcasts kept to answer GRAFTs, bounded by count, total payload bytes and age. Only the
 * repair window needs them (a GRAFT comes within ihave flush + graft timeouts of the announcement),
 * so the bounds can be much tighter than the seen-set's.
 */
final class PayloadCache {

  private record Cached(BroadcastMessage.Gossip gossip, long atNanos) {}

  private final int maxCount;
  private final long maxBytes;
  private final long maxAgeNanos;
  private final LinkedHashMap<MessageId, Cached> entries = new LinkedHashMap<>();
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
    Cached previous = entries.put(gossip.id(), new Cached(gossip, nowNanos));
    oldest.added(nowNanos);
    if (previous != null) {
      oldest.restamped();
      bytes -= previous.gossip().sharedPayload().length;
    }
    bytes += gossip.sharedPayload().length;
    while (entries.size() > maxCount || bytes > maxBytes) {
      evictOldest(entries.entrySet().iterator());
    }
  }

  /** The broadcast as this node received it, or null when it is not (or no longer) kept. */
  BroadcastMessage.Gossip get(MessageId id, long nowNanos) {
    Cached cached = entries.get(id);
    return cached == null || nowNanos - cached.atNanos() >= maxAgeNanos ? null : cached.gossip();
  }

  void expire(long nowNanos) {
    if (!oldest.due(nowNanos, maxAgeNanos)) {
      return;
    }
    Iterator<Map.Entry<MessageId, Cached>> it = entries.entrySet().iterator();
    while (it.hasNext()) {
      Cached head = it.next().getValue();
      if (nowNanos - head.atNanos() < maxAgeNanos) {
        oldest.expired(head.atNanos());
        return;
      }
      bytes -= head.gossip().sharedPayload().length;
      it.remove();
    }
    oldest.expired(ExpiryBound.NONE);
  }

  private void evictOldest(Iterator<Map.Entry<MessageId, Cached>> it) {
    bytes -= it.next().getValue().gossip().sharedPayload().length;
    it.remove();
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
