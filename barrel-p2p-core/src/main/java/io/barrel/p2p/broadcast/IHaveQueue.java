package io.barrel.p2p.broadcast;

import io.barrel.p2p.NodeName;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Announcements waiting to go to lazy peers, one queue per peer. The reference system sends one
 * IHAVE per message per lazy peer at once; batching them on a short timer turns a burst of
 * broadcasts into one IHAVE per peer per flush. One flush timer serves every peer, so a busy node
 * arms at most one timer per flush interval.
 */
final class IHaveQueue {

  private final Duration flushInterval;
  private final int maxBatch;
  private final Map<NodeName, List<BroadcastMessage.Announcement>> queues = new LinkedHashMap<>();
  private boolean flushArmed;
  private int queued;

  IHaveQueue(Duration flushInterval, int maxBatch) {
    this.flushInterval = flushInterval;
    this.maxBatch = maxBatch;
  }

  /** Queues one announcement; a full batch is sent at once, the first queued one arms the flush. */
  void add(NodeName peer, BroadcastMessage.Announcement announcement, List<PlumtreeEffect> out) {
    List<BroadcastMessage.Announcement> queue = queues.computeIfAbsent(peer, p -> new ArrayList<>());
    queue.add(announcement);
    queued++;
    if (queue.size() >= maxBatch) {
      queues.remove(peer);
      queued -= queue.size();
      out.add(new PlumtreeEffect.Send(peer, new BroadcastMessage.IHave(queue)));
    } else if (!flushArmed && !flushInterval.isZero()) {
      flushArmed = true;
      out.add(new PlumtreeEffect.Schedule(new PlumtreeTimer.IHaveFlush(), flushInterval));
    }
  }

  /** Sends every queue as one IHAVE per peer, in the order the peers were first queued for. */
  void flush(List<PlumtreeEffect> out) {
    flushArmed = false;
    for (Map.Entry<NodeName, List<BroadcastMessage.Announcement>> e : queues.entrySet()) {
      out.add(new PlumtreeEffect.Send(e.getKey(), new BroadcastMessage.IHave(e.getValue())));
    }
    queues.clear();
    queued = 0;
  }

  /** With no flush interval, announcements leave at the end of the input that queued them. */
  void flushIfUnbatched(List<PlumtreeEffect> out) {
    if (flushInterval.isZero() && !queues.isEmpty()) {
      flush(out);
    }
  }

  /** Drops what was queued for a peer that is gone. */
  void drop(NodeName peer) {
    List<BroadcastMessage.Announcement> dropped = queues.remove(peer);
    if (dropped != null) {
      queued -= dropped.size();
    }
  }

  int size() {
    return queued;
  }
}
