package io.barrel.p2p.membership;

import io.barrel.p2p.NodeName;
import java.time.Duration;
import java.util.Objects;

/**
 * What {@link HyParView} asks its driver to do. The driver carries effects out in list order and
 * reports what happened back as inputs: a {@link Connect} ends in {@code onConnected} or
 * {@code onConnectFailed}, a {@link Schedule} in {@code onTimer}.
 */
public sealed interface MembershipEffect
    permits MembershipEffect.Send, MembershipEffect.Connect, MembershipEffect.Disconnect,
        MembershipEffect.Schedule, MembershipEffect.Emit {

  /**
   * Deliver a message to a peer over the connection to it, dialing on demand (a SHUFFLE_REPLY goes
   * to a shuffle's origin, usually not a neighbour). When the peer cannot be reached the driver
   * drops the message and reports {@code onConnectFailed(peer)}; messages to one peer must arrive
   * in the order they were sent.
   *
   * @param peer the receiver
   * @param message the message
   */
  record Send(NodeName peer, MembershipMessage message) implements MembershipEffect {
    /** Checks the fields. */
    public Send {
      Objects.requireNonNull(peer, "peer");
      Objects.requireNonNull(message, "message");
    }
  }

  /**
   * Make sure a connection to the peer exists, then report {@code onConnected(peer)} (at once if
   * one already exists) or {@code onConnectFailed(peer)}.
   *
   * @param peer the peer to dial
   */
  record Connect(NodeName peer) implements MembershipEffect {
    /** Checks the peer is present. */
    public Connect {
      Objects.requireNonNull(peer, "peer");
    }
  }

  /**
   * Close the connection to the peer: a link attempt to it was abandoned, and a late answer must
   * not arrive on it.
   *
   * @param peer the peer to hang up on
   */
  record Disconnect(NodeName peer) implements MembershipEffect {
    /** Checks the peer is present. */
    public Disconnect {
      Objects.requireNonNull(peer, "peer");
    }
  }

  /**
   * Call {@code onTimer(timer, now)} once {@code delay} has passed.
   *
   * @param timer the timer to fire
   * @param delay from the {@code now} of the input that produced this effect
   */
  record Schedule(MembershipTimer timer, Duration delay) implements MembershipEffect {
    /** Checks the fields. */
    public Schedule {
      Objects.requireNonNull(timer, "timer");
      Objects.requireNonNull(delay, "delay");
      if (delay.isNegative()) {
        throw new IllegalArgumentException("delay must not be negative, got " + delay);
      }
    }
  }

  /**
   * Publish a membership event to subscribers and metrics.
   *
   * @param event the event
   */
  record Emit(MembershipEvent event) implements MembershipEffect {
    /** Checks the event is present. */
    public Emit {
      Objects.requireNonNull(event, "event");
    }
  }
}
