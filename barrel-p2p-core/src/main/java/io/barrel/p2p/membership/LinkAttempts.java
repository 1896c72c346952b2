package io.barrel.p2p.membership;

import io.barrel.p2p.NodeName;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The link attempts in flight, at most one per peer, each with a number its deadline refers to. */
final class LinkAttempts {

  private final Map<NodeName, LinkAttempt> byPeer = new LinkedHashMap<>();
  private long nextId = 1;

  LinkAttempt start(NodeName peer, LinkAttempt.Kind kind, NeighborPriority priority) {
    if (byPeer.containsKey(peer)) {
      throw new IllegalStateException("a link attempt to " + peer + " is already in flight: " + byPeer.get(peer));
    }
    LinkAttempt attempt = new LinkAttempt(peer, kind, nextId++, priority);
    byPeer.put(peer, attempt);
    return attempt;
  }

  LinkAttempt get(NodeName peer) {
    return byPeer.get(peer);
  }

  boolean contains(NodeName peer) {
    return byPeer.containsKey(peer);
  }

  LinkAttempt remove(NodeName peer) {
    return byPeer.remove(peer);
  }

  int count(LinkAttempt.Kind kind) {
    int n = 0;
    for (LinkAttempt attempt : byPeer.values()) {
      if (attempt.kind == kind) {
        n++;
      }
    }
    return n;
  }

  /**
   * True when a promotion with HIGH priority is under way. A node with an empty view forces one
   * link at a time and asks politely for the rest, so a mass failure does not turn into a storm of
   * forced evictions.
   */
  boolean highPromotionUnderWay() {
    for (LinkAttempt attempt : byPeer.values()) {
      if (attempt.kind == LinkAttempt.Kind.PROMOTION && attempt.priority == NeighborPriority.HIGH) {
        return true;
      }
    }
    return false;
  }

  List<LinkAttempt> all() {
    return new ArrayList<>(byPeer.values());
  }

  void clear() {
    byPeer.clear();
  }
}
