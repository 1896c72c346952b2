package io.barrel.p2p.membership;

/**
 * The timers HyParView asks its driver for. Timers are never cancelled: one that no longer
 * matters (a repair tick left behind by an earlier one) finds nothing to do when it fires.
 */
public sealed interface MembershipTimer
    permits MembershipTimer.Shuffle, MembershipTimer.Repair, MembershipTimer.PassiveCleanup,
        MembershipTimer.AttemptDeadline {

  /** Start a shuffle with a random active peer; re-armed every shuffle period. */
  record Shuffle() implements MembershipTimer {}

  /**
   * Fill free active slots from the passive view, retry contacts while the active view is empty,
   * and retry links lost to failures. It falls on instants contact-retry periods apart from the
   * first join, and is armed only for those where it has such work: a node with a full view and no
   * lost link asks for no tick until a link drops, and then for the next one on the same phase; one
   * whose only work is a lost link's retry asks for the first after that retry's backoff ends.
   */
  record Repair() implements MembershipTimer {}

  /** Drop aged and failed passive entries and expired lost links; re-armed every cleanup period. */
  record PassiveCleanup() implements MembershipTimer {}

  /**
   * The backstop of the link attempts: every attempt still waiting (for its connection or its
   * reply) pending-timeout after it started is abandoned. One timer serves all of a node's
   * attempts; it is set for the earliest deadline and set again while attempts are left.
   */
  record AttemptDeadline() implements MembershipTimer {}
}
