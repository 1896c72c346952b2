package io.barrel.p2p.membership;

import io.barrel.p2p.NodeName;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.random.RandomGenerator;

/**
 * The peers this node knows but holds no link to: replacements for failed neighbours and the
 * material of shuffles. Bounded by {@code passive-size}; every entry carries its failure record
 * and the time of the last news about it, in the caller's millisecond clock (one unit throughout,
 * and entries learned from the wire age like the others). Entries have no order: every choice among
 * them is uniform, so a removal moves the last entry into the freed slot instead of shifting the rest.
 */
final class PassiveView extends PeerTable<Void> {

  // A passive peer's record, one attribute column each.
  /** Consecutive failed attempts. */
  private static final int FAILURES = 0;
  /** No attempt before this: the peer failed (it may be down) or has just evicted us. */
  private static final int RETRY_AT = 1;
  /** Consecutive refusals of a LOW request. */
  private static final int REFUSALS = 2;
  /** No LOW request before this: the peer refused or evicted us (it is full). */
  private static final int ASK_AGAIN_AT = 3;
  /** The last news of the peer. */
  private static final int LAST_SEEN = 4;
  private static final int COLUMNS = 5;

  private final int bound;

  PassiveView(int capacity) {
    super(COLUMNS, capacity);
    this.bound = capacity;
  }

  /**
   * Adds a peer heard of second hand (a join walk). An entry already present keeps its record:
   * hearsay is no proof the peer is alive, so it neither clears failures nor postpones ageing. When
   * full, a random entry makes room.
   */
  void learn(NodeName peer, long now, RandomGenerator random) {
    if (!contains(peer)) {
      makeRoom(random);
      set(add(peer, null), LAST_SEEN, now);
    }
  }

  /**
   * Adds, as {@link #learn} does, each of {@code peers} (names from a shuffle) that passes
   * {@code allowed}, in order. When full, one of {@code preferEvict} (names this node just handed
   * to the other side of the shuffle) that is present makes room, drawn among them in their order,
   * else a random entry. Where the preferred names sit is worked out once for the batch and kept up
   * to date as entries come and go, not searched again for every name learned.
   */
  void learnAll(List<NodeName> peers, Predicate<NodeName> allowed, List<NodeName> preferEvict, long now,
      RandomGenerator random) {
    // The preferred names' slots (-1: absent), in a fresh array rather than scratch fields of the
    // view: allocation happens in cache, while scratch fields were cold cache lines on every shuffle.
    int preferred = preferEvict.size();
    int[] preferSlots = prefer(preferEvict);
    for (NodeName peer : peers) {
      if (!allowed.test(peer) || contains(peer)) {
        continue;
      }
      if (size() >= bound) {
        int slot = preferredSlot(preferSlots, random);
        int moved = removeSwapping(slot);
        for (int i = 0; i < preferred; i++) {
          if (preferSlots[i] == slot) {
            preferSlots[i] = -1;
          } else if (preferSlots[i] == moved) {
            preferSlots[i] = slot;
          }
        }
      }
      int slot = add(peer, null);
      set(slot, LAST_SEEN, now);
      int hash = peer.hashCode();
      for (int i = 0; i < preferred; i++) {
        NodeName given = preferEvict.get(i);
        if (given.hashCode() == hash && given.equals(peer)) {
          preferSlots[i] = slot;
        }
      }
    }
  }

  /** Adds or refreshes a peer this node has just dealt with directly: it is alive now. */
  void keep(NodeName peer, long now, RandomGenerator random) {
    int slot = indexOf(peer);
    if (slot < 0) {
      makeRoom(random);
      set(add(peer, null), LAST_SEEN, now);
    } else {
      set(slot, FAILURES, 0);
      set(slot, RETRY_AT, 0);
      set(slot, REFUSALS, 0);
      set(slot, ASK_AGAIN_AT, 0);
      set(slot, LAST_SEEN, Math.max(get(slot, LAST_SEEN), now));
    }
  }

  /** Notes news of a peer (a message or a connection from it) without adding it. */
  void touch(NodeName peer, long now) {
    int slot = indexOf(peer);
    if (slot >= 0) {
      set(slot, LAST_SEEN, Math.max(get(slot, LAST_SEEN), now));
    }
  }

  /**
   * Counts a failed attempt: the peer is not tried again before the backoff ends, and after
   * {@code maxFailCount} failures it is forgotten. Returns true when it was removed.
   */
  boolean recordFailure(NodeName peer, long now, Backoff backoff, int maxFailCount) {
    int slot = indexOf(peer);
    if (slot < 0) {
      return false;
    }
    int failures = (int) get(slot, FAILURES) + 1;
    if (failures >= maxFailCount) {
      removeSwapping(slot);
      return true;
    }
    set(slot, FAILURES, failures);
    set(slot, RETRY_AT, now + backoff.delayAfter(failures));
    return false;
  }

