package io.barrel.p2p.membership;

import io.barrel.p2p.NodeName;
import java.util.ArrayList;
import java.util.List;

/** The link attempts in flight, at most one per peer, each with its deadline. */
final class LinkAttempts {

  private final PeerTable<LinkAttempt> byPeer = new PeerTable<>(0, 8, true);

  LinkAttempt start(NodeName peer, LinkAttempt.Kind kind, NeighborPriority priority, long deadline) {
    if (byPeer.contains(peer)) {
      throw new IllegalStateException("a link attempt to " + peer + " is already in flight: " + get(peer));
    }
    LinkAttempt attempt = new LinkAttempt(peer, kind, priority, deadline);
    byPeer.add(peer, attempt);
    return attempt;
  }

  LinkAttempt get(NodeName peer) {
    int slot = byPeer.indexOf(peer);
    return slot < 0 ? null : byPeer.value(slot);
  }

  boolean isEmpty() {
    return byPeer.size() == 0;
  }

  boolean contains(NodeName peer) {
    return byPeer.contains(peer);
  }

  boolean contains(NodeName peer, int hash) {
    return byPeer.contains(peer, hash);
  }

  LinkAttempt remove(NodeName peer) {
    int slot = byPeer.indexOf(peer);
    if (slot < 0) {
      return null;
    }
    LinkAttempt attempt = byPeer.value(slot);
    byPeer.removeAt(slot);
    return attempt;
  }

  int count(LinkAttempt.Kind kind) {
    return byPeer.count(slot -> byPeer.value(slot).kind == kind);
  }

  /**
   * True when a promotion with HIGH priority is under way. A node below its floor forces one link at
   * a time and asks politely for the rest, so a mass failure does not turn into a storm of forced
   * evictions.
   */
  boolean highPromotionUnderWay() {
    for (int slot = 0; slot < byPeer.size(); slot++) {
      LinkAttempt attempt = byPeer.value(slot);
      if (attempt.kind == LinkAttempt.Kind.PROMOTION && attempt.priority == NeighborPriority.HIGH) {
        return true;
      }
    }
    return false;
  }

  /** The attempts whose deadline is at or before {@code now}. */
  List<LinkAttempt> overdue(long now) {
    List<LinkAttempt> out = new ArrayList<>();
    for (int slot = 0; slot < byPeer.size(); slot++) {
      LinkAttempt attempt = byPeer.value(slot);
      if (attempt.deadline <= now) {
        out.add(attempt);
      }
    }
    return out;
  }

  /** The earliest deadline of an attempt in flight, or {@link Long#MAX_VALUE} with none. */
  long earliestDeadline() {
    long earliest = Long.MAX_VALUE;
    for (int slot = 0; slot < byPeer.size(); slot++) {
      earliest = Math.min(earliest, byPeer.value(slot).deadline);
    }
    return earliest;
  }

  List<LinkAttempt> all() {
    List<LinkAttempt> out = new ArrayList<>(byPeer.size());
    for (int slot = 0; slot < byPeer.size(); slot++) {
      out.add(byPeer.value(slot));
    }
    return out;
  }

  void clear() {
    byPeer.clear();
  }
}
