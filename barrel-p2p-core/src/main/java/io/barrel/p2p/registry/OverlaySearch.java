package io.barrel.p2p.registry;

import io.barrel.p2p.NodeName;
import io.barrel.p2p.registry.RegistryMessage.RouteOutcome;
import io.barrel.p2p.registry.RegistryMessage.RouteReply;
import io.barrel.p2p.registry.RegistryMessage.RouteRequest;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * The overlay fallback of {@code whereis}, pure: a node whose copy of the registry has no live
 * instance of a service asks its neighbours, one at a time, and each asks its own, depth first, up
 * to {@code ttl} hops away. The first live instance found travels back along the path.
 *
 * <ul>
 *   <li><b>Visited</b>: a request lists the nodes already asked (the path first); a reply adds the ones
 *       asked on its sender's behalf, so a node never asks one twice and a branch never loops back.
 *   <li><b>Time</b>: the origin's search has {@code timeout}; each hop gives the next two thirds of what
 *       it has left and waits five sixths of it, so a silent neighbour costs part of the budget, not
 *       all of it. A neighbour that leaves the active view fails its question at once.
 *   <li><b>In-flight cap</b>: a node takes part in at most {@code max-in-flight} searches, its own and
 *       relayed ones. A request over the cap is answered {@code OVERLOADED} at once (the asker moves
 *       on), and counted; a request this node can answer from its own copy costs no state and is
 *       answered even then.
 *   <li><b>Route cache</b>: the neighbour whose reply carried an instance is remembered per service
 *       ({@link RouteCache}) and asked first next time.
 * </ul>
 *
 * <p>Answers are what the answering node sees: a live instance by its leases, which the caller's own
 * copy will usually confirm once replication catches up. Not thread-safe: part of
 * {@link RegistryReplica}, on the protocol loop.
 */
final class OverlaySearch {

  /** Outcome names of the search and request counters. */
  static final String FOUND = "found";
  static final String NOT_FOUND = "not_found";
  static final String OVERLOADED = "overloaded";
  static final String TIMEOUT = "timeout";

  private record Key(NodeName origin, long search) {}

  /** One search this node takes part in: its own (no one to answer) or one it relays. */
  private static final class Search {
    final Key key;
    final String service;
    /** The neighbour to answer, or null for this node's own search. */
    final NodeName replyTo;
    /** The TTL of the requests this node sends. */
    final int forwardTtl;
    final long deadline;
    final LinkedHashSet<NodeName> visited;
    final ArrayDeque<NodeName> candidates;
    NodeName asking;
    long ask;

    Search(Key key, String service, NodeName replyTo, int forwardTtl, long deadline, LinkedHashSet<NodeName> visited,
        ArrayDeque<NodeName> candidates) {
      this.key = key;
      this.service = service;
      this.replyTo = replyTo;
      this.forwardTtl = forwardTtl;
      this.deadline = deadline;
      this.visited = visited;
      this.candidates = candidates;
    }
  }

  private final NodeName self;
  private final OverlayConfig config;
  private final RandomGenerator random;
  private final RouteCache routes;
  private final Map<Key, Search> inFlight = new HashMap<>();
  private long searches;

  OverlaySearch(NodeName self, OverlayConfig config, RandomGenerator random) {
    this.self = self;
    this.config = config;
    this.random = random;
    this.routes = new RouteCache(config.routeCacheSize(), config.routeCacheTtl().toMillis());
  }

  /**
   * Starts this node's own search for {@code service} among {@code neighbours}; returns its number,
   * which the {@link RegistryEffect.SearchDone} ending it carries.
   */
  long start(String service, List<NodeName> neighbours, long now, RegistryOutbox out) {
    long number = ++searches;
    return start(number, service, neighbours, now, out);
  }

  /** Ends a search at once with an instance this node's own copy has after all. */
  long foundHere(ServiceInstance instance, RegistryOutbox out) {
    long number = ++searches;
    done(number, Optional.of(instance), FOUND, out);
    return number;
  }

