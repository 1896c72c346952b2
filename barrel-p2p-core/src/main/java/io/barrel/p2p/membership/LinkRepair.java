package io.barrel.p2p.membership;

import io.barrel.p2p.NodeName;
import java.time.Duration;

/**
 * The life of link attempts and the work that keeps an active view full: promoting passive peers
 * into free slots, joining through contacts while the view is empty, and retrying links lost to
 * failures. An attempt always dials first and sends its request (JOIN or NEIGHBOR) only once the
 * connection is up, so a request is never dropped for want of a connection (the reference sent
 * NEIGHBOR before connecting, and then crashed on the connection's success).
 */
final class LinkRepair {

  private final NodeState s;

  LinkRepair(NodeState state) {
    this.s = state;
  }

  /** Starts an attempt: a dial and its backstop deadline. */
  void start(NodeName peer, LinkAttempt.Kind kind, Outbox out) {
    NeighborPriority priority = switch (kind) {
      case JOIN -> null;
      case WALK_END, RECONNECT -> NeighborPriority.HIGH;
      case PROMOTION -> wantsHighPromotion() ? NeighborPriority.HIGH : NeighborPriority.LOW;
    };
    LinkAttempt attempt = s.attempts.start(peer, kind, priority);
    out.connect(peer);
    out.schedule(new MembershipTimer.AttemptDeadline(peer, attempt.id), s.config.pendingTimeout());
  }

  /** A connection to {@code peer} is up: an attempt waiting for it sends its request now. */
  void onConnected(NodeName peer, long now, Outbox out) {
    s.passive.touch(peer, now);
    LinkAttempt attempt = s.attempts.get(peer);
    if (attempt == null || attempt.requested) {
      return;
    }
    attempt.requested = true;
    if (attempt.kind == LinkAttempt.Kind.JOIN) {
      out.send(peer, new MembershipMessage.Join());
      return;
    }
    if (attempt.kind == LinkAttempt.Kind.PROMOTION) {
      // The view may have changed while dialing: HIGH only while it is still below the floor.
      if (!belowFloor()) {
        attempt.priority = NeighborPriority.LOW;
      } else if (wantsHighPromotion()) {
        attempt.priority = NeighborPriority.HIGH;
      }
    }
    out.send(peer, new MembershipMessage.Neighbor(attempt.priority));
  }

  /**
   * HIGH while the view is below its floor, with at most one forced promotion at a time. The paper
   * forces a link only with an empty view; then a node that joins early and is picked as the victim
   * of several evictions while the overlay fills up is left with one or two links for good, because
   * by then every peer it knows is full and refuses LOW. Forcing below the floor turns its deficit of
   * several links into deficits of one at the peers that evict for it, which stay above the floor.
   */
  private boolean wantsHighPromotion() {
    return belowFloor() && !s.attempts.highPromotionUnderWay();
  }

  private boolean belowFloor() {
    return s.active.size() < s.config.effectiveActiveFloor();
  }

  /**
   * The connection of a peer that is not an active neighbour went away. A dial that failed counts
   * against the peer; an established connection closing only ends an attempt that had already sent
   * its request on it (a close reported while an attempt still dials belongs to an older connection).
   */
  void onConnectionLost(NodeName peer, boolean dialFailed, long now, Outbox out) {
    LinkAttempt attempt = s.attempts.get(peer);
    if (attempt != null) {
      if (dialFailed || attempt.requested) {
        fail(attempt, false, now, out);
      }
      return;
    }
    if (dialFailed) {
      s.passive.recordFailure(peer, now, s.backoff, s.config.maxFailCount());
    }
  }

  /** The backstop of an attempt fired: abandon it if it is still the one the timer was set for. */
  void onDeadline(MembershipTimer.AttemptDeadline deadline, long now, Outbox out) {
    LinkAttempt attempt = s.attempts.get(deadline.peer());
    if (attempt == null || attempt.id != deadline.attempt()) {
      return;
    }
    // Hang up so a late answer cannot arrive on the connection; if the peer had already linked us,
    // the closed connection unlinks us on its side too.
    out.hangUp(attempt.peer);
    fail(attempt, false, now, out);
  }

