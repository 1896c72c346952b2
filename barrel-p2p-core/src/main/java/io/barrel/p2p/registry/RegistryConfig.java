package io.barrel.p2p.registry;

import io.barrel.p2p.crdt.CrdtConfig;
import java.time.Duration;
import java.util.Objects;

/**
 * Settings of the service registry, bound from {@code barrel.p2p.registry.*}.
 *
 * @param liveness heartbeat and lease expiry
 * @param antiEntropyInterval how often the registry compares digests with a random neighbour
 *     ({@code anti-entropy-interval}, 30 s); also done with every new neighbour at once
 * @param crdt bounds of deltas and digests on the wire and the clock-offset check; its
 *     {@code max-total-bytes} must leave room for a delta's header inside a broadcast payload and a
 *     digest's inside a control frame ({@link #largestBroadcastBytes}, {@link #largestControlBytes};
 *     checked when a node's settings are put together)
 * @param whereisRetries attempts after the first for {@code whereis} when nothing is found (3)
 * @param whereisBackoff first pause between those attempts, doubled each time up to 2 s (100 ms)
 * @param overlay the fallback of {@code whereis} through the neighbours when this node knows no
 *     live instance
 */
public record RegistryConfig(LivenessConfig liveness, Duration antiEntropyInterval, CrdtConfig crdt,
    int whereisRetries, Duration whereisBackoff, OverlayConfig overlay) {

  /** Checks the values. */
  public RegistryConfig {
    Objects.requireNonNull(liveness, "liveness");
    Objects.requireNonNull(antiEntropyInterval, "antiEntropyInterval");
    Objects.requireNonNull(crdt, "crdt");
    Objects.requireNonNull(whereisBackoff, "whereisBackoff");
    Objects.requireNonNull(overlay, "overlay");
    if (antiEntropyInterval.toMillis() < 100) {
      throw new IllegalArgumentException("barrel.p2p.registry.anti-entropy-interval must be at least 100ms, got "
          + antiEntropyInterval);
    }
    if (whereisRetries < 0 || whereisRetries > 20) {
      throw new IllegalArgumentException("barrel.p2p.registry.whereis-retries must be 0..20, got " + whereisRetries);
    }
    if (whereisBackoff.isNegative()) {
      throw new IllegalArgumentException("barrel.p2p.registry.whereis-backoff must not be negative");
    }
  }

  /**
   * Heartbeat 2 s, expiry 8 s, anti-entropy every 30 s, 3 whereis retries from 100 ms, the overlay
   * defaults; CRDT defaults with deltas up to 255 KiB so a delta and its header fit the broadcast
   * layer's 256 KiB payloads.
   */
  public static RegistryConfig defaults() {
    CrdtConfig d = CrdtConfig.defaults();
    CrdtConfig crdt = d.withLimits(d.maxEntries(), d.maxKeyBytes(), d.maxValueBytes(), 255 * 1024,
        d.maxContextRanges(), d.maxNodes());
    return new RegistryConfig(LivenessConfig.defaults(), Duration.ofSeconds(30), crdt, 3, Duration.ofMillis(100),
        OverlayConfig.defaults());
  }

  /**
   * The largest registry message broadcast: a delta of {@code crdt.max-total-bytes} and its header.
   * The broadcast layer's {@code max-payload-bytes} must allow it.
   */
  public int largestBroadcastBytes() {
    return crdt.maxTotalBytes() + RegistryMessage.DELTA_HEADER_BYTES;
  }

  /**
   * The largest registry message sent to one peer on the control stream: a digest or an
   * anti-entropy chunk of {@code crdt.max-total-bytes} and its header, or an overlay route reply
   * naming the most visited nodes and carrying an instance of {@code crdt.max-value-bytes} (an
   * instance comes from the replica, whose values are held to that bound). The transport's
   * {@code max-control-frame-bytes} must allow it.
   */
  public int largestControlBytes() {
    int digest = crdt.maxTotalBytes() + Math.max(RegistryMessage.DELTA_HEADER_BYTES, RegistryMessage.DIGEST_HEADER_BYTES);
    return Math.max(digest, Math.max(RouteCodec.maxRequestBytes(), RouteCodec.maxReplyBytes(crdt.maxValueBytes())));
  }

  /** A copy with other lease settings. */
  public RegistryConfig withLiveness(LivenessConfig l) {
    return new RegistryConfig(l, antiEntropyInterval, crdt, whereisRetries, whereisBackoff, overlay);
  }

  /** A copy with another anti-entropy period. */
  public RegistryConfig withAntiEntropyInterval(Duration interval) {
    return new RegistryConfig(liveness, interval, crdt, whereisRetries, whereisBackoff, overlay);
  }

  /** A copy with other whereis retries. */
  public RegistryConfig withWhereis(int retries, Duration backoff) {
    return new RegistryConfig(liveness, antiEntropyInterval, crdt, retries, backoff, overlay);
  }

  /** A copy with other overlay settings. */
  public RegistryConfig withOverlay(OverlayConfig o) {
    return new RegistryConfig(liveness, antiEntropyInterval, crdt, whereisRetries, whereisBackoff, o);
  }

  /** A copy with other CRDT bounds. */
  public RegistryConfig withCrdt(CrdtConfig c) {
    return new RegistryConfig(liveness, antiEntropyInterval, c, whereisRetries, whereisBackoff, overlay);
  }
}
