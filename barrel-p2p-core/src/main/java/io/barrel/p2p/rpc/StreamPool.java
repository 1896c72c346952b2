package io.barrel.p2p.rpc;

import io.barrel.p2p.NodeName;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The idle data streams this node keeps towards each peer for its next unary calls: a call that
 * finds one sends its request on it, which saves opening a QUIC stream (a stream channel and its
 * pipeline on both sides) and closing it again (a FIN each way). A stream carries one call at a
 * time, so calls still never wait behind one another.
 *
 * <p>Bounded per peer; a stream idle longer than the idle time is closed by {@link #sweep}, well
 * before the transport's idle-connection reaper looks (it keeps connections with open streams),
 * so pooled streams never keep an unused connection alive.
 */
final class StreamPool {

  /** Idle streams kept per peer; more are closed as their calls end. */
  static final int MAX_IDLE_PER_PEER = 64;
  /** How long a stream may sit idle before it is closed. */
  static final long IDLE_NANOS = 10_000_000_000L;

  private final Map<NodeName, ArrayDeque<Idle>> idle = new ConcurrentHashMap<>();

  private record Idle(PooledStream stream, long sinceNanos) {}

  /** An idle stream towards {@code peer} for the next call (the most recently used), or null. */
  PooledStream take(NodeName peer) {
    ArrayDeque<Idle> q = idle.get(peer);
    if (q == null) {
      return null;
    }
    synchronized (q) {
      Idle i;
      while ((i = q.pollLast()) != null) {
        if (i.stream.claim()) {
          return i.stream;
        }
      }
    }
    return null;
  }

  /**
   * Keeps {@code stream}, whose call just ended cleanly, for the next call; false when the peer
   * already has enough idle streams (the caller closes it).
   */
  boolean offer(PooledStream stream, long nowNanos) {
    ArrayDeque<Idle> q = idle.computeIfAbsent(stream.peer(), p -> new ArrayDeque<>());
    synchronized (q) {
      if (q.size() >= MAX_IDLE_PER_PEER) {
        return false;
      }
      q.addLast(new Idle(stream, nowNanos));
      return true;
    }
  }

  /** Forgets {@code stream} (it closed or broke while idle). */
  void remove(PooledStream stream) {
    ArrayDeque<Idle> q = idle.get(stream.peer());
    if (q != null) {
      synchronized (q) {
        q.removeIf(i -> i.stream == stream);
      }
    }
  }

  /** Takes out the streams idle since before {@code nowNanos - IDLE_NANOS}; the caller closes them. */
  List<PooledStream> sweep(long nowNanos) {
    List<PooledStream> expired = new ArrayList<>();
    for (ArrayDeque<Idle> q : idle.values()) {
      synchronized (q) {
        // Oldest first: stop at the first stream still fresh enough.
        for (Iterator<Idle> it = q.iterator(); it.hasNext(); ) {
          Idle i = it.next();
          if (nowNanos - i.sinceNanos < IDLE_NANOS) {
            break;
          }
          it.remove();
          if (i.stream.claim()) {
            expired.add(i.stream);
          }
        }
      }
    }
    // Empty queues stay: one per peer this node ever called, and a removal could race an offer.
    return expired;
  }

  /** Idle streams held towards {@code peer}. */
  int idle(NodeName peer) {
    ArrayDeque<Idle> q = idle.get(peer);
    if (q == null) {
      return 0;
    }
    synchronized (q) {
      return q.size();
    }
  }

  /** One data stream that may carry calls one after another: the pool needs its peer and a claim. */
  interface PooledStream {
    NodeName peer();

    /** Takes the idle stream for one use; false when it is already taken or closed. */
    boolean claim();
  }
}
