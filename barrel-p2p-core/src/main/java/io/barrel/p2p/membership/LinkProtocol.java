package io.barrel.p2p.membership;

import io.barrel.p2p.NodeName;
import java.util.Optional;

/**
 * The handlers that create and remove links: JOIN, FORWARD_JOIN, NEIGHBOR, NEIGHBOR_REPLY and
 * DISCONNECT, and the two primitives every change of the active view goes through.
 *
 * <p>Symmetry rests on two rules. A peer enters the active view only with the other side's
 * agreement: either this node accepts the peer's request and says so in its reply, or the peer's
 * reply says it has accepted ours. And whenever this node drops a peer, the peer is told (a
 * DISCONNECT) unless the connection itself is gone, which the peer sees too. The only window in
 * which one side holds a link the other does not is while that reply or DISCONNECT is on its way.
 */
final class LinkProtocol {

  private final NodeState s;
  private final LinkRepair repair;

  LinkProtocol(NodeState state, LinkRepair repair) {
    this.s = state;
    this.repair = repair;
  }

  // ------------------------------------------------------------------ primitives

  /**
   * Adds a peer both sides have agreed on. A full view first evicts a random other member, which
   * is told with DISCONNECT(alive) and kept as a passive peer.
   */
  void link(NodeName peer, long now, Outbox out) {
    s.attempts.remove(peer);
    if (s.active.contains(peer)) {
      return;
    }
    s.passive.remove(peer);
    s.lost.remove(peer);
    if (s.active.isFull()) {
      NodeName victim = s.active.random(s.random, peer).orElseThrow();
      s.active.remove(victim);
      out.send(victim, new MembershipMessage.Disconnect(true));
      out.peerDown(victim, DownReason.EVICTED);
      s.passive.keep(victim, now, s.random);
    }
    s.active.add(peer);
    out.peerUp(peer);
  }

  /**
   * Removes a peer whose side of the link is already gone or going (it sent DISCONNECT, or the
   * connection failed), then refills the freed slot.
   */
  void unlink(NodeName peer, DownReason reason, long now, Outbox out) {
    if (!s.active.remove(peer)) {
      return;
    }
    out.peerDown(peer, reason);
    s.churn.record(now);
    switch (reason) {
      case GRACEFUL -> {
        s.passive.remove(peer);
        s.lost.remove(peer);
      }
      case EVICTED -> {
        s.passive.keep(peer, now, s.random);
        s.passive.holdOff(peer, now, s.backoff);
      }
      case FAILED -> s.lost.add(peer, now, s.backoff);
      default -> throw new AssertionError("unknown reason " + reason);
    }
    repair.refill(now, out);
  }

  // ------------------------------------------------------------------ handlers

  /** JOIN: take the new node (evicting if full), confirm, and start a walk through every other neighbour. */
  void onJoin(NodeName from, long now, Outbox out) {
    if (!s.isMember()) {
      refuseAsNonMember(from, out);
      return;
    }
    s.churn.record(now);
    link(from, now, out);
    out.send(from, new MembershipMessage.NeighborReply(true));
    for (NodeName peer : s.active.members(from)) {
      out.send(peer, new MembershipMessage.ForwardJoin(from, s.config.activeRandomWalkLength()));
    }
  }

  /**
   * FORWARD_JOIN: where the walk ends (ttl 0, or this node has one neighbour only) this node asks
   * the new node for a link with HIGH priority; the link exists once the new node has accepted.
   * At ttl = PRWL the new node is also kept as a passive peer.
   */
  void onForwardJoin(NodeName from, MembershipMessage.ForwardJoin walk, long now, Outbox out) {
    if (!s.isMember()) {
      return;
    }
    refuseOneSidedLink(from, out);
    NodeName newNode = walk.newNode();
    if (newNode.equals(s.self)) {
      return;
    }
    if (walk.ttl() == 0 || s.active.size() <= 1) {
      walkEndsHere(newNode, now, out);
      return;
    }
    if (walk.ttl() == s.config.passiveRandomWalkLength() && !s.active.contains(newNode)) {
      s.passive.learn(newNode, now, s.random);
    }
    Optional<NodeName> next = s.active.random(s.random, from, newNode);
    if (next.isPresent()) {
      out.send(next.get(), new MembershipMessage.ForwardJoin(newNode, walk.ttl() - 1));
    } else {
      walkEndsHere(newNode, now, out);
    }
  }

