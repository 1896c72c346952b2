package io.barrel.p2p.rpc;

import io.barrel.p2p.NodeName;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Bounds the calls this node has open towards each peer. Every call holds a QUIC stream, and a
 * peer grants only {@code transport.max-streams} of them, so calls beyond the bound wait here in
 * arrival order instead of failing to open a stream; beyond {@code maxWaiting} more they fail at
 * once, so a dead or slow peer cannot collect an unbounded queue.
 */
final class PeerCallSlots {

  private final int maxInFlight;
  private final int maxWaiting;
  // Guarded by this. A peer's entry exists only while it has calls in flight or waiting.
  private final Map<NodeName, Slots> peers = new HashMap<>();
  /** Releases made on this thread while it hands a slot over (see {@link #release}); null when it is not. */
  private final ThreadLocal<ArrayDeque<NodeName>> releasing = new ThreadLocal<>();

  PeerCallSlots(int maxInFlight, int maxWaiting) {
    this.maxInFlight = maxInFlight;
    this.maxWaiting = maxWaiting;
  }

  /**
   * A slot towards {@code peer}: completed at once when one is free, later when one is released,
   * or failed with {@link RemoteOverloadedException} when too many calls already wait. A caller
   * that gives up while waiting cancels the future, which gives up its place; once the future has
   * completed, the caller must {@link #release} the slot.
   */
  synchronized CompletableFuture<Void> acquire(NodeName peer, String call) {
    Slots s = peers.computeIfAbsent(peer, p -> new Slots());
    if (s.inFlight < maxInFlight) {
      s.inFlight++;
      return CompletableFuture.completedFuture(null);
    }
    if (s.waiting.size() >= maxWaiting) {
      s.waiting.removeIf(CompletableFuture::isDone); // calls that gave up while waiting hold no place
    }
    if (s.waiting.size() >= maxWaiting) {
      return CompletableFuture.failedFuture(new RemoteOverloadedException(peer, call, "this node already has "
          + maxInFlight + " calls in flight and " + maxWaiting + " waiting towards that node (rpc.max-in-flight-per-peer,"
          + " rpc.max-waiting-per-peer)"));
    }
    CompletableFuture<Void> slot = new CompletableFuture<>();
    s.waiting.add(slot);
    return slot;
  }

  /**
   * Gives a slot back; the oldest waiting call that still wants it takes it (a waiter cancelled by
   * its caller is skipped). Handing a slot over runs the waiter's continuation, which may release
   * a slot in turn (a call that ended while it waited): such releases on the same thread are queued
   * and done here one after another, so a long line of them does not nest one stack frame each.
   */
  void release(NodeName peer) {
    ArrayDeque<NodeName> queued = releasing.get();
    if (queued != null) {
      queued.add(peer);
      return;
    }
    queued = new ArrayDeque<>();
    releasing.set(queued);
    try {
      for (NodeName next = peer; next != null; next = queued.poll()) {
        handOver(next);
      }
    } finally {
      releasing.remove();
    }
  }

  private void handOver(NodeName peer) {
    while (true) {
      CompletableFuture<Void> next;
      synchronized (this) {
        Slots s = peers.get(peer);
        if (s == null) {
          return;
        }
        next = s.waiting.poll();
        if (next == null) {
          s.inFlight--;
          if (s.inFlight <= 0) {
            peers.remove(peer);
          }
          return;
        }
      }
      // Outside the lock: completing runs the waiting call's continuation.
      if (next.complete(null)) {
        return;
      }
    }
  }

  /** Calls in flight towards {@code peer} (for tests and metrics). */
  synchronized int inFlight(NodeName peer) {
    Slots s = peers.get(peer);
    return s == null ? 0 : s.inFlight;
  }

  /** Calls waiting for a slot towards {@code peer}. */
  synchronized int waiting(NodeName peer) {
    Slots s = peers.get(peer);
    return s == null ? 0 : s.waiting.size();
  }

  private static final class Slots {
    int inFlight;
    final ArrayDeque<CompletableFuture<Void>> waiting = new ArrayDeque<>();
  }
}
