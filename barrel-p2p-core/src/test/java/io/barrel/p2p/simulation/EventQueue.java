package io.barrel.p2p.simulation;

import java.util.Arrays;

/**
 * The simulation's agenda: events ordered by virtual time (milliseconds), ties broken by the order
 * they were created (a sequence number the simulator hands out), so equal-time events run
 * first-in first-out and a run is reproducible.
 *
 * <p>A calendar queue: one FIFO list per millisecond over a sliding window of 65 s, plus a binary
 * heap for the rare later events (none of the protocols' timers is that long by default). Adding
 * and taking are constant time, which matters: a 10,000-node run pushes tens of millions of events
 * through it, and a binary heap of tens of thousands of pending timers spent a sixth of the run
 * in cache misses.
 */
final class EventQueue {

  /** What an event is; the simulator dispatches on it. */
  enum Kind {
    /** A HyParView message arrives at {@code node} from {@code from}. */
    MEMBERSHIP_MESSAGE,
    /** {@code node}'s dial to {@code from} succeeded. */
    CONNECTED,
    /** {@code node}'s dial to (or send to) {@code from} failed. */
    CONNECT_FAILED,
    /** {@code node}'s connection to {@code from} closed. */
    CONNECTION_CLOSED,
    /** A HyParView timer of {@code node} fires. */
    MEMBERSHIP_TIMER,
    /** A Plumtree message arrives at {@code node} from {@code from}. */
    BROADCAST_MESSAGE,
    /** A Plumtree timer of {@code node} fires. */
    BROADCAST_TIMER
  }

  /** One scheduled happening. */
  static final class Event {
    final long at;
    final long seq;
    final Kind kind;
    /** The node the event happens at, by index. */
    final int node;
    /** The other end (a message's sender, a connection's peer), by index; -1 for a timer. */
    final int from;
    final Object payload;
    /** The connection generation a message was sent on; a hang-up since then drops it. */
    final int epoch;
    /** The next event of the same millisecond. */
    Event next;

    Event(long at, long seq, Kind kind, int node, int from, Object payload, int epoch) {
      this.at = at;
      this.seq = seq;
      this.kind = kind;
      this.node = node;
      this.from = from;
      this.payload = payload;
      this.epoch = epoch;
    }
  }

  /** Buckets of one millisecond each; the window they cover slides forward with the earliest event. */
  private static final int BUCKET_BITS = 16;
  private static final int BUCKETS = 1 << BUCKET_BITS;
  private static final int MASK = BUCKETS - 1;

  private final Event[] heads = new Event[BUCKETS];
  private final Event[] tails = new Event[BUCKETS];
  /** Events later than the bucket window, kept in a binary heap until the window reaches them. */
  private Event[] overflow = new Event[64];
  private int overflowSize;
  /** No event is earlier than this; buckets hold exactly the events in [floor, floor + BUCKETS). */
  private long floor;
  /** No bucket in [floor, scan) holds an event. */
  private long scan;
  private int inBuckets;

  /**
   * Queues an event. Within one millisecond events keep the order they were queued in, which is
   * the order of their sequence numbers: the simulator queues each event as it creates it.
   */
  void add(Event e) {
    if (e.at < floor) {
      throw new IllegalArgumentException("event at " + e.at + " is earlier than the queue's floor " + floor);
    }
    if (e.at - floor >= BUCKETS) {
      pushOverflow(e);
      return;
    }
    append(e, true);
  }

  /**
   * Links {@code e} into its bucket. {@code newest} says it was just queued, so its sequence
   * number is the largest yet and it goes last without reading the bucket's tail (often a cold
   * event queued seconds ago); an event moved in from the overflow may belong earlier.
   */
  private void append(Event e, boolean newest) {
    int b = (int) (e.at & MASK);
    e.next = null;
    if (heads[b] == null) {
      heads[b] = e;
      tails[b] = e;
    } else if (newest || tails[b].seq < e.seq) {
      tails[b].next = e;
      tails[b] = e;
    } else {
      // Only an event moved in from the overflow can be older than the bucket's last one.
      Event prev = null;
      Event cur = heads[b];
      while (cur != null && cur.seq < e.seq) {
        prev = cur;
        cur = cur.next;
      }
      e.next = cur;
      if (prev == null) {
        heads[b] = e;
      } else {
        prev.next = e;
      }
    }
    inBuckets++;
    if (e.at < scan) {
      scan = e.at;
    }
  }

  Event peek() {
    Event bucketed = null;
    if (inBuckets > 0) {
      while (heads[(int) (scan & MASK)] == null) {
        scan++;
      }
      bucketed = heads[(int) (scan & MASK)];
    }
    Event o = overflowSize == 0 ? null : overflow[0];
    if (bucketed == null) {
      return o;
    }
    return o != null && before(o, bucketed) ? o : bucketed;
  }

  Event poll() {
    Event e = peek();
    if (e == null) {
      return null;
    }
    if (overflowSize > 0 && overflow[0] == e) {
      pollOverflow();
    } else {
      int b = (int) (e.at & MASK);
      heads[b] = e.next;
      if (heads[b] == null) {
        tails[b] = null;
      }
      e.next = null;
      inBuckets--;
    }
    if (e.at > floor) {
      floor = e.at;
      if (scan < floor) {
        scan = floor;
      }
      while (overflowSize > 0 && overflow[0].at - floor < BUCKETS) {
        append(pollOverflow(), false);
      }
    }
    return e;
  }

  boolean isEmpty() {
    return inBuckets == 0 && overflowSize == 0;
  }

  int size() {
    return inBuckets + overflowSize;
  }

  private void pushOverflow(Event e) {
    if (overflowSize == overflow.length) {
      overflow = Arrays.copyOf(overflow, overflowSize * 2);
    }
    int i = overflowSize++;
    while (i > 0) {
      int parent = (i - 1) >>> 1;
      if (!before(e, overflow[parent])) {
        break;
      }
      overflow[i] = overflow[parent];
      i = parent;
    }
    overflow[i] = e;
  }

  private Event pollOverflow() {
    Event top = overflow[0];
    Event last = overflow[--overflowSize];
    overflow[overflowSize] = null;
    if (overflowSize > 0) {
      int i = 0;
      int half = overflowSize >>> 1;
      while (i < half) {
        int child = 2 * i + 1;
        if (child + 1 < overflowSize && before(overflow[child + 1], overflow[child])) {
          child++;
        }
        if (!before(overflow[child], last)) {
          break;
        }
        overflow[i] = overflow[child];
        i = child;
      }
      overflow[i] = last;
    }
    return top;
  }

  private static boolean before(Event a, Event b) {
    return a.at != b.at ? a.at < b.at : a.seq < b.seq;
  }
}
