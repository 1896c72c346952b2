package io.barrel.p2p.membership;

import io.barrel.p2p.NodeName;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.random.RandomGenerator;

/**
 * The peers this node knows but holds no link to: replacements for failed neighbours and the
 * material of shuffles. Bounded by {@code passive-size}; every entry carries its failure record
 * and the time of the last news about it, in the caller's millisecond clock (one unit throughout,
 * and entries learned from the wire age like the others).
 */
final class PassiveView {

  /** A passive peer's record. */
  private static final class Entry {
    int failures;
    /** No attempt before this: the peer failed (it may be down) or has just evicted us. */
    long retryAt;
    int refusals;
    /** No LOW request before this: the peer refused or evicted us (it is full). */
    long askAgainAt;
    long lastSeen;

    Entry(long now) {
      lastSeen = now;
    }
  }

  private final int capacity;
  private final Map<NodeName, Entry> entries = new LinkedHashMap<>();

  PassiveView(int capacity) {
    this.capacity = capacity;
  }

  boolean contains(NodeName peer) {
    return entries.containsKey(peer);
  }

  int size() {
    return entries.size();
  }

  /**
   * Adds a peer heard of second hand (a shuffle, a join walk). An entry already present keeps its
   * record: hearsay is no proof the peer is alive, so it neither clears failures nor postpones
   * ageing. When full, one of {@code preferEvict} (names this node just handed to the other side
   * of a shuffle) makes room, else a random entry.
   */
  void learn(NodeName peer, long now, Collection<NodeName> preferEvict, RandomGenerator random) {
    if (!entries.containsKey(peer)) {
      makeRoom(preferEvict, random);
      entries.put(peer, new Entry(now));
    }
  }

  /** Adds or refreshes a peer this node has just dealt with directly: it is alive now. */
  void keep(NodeName peer, long now, RandomGenerator random) {
    Entry entry = entries.get(peer);
    if (entry == null) {
      makeRoom(List.of(), random);
      entries.put(peer, new Entry(now));
    } else {
      entry.failures = 0;
      entry.retryAt = 0;
      entry.refusals = 0;
      entry.askAgainAt = 0;
      entry.lastSeen = Math.max(entry.lastSeen, now);
    }
  }

  /** Notes news of a peer (a message or a connection from it) without adding it. */
  void touch(NodeName peer, long now) {
    Entry entry = entries.get(peer);
    if (entry != null) {
      entry.lastSeen = Math.max(entry.lastSeen, now);
    }
  }

  /**
   * Counts a failed attempt: the peer is not tried again before the backoff ends, and after
   * {@code maxFailCount} failures it is forgotten. Returns true when it was removed.
   */
  boolean recordFailure(NodeName peer, long now, Backoff backoff, int maxFailCount) {
    Entry entry = entries.get(peer);
    if (entry == null) {
      return false;
    }
    entry.failures++;
    if (entry.failures >= maxFailCount) {
      entries.remove(peer);
      return true;
    }
    entry.retryAt = now + backoff.delayAfter(entry.failures);
    return false;
  }

  /**
   * A live peer refused a link because its view is full. It stays (it is a good replacement once
   * it has room) but is not asked with LOW priority again before a backoff that doubles with each
   * refusal: a node whose free slot nobody can fill would otherwise ask its whole passive view
   * every repair tick.
   */
  void deferAfterRefusal(NodeName peer, long now, Backoff backoff) {
    Entry entry = entries.get(peer);
    if (entry != null) {
      entry.refusals++;
      entry.askAgainAt = Math.max(entry.askAgainAt, now + backoff.delayAfter(entry.refusals));
    }
  }

  /**
   * A peer just dropped us to make room for another, or refused even a HIGH request (it has not
   * joined yet). It is not asked again, with any priority, before one backoff step: asking an
   * evicting peer straight back with HIGH would make it evict another of its neighbours, which
   * with a single link left would do the same, a hot potato passed around the overlay in no time.
   * This is not a failure; the peer is alive.
   */
  void holdOff(NodeName peer, long now, Backoff backoff) {
    Entry entry = entries.get(peer);
    if (entry != null) {
      entry.retryAt = Math.max(entry.retryAt, now + backoff.delayAfter(1));
      entry.askAgainAt = Math.max(entry.askAgainAt, entry.retryAt);
    }
  }

  /**
   * Peers that may be asked for a link now: out of failure backoff, passing {@code allowed}, and,
   * for a request that may be refused, not recently full. A HIGH request cannot be refused, so
   * a node with no neighbour at all may ask a full peer at once.
   */
  List<NodeName> candidates(long now, boolean refusable, Predicate<NodeName> allowed) {
    List<NodeName> out = new ArrayList<>();
    for (Map.Entry<NodeName, Entry> e : entries.entrySet()) {
      Entry entry = e.getValue();
      if (entry.retryAt <= now && (!refusable || entry.askAgainAt <= now) && allowed.test(e.getKey())) {
        out.add(e.getKey());
      }
    }
    return out;
  }

  boolean remove(NodeName peer) {
    return entries.remove(peer) != null;
  }

  /** Up to {@code k} random entries that pass {@code allowed}. */
  List<NodeName> sample(int k, RandomGenerator random, Predicate<NodeName> allowed) {
    List<NodeName> pool = new ArrayList<>();
    for (NodeName peer : entries.keySet()) {
      if (allowed.test(peer)) {
        pool.add(peer);
      }
    }
    return Sampling.some(pool, k, random);
  }

  /** Drops entries with no news for {@code maxAgeMillis}; returns them. */
  List<NodeName> expire(long now, long maxAgeMillis) {
    List<NodeName> removed = new ArrayList<>();
    for (Iterator<Map.Entry<NodeName, Entry>> it = entries.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<NodeName, Entry> e = it.next();
      if (now - e.getValue().lastSeen >= maxAgeMillis) {
        removed.add(e.getKey());
        it.remove();
      }
    }
    return removed;
  }

  /** Failures recorded against a peer; 0 when it is absent. For tests and metrics. */
  int failures(NodeName peer) {
    Entry entry = entries.get(peer);
    return entry == null ? 0 : entry.failures;
  }

  Set<NodeName> snapshot() {
    return Collections.unmodifiableSet(new LinkedHashSet<>(entries.keySet()));
  }

  void clear() {
    entries.clear();
  }

  private void makeRoom(Collection<NodeName> preferEvict, RandomGenerator random) {
    if (entries.size() < capacity) {
      return;
    }
    List<NodeName> preferred = new ArrayList<>();
    for (NodeName peer : preferEvict) {
      if (entries.containsKey(peer)) {
        preferred.add(peer);
      }
    }
    Collection<NodeName> pool = preferred.isEmpty() ? entries.keySet() : preferred;
    entries.remove(Sampling.one(pool, random).orElseThrow());
  }
}
