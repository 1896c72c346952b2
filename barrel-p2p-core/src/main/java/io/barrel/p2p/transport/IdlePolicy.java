package io.barrel.p2p.transport;

import java.time.Duration;

/**
 * The idle reaper's rule, kept pure so it can be tested without sockets: a connection is closed only
 * when the membership layer does not hold its peer in the active view, it carries no open data or
 * application stream, and nothing but keep-alives has crossed it for at least {@code minIdle}.
 * Idle time, not connection age: a busy connection is never reaped, however old.
 */
record IdlePolicy(Duration minIdle) {

  /** True when the connection should be closed now. */
  boolean shouldReap(boolean inActiveView, int openStreams, long idleNanos) {
    return !inActiveView && openStreams == 0 && idleNanos >= minIdle.toNanos();
  }
}
