package io.barrel.p2p.registry;

import java.time.Duration;
import java.util.Objects;

/**
 * Settings of the overlay fallback of {@code whereis}, bound from {@code barrel.p2p.registry.overlay.*}:
 * when this node's copy of the registry has no live instance of a service, it asks its neighbours,
 * which ask theirs, depth first.
 *
 * @param ttl how many hops a request may travel from the asking node ({@code ttl}, 5)
 * @param maxInFlight searches a node takes part in at once, its own and relayed ones
 *     ({@code max-in-flight}, 256); a request over the cap is answered {@code overloaded} at once
 * @param timeout how long a whole search may take ({@code timeout}, 3 s); each hop gives the next
 *     two thirds of what it has left, so an unresponsive branch cannot use up the rest
 * @param routeCacheTtl how long a node remembers which neighbour led to a service
 *     ({@code route-cache-ttl}, 30 min); that neighbour is asked first next time
 * @param routeCacheSweep how often expired routes are dropped ({@code route-cache-sweep}, 60 s)
 * @param routeCacheSize most routes remembered ({@code route-cache-size}, 4,096); the oldest go first
 */
public record OverlayConfig(int ttl, int maxInFlight, Duration timeout, Duration routeCacheTtl,
    Duration routeCacheSweep, int routeCacheSize) {

  /** Largest TTL a request may carry. */
  public static final int MAX_TTL = 16;
  /** Longest search, in milliseconds: the largest budget a request may carry. */
  public static final int MAX_TIMEOUT_MILLIS = 60_000;

  /** Checks the values. */
  public OverlayConfig {
    Objects.requireNonNull(timeout, "timeout");
    Objects.requireNonNull(routeCacheTtl, "routeCacheTtl");
    Objects.requireNonNull(routeCacheSweep, "routeCacheSweep");
    if (ttl < 0 || ttl > MAX_TTL) {
      throw new IllegalArgumentException("barrel.p2p.registry.overlay.ttl must be 0.." + MAX_TTL
          + " (0 turns the overlay fallback off), got " + ttl);
    }
    if (maxInFlight < 1 || maxInFlight > 65_536) {
      throw new IllegalArgumentException("barrel.p2p.registry.overlay.max-in-flight must be 1..65536, got "
          + maxInFlight);
    }
    if (timeout.toMillis() < 10 || timeout.toMillis() > MAX_TIMEOUT_MILLIS) {
      throw new IllegalArgumentException("barrel.p2p.registry.overlay.timeout must be 10ms..60s, got " + timeout);
    }
    if (routeCacheTtl.toMillis() < 1) {
      throw new IllegalArgumentException("barrel.p2p.registry.overlay.route-cache-ttl must be positive, got "
          + routeCacheTtl);
    }
    if (routeCacheSweep.toMillis() < 100) {
      throw new IllegalArgumentException("barrel.p2p.registry.overlay.route-cache-sweep must be at least 100ms, got "
          + routeCacheSweep);
    }
    if (routeCacheSize < 1) {
      throw new IllegalArgumentException("barrel.p2p.registry.overlay.route-cache-size must be positive, got "
          + routeCacheSize);
    }
  }

  /** TTL 5, 256 in flight, 3 s per search, routes kept 30 min (swept every minute, at most 4,096). */
  public static OverlayConfig defaults() {
    return new OverlayConfig(5, 256, Duration.ofSeconds(3), Duration.ofMinutes(30), Duration.ofMinutes(1), 4_096);
  }

  /** True when searches may leave this node (a TTL of 0 turns the fallback off). */
  public boolean enabled() {
    return ttl > 0;
  }

  /** A copy with another in-flight cap. */
  public OverlayConfig withMaxInFlight(int cap) {
    return new OverlayConfig(ttl, cap, timeout, routeCacheTtl, routeCacheSweep, routeCacheSize);
  }

  /** A copy with another TTL. */
  public OverlayConfig withTtl(int hops) {
    return new OverlayConfig(hops, maxInFlight, timeout, routeCacheTtl, routeCacheSweep, routeCacheSize);
  }

  /** A copy with another search timeout. */
  public OverlayConfig withTimeout(Duration t) {
    return new OverlayConfig(ttl, maxInFlight, t, routeCacheTtl, routeCacheSweep, routeCacheSize);
  }

  /** A copy with other route cache settings. */
  public OverlayConfig withRouteCache(Duration cacheTtl, Duration sweep, int size) {
    return new OverlayConfig(ttl, maxInFlight, timeout, cacheTtl, sweep, size);
  }
}
