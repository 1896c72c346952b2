package io.barrel.p2p.simulation;

import java.util.Arrays;

/**
 * A binary min-heap of simulation events ordered by virtual time, ties broken by the order they
 * were created (a sequence number the simulator hands out), so equal-time events run first-in
 * first-out and a run is reproducible. Hand-written rather than a {@code PriorityQueue} with a
 * comparator because a 10,000-node run pushes tens of millions of events through it.
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
    final SimNode node;
    final SimNode from;
    final Object payload;
    /** The connection generation a message was sent on; a hang-up since then drops it. */
    final int epoch;

    Event(long at, long seq, Kind kind, SimNode node, SimNode from, Object payload, int epoch) {
      this.at = at;
      this.seq = seq;
      this.kind = kind;
      this.node = node;
      this.from = from;
      this.payload = payload;
      this.epoch = epoch;
    }
  }

  private Event[] heap = new Event[1 << 12];
  private int size;

  void add(Event e) {
    if (size == heap.length) {
      heap = Arrays.copyOf(heap, size * 2);
    }
    int i = size++;
    while (i > 0) {
      int parent = (i - 1) >>> 1;
      Event p = heap[parent];
      if (!before(e, p)) {
        break;
      }
      heap[i] = p;
      i = parent;
    }
    heap[i] = e;
  }

  Event peek() {
    return size == 0 ? null : heap[0];
  }

  Event poll() {
    if (size == 0) {
      return null;
    }
    Event top = heap[0];
    Event last = heap[--size];
    heap[size] = null;
    if (size > 0) {
      int i = 0;
      int half = size >>> 1;
      while (i < half) {
        int child = 2 * i + 1;
        Event c = heap[child];
        int right = child + 1;
        if (right < size && before(heap[right], c)) {
          child = right;
          c = heap[child];
        }
        if (!before(c, last)) {
          break;
        }
        heap[i] = c;
        i = child;
      }
      heap[i] = last;
    }
    return top;
  }

  boolean isEmpty() {
    return size == 0;
  }

  int size() {
    return size;
  }

  private static boolean before(Event a, Event b) {
    return a.at != b.at ? a.at < b.at : a.seq < b.seq;
  }
}
