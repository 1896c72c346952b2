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

  /** Starts an attempt: a dial, with a deadline the attempts' backstop timer enforces. */
  void start(NodeName peer, LinkAttempt.Kind kind, long now, Outbox out) {
    NeighborPriority priority = switch (kind) {
      case JOIN -> null;
      case WALK_END, RECONNECT -> NeighborPriority.HIGH;
      case PROMOTION -> wantsHighPromotion() ? NeighborPriority.HIGH : NeighborPriority.LOW;
    };
    s.attempts.start(peer, kind, priority, now + s.config.pendingTimeout().toMillis());
    out.connect(peer);
    armDeadline(now, out);
  }

  /**
   * One backstop timer serves every attempt: it is armed for the earliest deadline of those in
   * flight, and armed again when it fires while attempts are left. Nearly every attempt ends long
   * before its deadline (a reply takes a round trip, the deadline is pending-timeout, 30 s), so a
   * timer per attempt would wake the driver once per attempt for nothing; this one wakes it at most
   * once per pending-timeout while attempts keep coming. Deadlines only grow (each is the start
   * time plus the same timeout), so an armed timer is never late for a newer attempt.
   */
  private void armDeadline(long now, Outbox out) {
    if (s.deadlineArmedFor != NodeState.NO_TICK || s.attempts.isEmpty()) {
      return;
    }
    long due = s.attempts.earliestDeadline();
    s.deadlineArmedFor = due;
    out.schedule(new MembershipTimer.AttemptDeadline(), Duration.ofMillis(Math.max(0, due - now)));
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

  /**
   * The attempts' backstop fired: every attempt past its deadline is abandoned, and the timer is
   * armed again for the earliest one left. A timer fired before the armed one is due (a driver's
   * or a test's extra one) abandons what is overdue and leaves the armed one alone.
   */
  void onDeadline(long now, Outbox out) {
    if (s.deadlineArmedFor != NodeState.NO_TICK && now >= s.deadlineArmedFor) {
      s.deadlineArmedFor = NodeState.NO_TICK;
    }
    for (LinkAttempt attempt : s.attempts.overdue(now)) {
      if (s.attempts.get(attempt.peer) != attempt) {
        continue; // ended, or replaced by a fresh attempt, by the refill after an earlier one's failure
      }
      // Hang up so a late answer cannot arrive on the connection; if the peer had already linked us,
      // the closed connection unlinks us on its side too.
      out.hangUp(attempt.peer);
      fail(attempt, false, now, out);
    }
    armDeadline(now, out);
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
   * The repair tick runs on the instants contact-retry periods apart from the first join, but only
   * on those where it can have something to do: while there is a free slot (not taken by a promotion
   * under way) or the view is empty, the next one; while the only work is retrying lost links, the
   * first one after the earliest of their backoffs ends (minutes, once a lost peer has failed a few
   * times, and lost peers are kept for lost-peer-retention, 30 min). A tick finding no work does
   * nothing at all, so a settled node (a full view, nothing lost, most nodes most of the time) lets
   * the timer lapse instead of waking its driver every period for nothing. Every change that can
   * create work (a link dropped or lost, an attempt ended) refills and comes here, and a tick armed
   * for a later instant than the new work needs is armed again earlier (the later timer, when it
   * fires, does whatever is due then), so the ticks that fire are the periodic ticks that would
   * have done something.
   */
  private void armTickIfPending(long now, Outbox out) {
    if (!s.isMember()) {
      return;
    }
    long workFrom;
    if (s.active.size() + s.attempts.count(LinkAttempt.Kind.PROMOTION) < s.config.activeSize()
        || s.active.isEmpty()) {
      workFrom = now;
    } else if (!s.lost.isEmpty()) {
      long retry = s.lost.earliestRetry(s::isFree);
      if (retry == Long.MAX_VALUE) {
        return; // every lost peer is being retried: the end of each retry arms the tick again
      }
      workFrom = Math.max(now, retry);
    } else {
      return;
    }
    long period = s.config.contactRetry().toMillis();
    // The first period instant from workFrom on that has not had its tick yet: an instant equal to
    // now is still to come unless its tick has just fired.
    long elapsed = Math.max(0, workFrom - s.repairOrigin);
    long next = s.repairOrigin + Math.max(1, (elapsed + period - 1) / period) * period;
    if (next <= s.repairLastTick) {
      next += period;
    }
    if (s.repairArmedFor != NodeState.NO_TICK && s.repairArmedFor <= next) {
      return;
    }
    s.repairArmedFor = next;
    out.schedule(new MembershipTimer.Repair(), Duration.ofMillis(next - now));
  }

  private void fill(long now, Outbox out) {
    if (!s.isMember()) {
      return;
    }
    int free = s.config.activeSize() - s.active.size() - s.attempts.count(LinkAttempt.Kind.PROMOTION);
    if (free > 0 && wantsHighPromotion()) {
      // A HIGH request is never refused, so a peer that was full is as good as any.
      s.passive.randomCandidate(now, false, s::isFree, s.random).ifPresent(peer -> {
        start(peer, LinkAttempt.Kind.PROMOTION, now, out);
      });
      free = s.config.activeSize() - s.active.size() - s.attempts.count(LinkAttempt.Kind.PROMOTION);
    }
    if (free > 0) {
      for (NodeName peer : s.passive.sampleCandidates(now, true, s::isFree, free, s.random)) {
        start(peer, LinkAttempt.Kind.PROMOTION, now, out);
      }
    }
    if (s.active.isEmpty() && s.attempts.count(LinkAttempt.Kind.JOIN) == 0) {
      s.contacts.next(now, s.random, s::isFree).ifPresent(c -> start(c, LinkAttempt.Kind.JOIN, now, out));
    }
  }

  /** Retries every lost link whose backoff has ended. */
  void reconnectLost(long now, Outbox out) {
    if (!s.isMember()) {
      return;
    }
    for (NodeName peer : s.lost.due(now, s::isFree)) {
      start(peer, LinkAttempt.Kind.RECONNECT, now, out);
    }
  }
}
