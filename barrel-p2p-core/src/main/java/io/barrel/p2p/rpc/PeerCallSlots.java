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

  PeerCallSlots(int maxInFlight, int maxWaiting) {
    this.maxInFlight = maxInFlight;
    this.maxWaiting = maxWaiting;
  }

  /**
   * A slot towards {@code peer}: completed at once when one is free, later when one is released,
   * or failed with {@link RemoteOverloadedException} when too many calls already wait. A caller
   * that gives up must still {@link #release} the slot once the future completes.
   */
  synchronized CompletableFuture<Void> acquire(NodeName peer, String call) {
    Slots s = peers.computeIfAbsent(peer, p -> new Slots());
    if (s.inFlight < maxInFlight) {
      s.inFlight++;
      return CompletableFuture.completedFuture(null);
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

  /** Gives a slot back; the oldest waiting call takes it. */
  void release(NodeName peer) {
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
    next.complete(null);
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
