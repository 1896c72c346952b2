package io.barrel.p2p.broadcast;

import io.barrel.p2p.NodeName;
import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;

/** What {@link Plumtree} asks its driver to do; the driver carries effects out in list order. */
public sealed interface PlumtreeEffect
    permits PlumtreeEffect.Send, PlumtreeEffect.Schedule, PlumtreeEffect.Deliver {

  /**
   * Send a message to a neighbour on its control stream. Best effort: Plumtree repairs a lost
   * message itself (IHAVE, then GRAFT), so the driver may drop a send to an unreachable peer.
   *
   * @param peer the neighbour
   * @param message what to send
   */
  record Send(NodeName peer, BroadcastMessage message) implements PlumtreeEffect {
    /** Checks the fields. */
    public Send {
      Objects.requireNonNull(peer, "peer");
      Objects.requireNonNull(message, "message");
    }
  }

  /**
   * Call {@link Plumtree#onTimer} with {@code timer} once {@code delay} has passed.
   *
   * @param timer what to hand back
   * @param delay how long from the time of the input that produced this effect
   */
  record Schedule(PlumtreeTimer timer, Duration delay) implements PlumtreeEffect {
    /** Checks the fields. */
    public Schedule {
      Objects.requireNonNull(timer, "timer");
      Objects.requireNonNull(delay, "delay");
      if (delay.isNegative()) {
        throw new IllegalArgumentException("a timer delay must not be negative, got " + delay);
      }
    }
  }

  /**
   * Hand a broadcast received from the cluster to the local listeners of its topic. Emitted at most
   * once per message id, and never for this node's own broadcasts.
   *
   * @param topic the broadcast's topic
   * @param payload the bytes the origin broadcast
   * @param messageId the broadcast's id
   * @param origin the node that broadcast it
   * @param hops links it crossed to get here (1 for a neighbour's broadcast)
   */
  record Deliver(Topic topic, byte[] payload, MessageId messageId, NodeName origin, int hops)
      implements PlumtreeEffect {
    /** Checks and copies the fields. */
    public Deliver {
      Objects.requireNonNull(topic, "topic");
      Objects.requireNonNull(messageId, "messageId");
      Objects.requireNonNull(origin, "origin");
      payload = Objects.requireNonNull(payload, "payload").clone();
    }

    /** A copy of the payload. */
    @Override
    public byte[] payload() {
      return payload.clone();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Deliver d && d.topic.equals(topic) && d.messageId.equals(messageId)
          && d.origin.equals(origin) && d.hops == hops && Arrays.equals(d.payload, payload);
    }

    @Override
    public int hashCode() {
      return Objects.hash(topic, messageId, origin, hops, Arrays.hashCode(payload));
    }

    @Override
    public String toString() {
      return "Deliver[topic=" + topic + ", id=" + messageId + ", origin=" + origin + ", hops=" + hops + ", "
          + payload.length + " bytes]";
    }
  }
}