  private long start(long number, String service, List<NodeName> neighbours, long now, RegistryOutbox out) {
    if (!config.enabled() || neighbours.isEmpty()) {
      done(number, Optional.empty(), NOT_FOUND, out);
      return number;
    }
    if (inFlight.size() >= config.maxInFlight()) {
      done(number, Optional.empty(), OVERLOADED, out);
      return number;
    }
    LinkedHashSet<NodeName> visited = new LinkedHashSet<>();
    visited.add(self);
    Search s = new Search(new Key(self, number), service, null, config.ttl() - 1,
        now + config.timeout().toMillis(), visited, candidates(service, neighbours, visited, now));
    inFlight.put(s.key, s);
    askNext(s, neighbours, now, out);
    return number;
  }

  /**
   * A neighbour asks. {@code found} is what this node's copy has live for the service: answered at
   * once; otherwise the request is relayed while its TTL, its budget and the in-flight cap allow.
   */
  void onRequest(NodeName from, RouteRequest request, List<ServiceInstance> found, List<NodeName> neighbours,
      long now, RegistryOutbox out) {
    Key key = new Key(request.origin(), request.search());
    List<NodeName> visited = withSelf(request.visited());
    if (!found.isEmpty()) {
      ServiceInstance instance = found.get(random.nextInt(found.size()));
      reply(from, request, RouteOutcome.FOUND, visited, Optional.of(instance), out);
      return;
    }
    if (request.origin().equals(self) || request.visited().contains(self) || inFlight.containsKey(key)
        || request.ttl() == 0) {
      // A loop, or the end of the road: nothing more to find here.
      reply(from, request, RouteOutcome.NOT_FOUND, visited, Optional.empty(), out);
      return;
    }
    if (inFlight.size() >= config.maxInFlight()) {
      reply(from, request, RouteOutcome.OVERLOADED, visited, Optional.empty(), out);
      return;
    }
    LinkedHashSet<NodeName> seen = new LinkedHashSet<>(visited);
    seen.add(from);
    Search s = new Search(key, request.service(), from, request.ttl() - 1, now + request.budgetMillis(), seen,
        candidates(request.service(), neighbours, seen, now));
    inFlight.put(key, s);
    askNext(s, neighbours, now, out);
  }

  /** A neighbour answers one of this node's questions; a late or unasked answer is ignored. */
  void onReply(NodeName from, RouteReply reply, List<NodeName> neighbours, long now, RegistryOutbox out) {
    Search s = inFlight.get(new Key(reply.origin(), reply.search()));
    if (s == null || !from.equals(s.asking)) {
      return;
    }
    s.asking = null;
    for (NodeName n : reply.visited()) {
      s.visited.add(n);
    }
    if (reply.outcome() == RouteOutcome.FOUND) {
      routes.learn(s.service, from, now);
      finish(s, reply.instance(), FOUND, out);
    } else {
      routes.forget(s.service, from);
      askNext(s, neighbours, now, out);
    }
  }

  /** {@code peer} left the active view: questions to it fail now, and no route goes through it. */
  void onNeighbourDown(NodeName peer, List<NodeName> neighbours, long now, RegistryOutbox out) {
    routes.forgetVia(peer);
    for (Search s : new ArrayList<>(inFlight.values())) {
      if (peer.equals(s.asking)) {
        s.asking = null;
        askNext(s, neighbours, now, out);
      }
    }
  }

  /** The wait for an answer to question {@code ask} of a search ran out: ask the next neighbour. */
  void onAskDeadline(RegistryTimer.AskDeadline timer, List<NodeName> neighbours, long now, RegistryOutbox out) {
    Search s = inFlight.get(new Key(timer.origin(), timer.search()));
    if (s == null || s.ask != timer.ask() || s.asking == null) {
      return;
    }
    routes.forget(s.service, s.asking);
    s.asking = null;
    askNext(s, neighbours, now, out);
  }

  /** Drops expired routes. */
  void sweep(long now) {
    routes.sweep(now);
  }

  /** Searches this node takes part in now. */
  int inFlight() {
    return inFlight.size();
  }

