package io.barrel.p2p.broadcast;

/**
 * A lower bound on the time of the oldest entry of a collection that expires entries from its head
 * (the seen-set, the payload cache, the root trees), so that the expiry check that runs on every
 * input can tell "nothing is due" without reading the head entry itself. At thousands of nodes that
 * read is a cache miss per collection per input, for an answer that is nearly always "no".
 *
 * <p>The owner reports every entry it appends ({@link #added}) and, after each expiry pass, the time
 * of the head that stopped it ({@link #expired}). The bound is exact while entries are appended in
 * time order (a monotonic clock) and keep their times; if one is ever appended earlier than the
 * one before, or restamped in place, the bound falls back to the earliest time appended since the
 * collection was last empty, which still never skips a pass that would have removed something.
 */
final class ExpiryBound {

  /** The time of an empty collection's oldest entry: none will ever be due. */
  static final long NONE = Long.MAX_VALUE;

  private long oldest = NONE;
  private long newest = Long.MIN_VALUE;
  private boolean inOrder = true;

  /** An entry stamped {@code atNanos} was appended at the tail (or moved there with that time). */
  void added(long atNanos) {
    if (atNanos < newest) {
      inOrder = false;
    }
    newest = Math.max(newest, atNanos);
    oldest = Math.min(oldest, atNanos);
  }

  /**
   * An entry kept its place but took a later time: the times behind it may now be earlier than its
   * own, so from here until the collection empties the bound stays at the earliest time appended.
   */
  void restamped() {
    inOrder = false;
  }

  /**
   * The earliest time the head may be {@code maxAgeNanos} old, or {@code otherwise} when the
   * collection is empty: until then {@link #due} is false (compare times by their difference).
   */
  long dueAt(long maxAgeNanos, long otherwise) {
    return oldest == NONE ? otherwise : oldest + maxAgeNanos;
  }

  /** True when the head may be {@code maxAgeNanos} old at {@code nowNanos}: an expiry pass must look. */
  boolean due(long nowNanos, long maxAgeNanos) {
    return oldest != NONE && nowNanos - oldest >= maxAgeNanos;
  }

  /** An expiry pass stopped at a head stamped {@code headNanos}, or emptied the collection ({@link #NONE}). */
  void expired(long headNanos) {
    if (headNanos == NONE) {
      oldest = NONE;
      newest = Long.MIN_VALUE;
      inOrder = true;
    } else if (inOrder) {
      oldest = headNanos;
    }
  }
}
