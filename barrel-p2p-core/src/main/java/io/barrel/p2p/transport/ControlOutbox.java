package io.barrel.p2p.transport;

import io.barrel.p2p.NodeName;
import io.barrel.p2p.metrics.MeterName;
import io.barrel.p2p.metrics.Metrics;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

/**
 * Control frames on their way to peers, in the order they were sent per peer, also while the
 * connection is still being dialed: the protocols on top (HyParView's NEIGHBOR then SHUFFLE,
 * Plumtree's GRAFT then PRUNE) rely on that order. A frame is written at once when a usable
 * connection exists and nothing waits before it; otherwise it waits behind the others, bounded per
 * peer, while the first one waiting starts the dial.
 */
final class ControlOutbox {

  /** A control frame on its way out; {@code retried} once it was re-sent after a lost connection. */
  private record Queued(ControlFrame frame, CompletableFuture<Void> done, boolean retried) {}

  private final int maxQueued;
  private final Function<NodeName, PeerConnection> usableConnection;
  private final Function<NodeName, CompletableFuture<PeerConnection>> connector;
  private final BooleanSupplier closed;
  private final Metrics metrics;
  /** Peers whose frames wait for a connection; guarded by itself, which also orders the writes. */
  private final Map<NodeName, ArrayDeque<Queued>> queues = new HashMap<>();

  /**
   * @param maxQueued frames that may wait per peer before a send fails at once (backpressure)
   * @param usableConnection the peer's usable connection, or null
   * @param connector the peer's connection, dialing it if there is none
   * @param closed whether the transport is closing, when a frame must not be sent again
   */
  ControlOutbox(int maxQueued, Function<NodeName, PeerConnection> usableConnection,
      Function<NodeName, CompletableFuture<PeerConnection>> connector, BooleanSupplier closed, Metrics metrics) {
    this.maxQueued = maxQueued;
    this.usableConnection = usableConnection;
    this.connector = connector;
    this.closed = closed;
    this.metrics = metrics;
  }

  /** Sends {@code frame} to {@code peer}; completes once QUIC took it, or fails. */
  CompletableFuture<Void> send(NodeName peer, ControlFrame frame) {
    Queued queued = new Queued(frame, new CompletableFuture<>(), false);
    enqueue(peer, queued);
    return queued.done();
  }

  /** Writes happen under the lock, so their order on the stream is the order of the calls. */
  private void enqueue(NodeName peer, Queued queued) {
    boolean dial = false;
    synchronized (queues) {
      ArrayDeque<Queued> queue = queues.get(peer);
      PeerConnection c = usableConnection.apply(peer);
      if (queue == null && c != null) {
        write(peer, c, queued);
        return;
      }
      if (queue == null) {
        queue = new ArrayDeque<>();
        queues.put(peer, queue);
        dial = true;
      }
      if (queue.size() >= maxQueued) {
        queued.done().completeExceptionally(new TransportException(maxQueued
            + " control frames already wait for a connection to " + peer));
        return;
      }
      queue.add(queued);
    }
    if (dial) {
      connector.apply(peer).whenComplete((c, error) -> flush(peer, c, error));
    }
  }

  private void flush(NodeName peer, PeerConnection c, Throwable error) {
    List<Queued> failed = new ArrayList<>();
    synchronized (queues) {
      ArrayDeque<Queued> queue = queues.remove(peer);
      if (queue == null) {
        return;
      }
      if (error != null) {
        failed.addAll(queue);
      } else {
        queue.forEach(q -> write(peer, c, q));
      }
    }
    Throwable cause = error instanceof CompletionException ? error.getCause() : error;
    failed.forEach(q -> q.done().completeExceptionally(cause));
  }

  /**
   * Writes one frame. A connection can close between being looked up and being written to (an
   * operator's disconnect, the idle reaper); then nothing was sent, so the frame goes once more
   * through the queue onto a fresh connection.
   */
  private void write(NodeName peer, PeerConnection c, Queued queued) {
    metrics.increment(MeterName.CONTROL_FRAMES, "out");
    c.sendControl(queued.frame()).whenComplete((v, error) -> {
      if (error == null) {
        queued.done().complete(null);
      } else if (error instanceof ConnectionLostException && !c.isUsable() && !closed.getAsBoolean()
          && !queued.retried()) {
        enqueue(peer, new Queued(queued.frame(), queued.done(), true));
      } else {
        queued.done().completeExceptionally(error);
      }
    });
  }
}
