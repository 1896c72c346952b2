package io.barrel.p2p.broadcast;

import java.util.Objects;

/**
 * A timer Plumtree asks its driver to arm with {@link PlumtreeEffect.Schedule}, and gets back through
 * {@link Plumtree#onTimer}. Timers are never cancelled: one that fires after it stopped mattering
 * finds nothing to do, which keeps the driver free of cancellation bookkeeping.
 */
public sealed interface PlumtreeTimer permits PlumtreeTimer.IHaveFlush, PlumtreeTimer.GraftTimer {

  /** Time to send the announcements queued for lazy peers, one IHAVE per peer. */
  record IHaveFlush() implements PlumtreeTimer {}

  /**
   * A broadcast announced by a lazy peer has not arrived: GRAFT an announcer. Attempt 0 is the
   * first GRAFT after the announcement; each later attempt is a retry to the next announcer.
   *
   * @param id the missing broadcast
   * @param attempt how many GRAFTs were sent for it before this timer was armed
   */
  record GraftTimer(MessageId id, int attempt) implements PlumtreeTimer {
    /** Checks the fields. */
    public GraftTimer {
      Objects.requireNonNull(id, "id");
      if (attempt < 0) {
        throw new IllegalArgumentException("attempt must not be negative, got " + attempt);
      }
    }
  }
}