  private void walkEndsHere(NodeName newNode, long now, Outbox out) {
    if (s.isFree(newNode)) {
      repair.start(newNode, LinkAttempt.Kind.WALK_END, now, out);
    }
  }

  /** NEIGHBOR: HIGH is always accepted (evicting if full), LOW only with room. */
  void onNeighbor(NodeName from, MembershipMessage.Neighbor request, long now, Outbox out) {
    if (!s.isMember()) {
      refuseAsNonMember(from, out);
      return;
    }
    boolean accept = s.active.contains(from) || request.priority() == NeighborPriority.HIGH || !s.active.isFull();
    if (accept) {
      link(from, now, out);
    }
    out.send(from, new MembershipMessage.NeighborReply(accept));
  }

  /**
   * NEIGHBOR_REPLY: an acceptance means the peer already holds the link, so this node either takes
   * it too or undoes it with DISCONNECT; it never leaves the peer holding a link alone. A refusal
   * ends the attempt and moves on to another candidate.
   */
  void onNeighborReply(NodeName from, MembershipMessage.NeighborReply reply, long now, Outbox out) {
    LinkAttempt attempt = s.attempts.get(from);
    AwaitedReplies.Verdict verdict = s.replies.replied(from);
    if (verdict == AwaitedReplies.Verdict.VOID) {
      // We undid this request with a DISCONNECT the peer reads after answering: whatever it
      // answered, it ends up without the link, and so must we.
      if (attempt != null) {
        repair.fail(attempt, true, now, out);
      }
      return;
    }
    if (verdict == AwaitedReplies.Verdict.UNEXPECTED) {
      if (reply.accepted() && !s.active.contains(from)) {
        // It may hold a link we never asked for (or no longer want, having left).
        out.send(from, new MembershipMessage.Disconnect(s.phase != NodeState.Phase.LEFT));
      }
      return;
    }
    if (!reply.accepted()) {
      if (attempt != null) {
        repair.fail(attempt, true, now, out);
      }
      return;
    }
    if (s.active.contains(from)) {
      s.attempts.remove(from); // linked meanwhile through the peer's own request
      return;
    }
    if (!s.isMember()) {
      out.send(from, new MembershipMessage.Disconnect(false));
      return;
    }
    boolean take = (attempt != null && attempt.kind.evictsForRoom()) || !s.active.isFull();
    if (take) {
      if (attempt != null && attempt.kind == LinkAttempt.Kind.JOIN) {
        s.contacts.recordSuccess(from);
      }
      link(from, now, out);
    } else {
      // Room taken since we asked (or we no longer asked): decline after all, keep it as a replacement.
      s.attempts.remove(from);
      out.send(from, new MembershipMessage.Disconnect(true));
      s.passive.keep(from, now, s.random);
    }
  }

  /** DISCONNECT: drop the sender; keep it as a passive peer unless it is leaving the cluster. */
  void onDisconnect(NodeName from, MembershipMessage.Disconnect disconnect, long now, Outbox out) {
    if (s.active.contains(from)) {
      unlink(from, disconnect.alive() ? DownReason.EVICTED : DownReason.GRACEFUL, now, out);
    } else if (!disconnect.alive()) {
      s.passive.remove(from);
      s.lost.remove(from);
    }
  }

  /**
   * A node that has not joined refuses; one that has left also says so for good, so the asker
   * forgets it instead of keeping it as a replacement that will never accept.
   */
  private void refuseAsNonMember(NodeName from, Outbox out) {
    if (s.phase == NodeState.Phase.LEFT) {
      out.send(from, new MembershipMessage.Disconnect(false));
    }
    out.send(from, new MembershipMessage.NeighborReply(false));
  }

  /**
   * A message only a neighbour sends (FORWARD_JOIN, SHUFFLE) came from a peer that is not one: the
   * sender holds a link this node does not, so it is told to drop it. In a correct exchange this
   * only repeats a DISCONNECT already on its way; it is the safety net against half-open links.
   */
  void refuseOneSidedLink(NodeName from, Outbox out) {
    if (!s.active.contains(from)) {
      out.send(from, new MembershipMessage.Disconnect(true));
    }
  }
}
