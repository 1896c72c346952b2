package io.barrel.p2p.registry;

import java.time.Duration;
import java.util.Objects;

/**
 * Lease settings of the registry, bound from {@code barrel.p2p.registry.liveness.*}.
 *
 * @param heartbeatInterval how often a node broadcasts its lease ({@code heartbeat-interval}, 2 s)
 * @param leaseExpiry how long a node's services stay visible after its last heartbeat
 *     ({@code lease-expiry}, 8 s); at least twice the interval, so one lost heartbeat never hides a
 *     live node
 * @param forgetAfter how long an expired node is remembered (to recognise its stale entries) before
 *     its record is dropped ({@code forget-after}, 1 h)
 */
public record LivenessConfig(Duration heartbeatInterval, Duration leaseExpiry, Duration forgetAfter) {

  /** Checks the values can work together. */
  public LivenessConfig {
    Objects.requireNonNull(heartbeatInterval, "heartbeatInterval");
    Objects.requireNonNull(leaseExpiry, "leaseExpiry");
    Objects.requireNonNull(forgetAfter, "forgetAfter");
    if (heartbeatInterval.toMillis() < 10) {
      throw new IllegalArgumentException("barrel.p2p.registry.liveness.heartbeat-interval must be at least 10ms, got "
          + heartbeatInterval);
    }
    if (leaseExpiry.compareTo(heartbeatInterval.multipliedBy(2)) < 0) {
      throw new IllegalArgumentException("barrel.p2p.registry.liveness.lease-expiry (" + leaseExpiry
          + ") must be at least twice heartbeat-interval (" + heartbeatInterval
          + "), or one lost heartbeat would hide a live node");
    }
    if (forgetAfter.compareTo(leaseExpiry) < 0) {
      throw new IllegalArgumentException("barrel.p2p.registry.liveness.forget-after (" + forgetAfter
          + ") must be at least lease-expiry (" + leaseExpiry + ")");
    }
  }

  /** Heartbeat every 2 s, expiry after 8 s, expired nodes remembered for an hour. */
  public static LivenessConfig defaults() {
    return new LivenessConfig(Duration.ofSeconds(2), Duration.ofSeconds(8), Duration.ofHours(1));
  }
}