  /**
   * Ends an attempt without a link. {@code refused} means the peer answered no, so it is alive and
   * not counted as a failure, only asked again later.
   */
  void fail(LinkAttempt attempt, boolean refused, long now, Outbox out) {
    s.attempts.remove(attempt.peer);
    NodeName peer = attempt.peer;
    switch (attempt.kind) {
      case JOIN -> s.contacts.recordFailure(peer, now, s.backoff);
      case PROMOTION -> {
        if (refused) {
          s.passive.deferAfterRefusal(peer, now, s.backoff);
          if (attempt.priority == NeighborPriority.HIGH) {
            s.passive.holdOff(peer, now, s.backoff);
          }
        } else {
          s.passive.recordFailure(peer, now, s.backoff, s.config.maxFailCount());
        }
      }
      case RECONNECT -> {
        if (refused) {
          s.lost.remove(peer); // it answered no: alive, but no longer a member
        } else {
          s.lost.recordFailure(peer, now, s.backoff);
        }
      }
      case WALK_END -> {
        // the new node is unreachable from here; its other walks and its own promotions cover it
      }
      default -> throw new AssertionError("unknown attempt kind " + attempt.kind);
    }
    refill(now, out);
  }

  /**
   * Fills free active slots from the passive view (attempts already under way count as taken), and
   * while the view is empty also joins through a contact. Runs after every loss and every repair
   * tick, so a node never stops trying while it has nobody; then arms the repair tick if there is
   * work left for it (see {@link #armTickIfPending}).
   */
  void refill(long now, Outbox out) {
    fill(now, out);
    armTickIfPending(now, out);
  }

  /**
   * The repair tick: fills free slots and retries lost links whose backoff has ended, then re-arms
   * itself one period later while either kind of work is left. A tick fired before the armed one
   * is due (a driver's or a test's extra tick) does the same work and leaves the armed one alone.
   */
  void onTick(long now, Outbox out) {
    if (s.repairArmedFor != NodeState.NO_TICK && now >= s.repairArmedFor) {
      s.repairArmedFor = NodeState.NO_TICK;
      s.repairLastTick = now;
    }
    fill(now, out);
    reconnectLost(now, out);
    armTickIfPending(now, out);
  }

  /**
   * The repair tick runs every contact-retry period from the first join, but only while it can
   * have something to do: a free slot (not taken by a promotion under way), an empty view, or a
   * lost link. A tick finding none of these does nothing at all, so a settled node (a full view,
   * nothing lost, most nodes most of the time) lets the timer lapse instead of waking its driver
   * every period for nothing; it is armed again, on the same phase, by the first refill that
   * leaves work behind. Every change that can create such work (a link dropped or lost, an
   * attempt ended) refills, so arming here misses none: the ticks that fire are exactly the
   * periodic ticks that would have done something.
   */
  private void armTickIfPending(long now, Outbox out) {
    if (s.repairArmedFor != NodeState.NO_TICK || !s.isMember() || !tickHasWork()) {
      return;
    }
    long period = s.config.contactRetry().toMillis();
    // The first period instant from now on that has not had its tick yet: an instant equal to now
    // is still to come unless its tick has just fired.
    long elapsed = Math.max(0, now - s.repairOrigin);
    long next = s.repairOrigin + Math.max(1, (elapsed + period - 1) / period) * period;
    if (next <= s.repairLastTick) {
      next += period;
    }
    s.repairArmedFor = next;
    out.schedule(new MembershipTimer.Repair(), Duration.ofMillis(next - now));
  }

  /** Whether a repair tick now could start anything; when false it is certain to do nothing. */
  private boolean tickHasWork() {
    return s.active.size() + s.attempts.count(LinkAttempt.Kind.PROMOTION) < s.config.activeSize()
        || s.active.isEmpty() || !s.lost.isEmpty();
  }

  private void fill(long now, Outbox out) {
    if (!s.isMember()) {
      return;
    }
    int free = s.config.activeSize() - s.active.size() - s.attempts.count(LinkAttempt.Kind.PROMOTION);
    if (free > 0 && wantsHighPromotion()) {
      // A HIGH request is never refused, so a peer that was full is as good as any.
      s.passive.randomCandidate(now, false, s::isFree, s.random).ifPresent(peer -> {
        start(peer, LinkAttempt.Kind.PROMOTION, out);
      });
      free = s.config.activeSize() - s.active.size() - s.attempts.count(LinkAttempt.Kind.PROMOTION);
    }
    if (free > 0) {
      for (NodeName peer : s.passive.sampleCandidates(now, true, s::isFree, free, s.random)) {
        start(peer, LinkAttempt.Kind.PROMOTION, out);
      }
    }
    if (s.active.isEmpty() && s.attempts.count(LinkAttempt.Kind.JOIN) == 0) {
      s.contacts.next(now, s.random, s::isFree).ifPresent(c -> start(c, LinkAttempt.Kind.JOIN, out));
    }
  }

  /** Retries every lost link whose backoff has ended. */
  void reconnectLost(long now, Outbox out) {
    if (!s.isMember()) {
      return;
    }
    for (NodeName peer : s.lost.due(now, s::isFree)) {
      start(peer, LinkAttempt.Kind.RECONNECT, out);
    }
  }
}
