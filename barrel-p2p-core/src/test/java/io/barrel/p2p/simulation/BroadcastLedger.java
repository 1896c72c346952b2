package io.barrel.p2p.simulation;

import io.barrel.p2p.broadcast.BroadcastMessage;
import io.barrel.p2p.broadcast.MessageId;
import io.barrel.p2p.broadcast.PlumtreeEffect;
import java.util.BitSet;
import java.util.HashMap;
import java.util.Map;

/**
 * What happened to every Plumtree broadcast of a run: who delivered it and how often, how many
 * payload messages it took, how far it travelled; plus the control traffic (IHAVE, GRAFT, PRUNE),
 * counted separately because the redundancy metric counts payload messages only.
 */
final class BroadcastLedger {

  /** One broadcast's account. */
  static final class Record {
    final MessageId id;
    final int origin;
    final long startedAt;
    final BitSet delivered = new BitSet();
    int deliveries;
    int duplicateDeliveries;
    int gossipSent;
    int gossipReceived;
    int maxHops;
    long lastDeliveryAt;

    Record(MessageId id, int origin, long startedAt) {
      this.id = id;
      this.origin = origin;
      this.startedAt = startedAt;
    }
  }

  /** Cumulative control traffic; experiments subtract two snapshots to get a window's share. */
  record Control(long ihaveMessages, long announcements, long grafts, long prunes, long lost) {
    Control minus(Control earlier) {
      return new Control(ihaveMessages - earlier.ihaveMessages, announcements - earlier.announcements,
          grafts - earlier.grafts, prunes - earlier.prunes, lost - earlier.lost);
    }
  }

  private final Map<MessageId, Record> records = new HashMap<>();
  /**
   * The record looked up last: every copy of a broadcast carries the id instance its origin made,
   * and a run mostly has one broadcast in flight, so an identity check spares hashing the id and
   * reading the map's entry (cache misses) on nearly every message.
   */
  private Record last;
  private long ihaveMessages;
  private long announcements;
  private long grafts;
  private long prunes;
  private long lost;

  Record start(MessageId id, int origin, long now) {
    Record record = new Record(id, origin, now);
    records.put(id, record);
    return record;
  }

  Record record(MessageId id) {
    Record r = last;
    if (r != null && r.id == id) {
      return r;
    }
    r = records.get(id);
    if (r != null) {
      last = r;
    }
    return r;
  }

  void sent(BroadcastMessage message) {
    if (message instanceof BroadcastMessage.Gossip gossip) {
      Record r = record(gossip.id());
      if (r != null) {
        r.gossipSent++;
      }
    } else if (message instanceof BroadcastMessage.IHave ihave) {
      ihaveMessages++;
      announcements += ihave.announcements().size();
    } else if (message instanceof BroadcastMessage.Graft) {
      grafts++;
    } else if (message instanceof BroadcastMessage.Prune) {
      prunes++;
    }
  }

  void lost() {
    lost++;
  }

  /** A message reached a live node (it may still be a duplicate). */
  void received(BroadcastMessage message) {
    if (message instanceof BroadcastMessage.Gossip gossip) {
      Record r = record(gossip.id());
      if (r != null) {
        r.gossipReceived++;
      }
    }
  }

  void delivered(int node, PlumtreeEffect.Deliver deliver, long now) {
    Record r = record(deliver.messageId());
    if (r == null) {
      return;
    }
    if (r.delivered.get(node)) {
      r.duplicateDeliveries++;
      return;
    }
    r.delivered.set(node);
    r.deliveries++;
    r.maxHops = Math.max(r.maxHops, deliver.hops());
    r.lastDeliveryAt = Math.max(r.lastDeliveryAt, now);
  }

  Control control() {
    return new Control(ihaveMessages, announcements, grafts, prunes, lost);
  }
}
