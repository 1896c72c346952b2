package io.barrel.p2p.registry;

import io.barrel.p2p.NodeName;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Which neighbour led to a service the last time the overlay found one: that neighbour is asked first
 * next time. A hint, not a promise: an entry older than its TTL is ignored at once and dropped by the
 * next sweep, an entry whose neighbour left the active view or answered "not found" is dropped, and
 * when full the oldest entry makes room. Pure; time comes with each call.
 */
final class RouteCache {

  private record Route(NodeName via, long learntAt) {}

  private final int maxEntries;
  private final long ttlMillis;
  /** In the order entries were (re)learnt, oldest first. */
  private final LinkedHashMap<String, Route> routes = new LinkedHashMap<>();

  RouteCache(int maxEntries, long ttlMillis) {
    this.maxEntries = maxEntries;
    this.ttlMillis = ttlMillis;
  }

  /** The neighbour that led to {@code service}, if learnt less than a TTL ago. */
  Optional<NodeName> hop(String service, long now) {
    Route route = routes.get(service);
    if (route == null) {
      return Optional.empty();
    }
    if (now - route.learntAt() >= ttlMillis) {
      routes.remove(service);
      return Optional.empty();
    }
    return Optional.of(route.via());
  }

  /** {@code via} led to {@code service} just now. */
  void learn(String service, NodeName via, long now) {
    Objects.requireNonNull(via, "via");
    routes.remove(service);
    routes.put(service, new Route(via, now));
    if (routes.size() > maxEntries) {
      Iterator<String> oldest = routes.keySet().iterator();
      oldest.next();
      oldest.remove();
    }
  }

  /** {@code via} did not lead to {@code service} this time. */
  void forget(String service, NodeName via) {
    Route route = routes.get(service);
    if (route != null && route.via().equals(via)) {
      routes.remove(service);
    }
  }

  /** {@code via} left the active view: no route goes through it any more. */
  void forgetVia(NodeName via) {
    routes.values().removeIf(r -> r.via().equals(via));
  }

  /** Drops the entries learnt a TTL or more ago; returns how many. */
  int sweep(long now) {
    int before = routes.size();
    for (Iterator<Map.Entry<String, Route>> it = routes.entrySet().iterator(); it.hasNext(); ) {
      if (now - it.next().getValue().learntAt() >= ttlMillis) {
        it.remove();
      }
    }
    return before - routes.size();
  }

  int size() {
    return routes.size();
  }
}
