package io.barrel.p2p.membership;

import io.barrel.p2p.NodeName;
import java.util.Objects;

/**
 * The timers HyParView asks its driver for. Timers are never cancelled: one that no longer
 * matters (a deadline for an attempt that already ended) is recognised and ignored when it fires.
 */
public sealed interface MembershipTimer
    permits MembershipTimer.Shuffle, MembershipTimer.Repair, MembershipTimer.PassiveCleanup,
        MembershipTimer.AttemptDeadline {

  /** Start a shuffle with a random active peer; re-armed every shuffle period. */
  record Shuffle() implements MembershipTimer {}

  /**
   * Fill free active slots from the passive view, retry contacts while the active view is empty,
   * and retry links lost to failures. It falls every contact-retry period from the first join, and
   * is armed only while it has such work: a node with a full view and no lost link asks for no
   * tick until a link drops, and then for the next one on the same phase.
   */
  record Repair() implements MembershipTimer {}

  /** Drop aged and failed passive entries and expired lost links; re-armed every cleanup period. */
  record PassiveCleanup() implements MembershipTimer {}

  /**
   * The backstop of one link attempt: if the attempt numbered {@code attempt} towards {@code peer}
   * is still waiting (for the connection or the reply), it is abandoned.
   *
   * @param peer the peer the attempt is for
   * @param attempt the attempt's number, unique within one node
   */
  record AttemptDeadline(NodeName peer, long attempt) implements MembershipTimer {
    /** Checks the peer is present. */
    public AttemptDeadline {
      Objects.requireNonNull(peer, "peer");
    }
  }
}