  /**
   * A live peer refused a link because its view is full. It stays (it is a good replacement once
   * it has room) but is not asked with LOW priority again before a backoff that doubles with each
   * refusal: a node whose free slot nobody can fill would otherwise ask its whole passive view
   * every repair tick.
   */
  void deferAfterRefusal(NodeName peer, long now, Backoff backoff) {
    int slot = indexOf(peer);
    if (slot >= 0) {
      int refusals = (int) get(slot, REFUSALS) + 1;
      set(slot, REFUSALS, refusals);
      set(slot, ASK_AGAIN_AT, Math.max(get(slot, ASK_AGAIN_AT), now + backoff.delayAfter(refusals)));
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
    int slot = indexOf(peer);
    if (slot >= 0) {
      long retryAt = Math.max(get(slot, RETRY_AT), now + backoff.delayAfter(1));
      set(slot, RETRY_AT, retryAt);
      set(slot, ASK_AGAIN_AT, Math.max(get(slot, ASK_AGAIN_AT), retryAt));
    }
  }

  /**
   * A random peer that may be asked for a link now: out of failure backoff, passing {@code allowed},
   * and, for a request that may be refused, not recently full. A HIGH request cannot be refused, so
   * a node with no neighbour at all may ask a full peer at once.
   */
  Optional<NodeName> randomCandidate(long now, boolean refusable, PeerTable.Filter allowed,
      RandomGenerator random) {
    return random(random, slot -> isCandidate(slot, now, refusable, allowed));
  }

  /** Up to {@code k} random peers that may be asked for a link now, as {@link #randomCandidate} picks one. */
  List<NodeName> sampleCandidates(long now, boolean refusable, PeerTable.Filter allowed, int k,
      RandomGenerator random) {
    return sample(k, random, slot -> isCandidate(slot, now, refusable, allowed));
  }

  private boolean isCandidate(int slot, long now, boolean refusable, PeerTable.Filter allowed) {
    return get(slot, RETRY_AT) <= now && (!refusable || get(slot, ASK_AGAIN_AT) <= now)
        && passes(slot, allowed);
  }

  /** Removes {@code peer} in constant time (the view has no order to keep); false when it was absent. */
  @Override
  boolean remove(NodeName peer) {
    int slot = indexOf(peer);
    if (slot < 0) {
      return false;
    }
    removeSwapping(slot);
    return true;
  }

  /** Up to {@code k} random entries other than {@code except}. */
  List<NodeName> sample(int k, RandomGenerator random, NodeName... except) {
    return sample(k, random, slot -> !holdsAny(slot, except));
  }

  /** Drops entries with no news for {@code maxAgeMillis}; returns them. */
  List<NodeName> expire(long now, long maxAgeMillis) {
    List<NodeName> removed = new ArrayList<>();
    for (int slot = 0; slot < size(); ) {
      if (now - get(slot, LAST_SEEN) >= maxAgeMillis) {
        removed.add(name(slot));
        removeSwapping(slot); // the last entry moves here: look at this slot again
      } else {
        slot++;
      }
    }
    return removed;
  }

  /** Failures recorded against a peer; 0 when it is absent. For tests and metrics. */
  int failures(NodeName peer) {
    int slot = indexOf(peer);
    return slot < 0 ? 0 : (int) get(slot, FAILURES);
  }


  /** When full, removes a random entry. */
  private void makeRoom(RandomGenerator random) {
    if (size() >= bound) {
      removeSwapping(random.nextInt(size()));
    }
  }

  /** The slots of {@code preferEvict} (-1 when absent), in their order. */
  private int[] prefer(List<NodeName> preferEvict) {
    int[] slots = new int[preferEvict.size()];
    for (int i = 0; i < slots.length; i++) {
      slots[i] = indexOf(preferEvict.get(i));
    }
    return slots;
  }

  /**
   * The entry to evict from a full view: one of the {@code preferred} names that is present,
   * drawn among them in their order, else a random entry.
   */
  private int preferredSlot(int[] preferSlots, RandomGenerator random) {
    int preferred = preferSlots.length;
    int present = 0;
    for (int i = 0; i < preferred; i++) {
      if (preferSlots[i] >= 0) {
        present++;
      }
    }
    if (present == 0) {
      return random.nextInt(size());
    }
    int index = random.nextInt(present);
    for (int i = 0; i < preferred; i++) {
      if (preferSlots[i] >= 0 && index-- == 0) {
        return preferSlots[i];
      }
    }
    throw new AssertionError("unreachable: " + present + " preferred entries counted");
  }
}