  /** Routes remembered now. */
  int routes() {
    return routes.size();
  }

  // ------------------------------------------------------------------ the walk

  /** The neighbours to ask, the one that led to the service last time first, the others shuffled. */
  private ArrayDeque<NodeName> candidates(String service, List<NodeName> neighbours, java.util.Set<NodeName> visited,
      long now) {
    List<NodeName> order = new ArrayList<>(neighbours);
    order.removeAll(visited);
    for (int i = order.size() - 1; i > 0; i--) {
      Collections.swap(order, i, random.nextInt(i + 1));
    }
    Optional<NodeName> hop = routes.hop(service, now);
    if (hop.isPresent() && order.remove(hop.get())) {
      order.add(0, hop.get());
    }
    return new ArrayDeque<>(order);
  }

  private void askNext(Search s, List<NodeName> neighbours, long now, RegistryOutbox out) {
    while (true) {
      long left = s.deadline - now;
      // Two thirds go to the next hop; below 3 ms there is nothing useful left to give.
      if (left < 3) {
        finish(s, Optional.empty(), TIMEOUT, out);
        return;
      }
      NodeName peer = s.candidates.poll();
      if (peer == null) {
        finish(s, Optional.empty(), NOT_FOUND, out);
        return;
      }
      if (s.visited.contains(peer) || !neighbours.contains(peer)) {
        continue;
      }
      s.asking = peer;
      s.ask++;
      int budget = (int) Math.min(OverlayConfig.MAX_TIMEOUT_MILLIS, left * 2 / 3);
      out.add(new RegistryEffect.Send(peer, new RouteRequest(s.key.search(), s.key.origin(), s.service,
          s.forwardTtl, budget, capped(s.visited))));
      out.schedule(new RegistryTimer.AskDeadline(s.key.origin(), s.key.search(), s.ask),
          Duration.ofMillis(Math.max(1, left * 5 / 6)));
      return;
    }
  }

  private void finish(Search s, Optional<ServiceInstance> instance, String outcome, RegistryOutbox out) {
    inFlight.remove(s.key);
    if (s.replyTo == null) {
      done(s.key.search(), instance, outcome, out);
      return;
    }
    RouteOutcome answer = instance.isPresent() ? RouteOutcome.FOUND : RouteOutcome.NOT_FOUND;
    out.add(new RegistryEffect.Send(s.replyTo, new RouteReply(s.key.search(), s.key.origin(), answer,
        capped(s.visited), instance)));
    out.add(new RegistryEffect.Routed(false, outcome));
  }

  private void done(long search, Optional<ServiceInstance> instance, String outcome, RegistryOutbox out) {
    // Counted before the caller wakes up, so it sees its own search in the metrics.
    out.add(new RegistryEffect.Routed(true, outcome));
    out.add(new RegistryEffect.SearchDone(search, instance));
  }

  private void reply(NodeName to, RouteRequest request, RouteOutcome outcome, List<NodeName> visited,
      Optional<ServiceInstance> instance, RegistryOutbox out) {
    out.add(new RegistryEffect.Send(to, new RouteReply(request.search(), request.origin(), outcome, visited,
        instance)));
    out.add(new RegistryEffect.Routed(false, outcome == RouteOutcome.FOUND ? FOUND
        : outcome == RouteOutcome.OVERLOADED ? OVERLOADED : NOT_FOUND));
  }

  private List<NodeName> withSelf(List<NodeName> visited) {
    if (visited.contains(self)) {
      return visited;
    }
    List<NodeName> out = new ArrayList<>(visited);
    out.add(self);
    return capped(out);
  }

  /** The first {@value RegistryMessage#MAX_VISITED} names: the path from the origin comes first. */
  private static List<NodeName> capped(java.util.Collection<NodeName> visited) {
    List<NodeName> out = new ArrayList<>(Math.min(visited.size(), RegistryMessage.MAX_VISITED));
    for (NodeName n : visited) {
      if (out.size() == RegistryMessage.MAX_VISITED) {
        break;
      }
      out.add(n);
    }
    return out;
  }
}
