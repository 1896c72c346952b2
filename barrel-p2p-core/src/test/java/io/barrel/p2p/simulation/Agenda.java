package io.barrel.p2p.simulation;

/**
 * The simulator's clock and what is due when: traffic (messages, connection notices, Plumtree
 * timers) in virtual time, and HyParView's timers on a clock of their own that can be frozen.
 *
 * <p>Freezing is how an experiment lets a burst of traffic play out "between two instants" of the
 * membership cycle: the timers' clock lags real time by however long frozen traffic took, so when
 * it resumes every timer fires as if no time had passed. Both queues share one sequence counter,
 * so equal-time events run in the order they were created whichever queue holds them.
 */
final class Agenda {

  private final EventQueue traffic = new EventQueue();
  /** HyParView timers; their times are on the timer clock, {@code timerLag} behind real time. */
  private final EventQueue timers = new EventQueue();
  private long timerLag;
  private long seq;
  private long now;

  long now() {
    return now;
  }

  /** Queues traffic {@code delay} ms from now. */
  void traffic(long delay, EventQueue.Kind kind, int node, int from, Object payload, int epoch) {
    traffic.add(new EventQueue.Event(now + delay, seq++, kind, node, from, payload, epoch));
  }

  /** Queues a HyParView timer {@code delay} ms from now on the timer clock. */
  void timer(long delay, int node, Object timer) {
    timers.add(new EventQueue.Event(now - timerLag + delay, seq++, EventQueue.Kind.MEMBERSHIP_TIMER, node, -1,
        timer, 0));
  }

  /** Takes the next event due at or before {@code time}, moving the clock to it; null when none. */
  EventQueue.Event next(long time) {
    EventQueue.Event a = traffic.peek();
    EventQueue.Event b = timers.peek();
    boolean aDue = a != null && a.at <= time;
    boolean bDue = b != null && b.at + timerLag <= time;
    EventQueue.Event e;
    if (aDue && bDue) {
      long bAt = b.at + timerLag;
      e = (a.at != bAt ? a.at < bAt : a.seq < b.seq) ? traffic.poll() : timers.poll();
    } else if (aDue) {
      e = traffic.poll();
    } else if (bDue) {
      e = timers.poll();
    } else {
      return null;
    }
    now = Math.max(now, e.at + (e.kind == EventQueue.Kind.MEMBERSHIP_TIMER ? timerLag : 0));
    return e;
  }

  /** Takes the next traffic event whatever its time, moving the clock to it; null when none is left. */
  EventQueue.Event nextTraffic() {
    EventQueue.Event e = traffic.poll();
    if (e != null) {
      now = Math.max(now, e.at);
    }
    return e;
  }

  /** Moves the clock forward to {@code time} (never back). */
  void advanceTo(long time) {
    now = Math.max(now, time);
  }

  /** The membership timers stood still for {@code millis}: they fire that much later. */
  void timersFrozenFor(long millis) {
    timerLag += millis;
  }
}
