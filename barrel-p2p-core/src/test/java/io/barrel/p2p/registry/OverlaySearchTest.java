package io.barrel.p2p.registry;

import static org.assertj.core.api.Assertions.assertThat;

import io.barrel.p2p.NodeName;
import io.barrel.p2p.registry.RegistryMessage.RouteOutcome;
import io.barrel.p2p.registry.RegistryMessage.RouteReply;
import io.barrel.p2p.registry.RegistryMessage.RouteRequest;
import io.barrel.p2p.registry.ReplicaCluster.Node;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The overlay fallback of {@code whereis}, pure, in virtual time: multi-hop searches over replicas
 * wired in chosen topologies with replication withheld (so only the owner knows), and single replicas
 * fed requests, replies and timers by hand for the exact rules (TTL, visited set, in-flight cap,
 * deadlines, route cache).
 */
class OverlaySearchTest {

  private static final NodeName X = NodeName.of("x@h");
  private static final NodeName Y = NodeName.of("y@h");
  private static final NodeName Z = NodeName.of("z@h");

  /** Replicas whose broadcasts never arrive: each knows only its own registrations. */
  private static ReplicaCluster isolatedCopies(RegistryConfig config) {
    ReplicaCluster cluster = new ReplicaCluster(7, config);
    cluster.filterBroadcasts((from, to, m) -> false);
    return cluster;
  }

  /** A chain n0 - n1 - ... - n(size-1), anti-entropy kept out of the way. */
  private static List<Node> chain(ReplicaCluster cluster, int size) {
    List<Node> nodes = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      nodes.add(cluster.startAlone("n" + i + "@h"));
    }
    for (int i = 1; i < size; i++) {
      linkWithoutAntiEntropy(cluster, nodes.get(i - 1), nodes.get(i));
    }
    return nodes;
  }

  /** Makes two nodes neighbours, dropping the digests the link starts (they would replicate). */
  private static void linkWithoutAntiEntropy(ReplicaCluster cluster, Node a, Node b) {
    a.replica.onNeighbourUp(b.name, cluster.now);
    b.replica.onNeighbourUp(a.name, cluster.now);
  }

  private static RegistryConfig config(OverlayConfig overlay) {
    return ReplicaCluster.CONFIG.withOverlay(overlay).withAntiEntropyInterval(Duration.ofHours(1));
  }

  private static long requestsReceived(Node n) {
    return n.received.stream().filter(m -> m instanceof RouteRequest).count();
  }

  // ------------------------------------------------------------------ multi-hop

  @Test
  void aServiceOnlyAFarNodeKnowsIsFoundThroughTheChainAndTheRouteRemembered() {
    ReplicaCluster cluster = isolatedCopies(config(OverlayConfig.defaults()));
    List<Node> nodes = chain(cluster, 4);
    ServiceInstance svc = nodes.get(3).register("svc");
    assertThat(nodes.get(0).lookup("svc")).as("replication withheld").isEmpty();

    long search = nodes.get(0).search("svc");
    cluster.advance(100);

    assertThat(nodes.get(0).searches).containsEntry(search, Optional.of(svc));
    assertThat(nodes.get(0).notices).contains(new RegistryEffect.Routed(true, OverlaySearch.FOUND));
    assertThat(nodes.get(1).notices).contains(new RegistryEffect.Routed(false, OverlaySearch.FOUND));
    assertThat(nodes.get(0).replica.routes()).isEqualTo(1);
    assertThat(nodes.get(1).replica.routes()).as("relays learn the route too").isEqualTo(1);
    for (Node n : nodes) {
      assertThat(n.replica.searchesInFlight()).as("nothing left in flight on %s", n).isZero();
    }
  }

  @Test
  void aSearchAsksEveryReachableNodeAtMostOnceAndEndsNotFound() {
    ReplicaCluster cluster = isolatedCopies(config(OverlayConfig.defaults()));
    List<Node> nodes = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      nodes.add(cluster.startAlone("n" + i + "@h"));
    }
    for (int i = 0; i < 6; i++) {
      for (int j = i + 1; j < 6; j++) {
        linkWithoutAntiEntropy(cluster, nodes.get(i), nodes.get(j));
      }
    }
    long search = nodes.get(0).search("nowhere");
    cluster.advance(1_000);

    assertThat(nodes.get(0).searches).containsEntry(search, Optional.empty());
    assertThat(nodes.get(0).notices).contains(new RegistryEffect.Routed(true, OverlaySearch.NOT_FOUND));
    assertThat(requestsReceived(nodes.get(0))).as("the origin is never asked").isZero();
    for (Node n : nodes.subList(1, 6)) {
      assertThat(requestsReceived(n)).as("requests to %s", n).isEqualTo(1);
    }
  }

  @Test
  void theTtlBoundsHowFarASearchGoes() {
    ReplicaCluster cluster = isolatedCopies(config(OverlayConfig.defaults().withTtl(3)));
    List<Node> nodes = chain(cluster, 6);
    ServiceInstance atThree = nodes.get(3).register("three");
    nodes.get(4).register("four");

    long near = nodes.get(0).search("three");
    long far = nodes.get(0).search("four");
    cluster.advance(1_000);

    assertThat(nodes.get(0).searches).containsEntry(near, Optional.of(atThree));
    assertThat(nodes.get(0).searches).as("4 hops away with a TTL of 3").containsEntry(far, Optional.empty());
    assertThat(requestsReceived(nodes.get(4))).isZero();
  }

  @Test
  void aTtlOfZeroTurnsTheFallbackOff() {
    ReplicaCluster cluster = isolatedCopies(config(OverlayConfig.defaults().withTtl(0)));
    List<Node> nodes = chain(cluster, 2);
    nodes.get(1).register("svc");
    long search = nodes.get(0).search("svc");
    assertThat(nodes.get(0).searches).containsEntry(search, Optional.empty());
    cluster.advance(100);
    assertThat(requestsReceived(nodes.get(1))).isZero();
  }

  @Test
  void aSearchWithAnInstanceHereEndsAtOnce() {
    ReplicaCluster cluster = isolatedCopies(config(OverlayConfig.defaults()));
    Node a = chain(cluster, 2).get(0);
    ServiceInstance mine = a.register("svc");
    long search = a.search("svc");
    assertThat(a.searches).containsEntry(search, Optional.of(mine));
    assertThat(a.replica.searchesInFlight()).isZero();
  }

  // ------------------------------------------------------------------ one replica, by hand

  private final ReplicaCluster single = new ReplicaCluster(3, config(OverlayConfig.defaults().withMaxInFlight(2)));

  private Node alone(NodeName... neighbours) {
    Node n = single.startAlone("me@h");
    for (NodeName peer : neighbours) {
      n.replica.onNeighbourUp(peer, single.now);
    }
    return n;
  }

  private static <T> List<T> only(List<RegistryEffect> effects, Class<T> type) {
    return effects.stream().filter(type::isInstance).map(type::cast).toList();
  }

  private static List<RegistryEffect.Send> sends(List<RegistryEffect> effects) {
    return only(effects, RegistryEffect.Send.class);
  }

  private static byte[] request(long search, NodeName origin, int ttl, int budget, NodeName... visited) {
    return RegistryMessage.encode(new RouteRequest(search, origin, "svc", ttl, budget, List.of(visited)));
  }

  private static byte[] reply(long search, NodeName origin, RouteOutcome outcome, Optional<ServiceInstance> found) {
    return RegistryMessage.encode(new RouteReply(search, origin, outcome, List.of(), found));
  }

  @Test
  void aRelayGivesTheNextHopTwoThirdsOfItsBudgetAndWaitsFiveSixths() {
    Node me = alone(Y);
    List<RegistryEffect> effects = me.replica.onControl(X, request(1, X, 4, 900, X), 0);
    RegistryEffect.Send ask = sends(effects).get(0);
    assertThat(ask.peer()).isEqualTo(Y);
    RouteRequest forwarded = (RouteRequest) ask.message();
    assertThat(forwarded.ttl()).isEqualTo(3);
    assertThat(forwarded.budgetMillis()).isEqualTo(600);
    assertThat(forwarded.visited()).containsExactly(X, me.name);
    assertThat(only(effects, RegistryEffect.Schedule.class)).singleElement().isEqualTo(
        new RegistryEffect.Schedule(new RegistryTimer.AskDeadline(X, 1, 1), Duration.ofMillis(750)));
  }

  @Test
  void aSilentNeighbourTimesOutTheNextIsAskedAndALateAnswerIsIgnored() {
    Node me = alone(Y, Z);
    ServiceInstance remote = new ServiceInstance("svc", Z, 1, "z-1", ServiceMetadata.EMPTY);
    RegistryReplica.SearchStart start = me.replica.search("svc", 0);
    NodeName first = sends(start.effects()).get(0).peer();
    NodeName second = first.equals(Y) ? Z : Y;

    List<RegistryEffect> timeout = me.replica.onTimer(new RegistryTimer.AskDeadline(me.name, start.search(), 1), 2_500);
    assertThat(sends(timeout)).singleElement().extracting(RegistryEffect.Send::peer).isEqualTo(second);
    RouteRequest again = (RouteRequest) sends(timeout).get(0).message();
    assertThat(again.budgetMillis()).as("two thirds of the 500 ms left").isEqualTo(333);

    assertThat(me.replica.onControl(first, reply(start.search(), me.name, RouteOutcome.FOUND, Optional.of(remote)),
        2_510)).as("late answer from the first").isEmpty();
    List<RegistryEffect> found = me.replica.onControl(second,
        reply(start.search(), me.name, RouteOutcome.FOUND, Optional.of(remote)), 2_520);
    assertThat(found).contains(new RegistryEffect.SearchDone(start.search(), Optional.of(remote)),
        new RegistryEffect.Routed(true, OverlaySearch.FOUND));
  }

  @Test
  void aNeighbourLeavingFailsItsQuestionAtOnce() {
    Node me = alone(Y, Z);
    RegistryReplica.SearchStart start = me.replica.search("svc", 0);
    NodeName first = sends(start.effects()).get(0).peer();
    List<RegistryEffect> effects = me.replica.onNeighbourDown(first, 10);
    assertThat(sends(effects)).singleElement().extracting(RegistryEffect.Send::peer).isNotEqualTo(first);
  }

  @Test
  void theWholeSearchEndsByItsTimeout() {
    Node me = alone(Y, Z);
    RegistryReplica.SearchStart start = me.replica.search("svc", 0);
    long end = OverlayConfig.defaults().timeout().toMillis();
    List<RegistryEffect> effects = me.replica.onTimer(new RegistryTimer.AskDeadline(me.name, start.search(), 1), end);
    assertThat(effects).contains(new RegistryEffect.SearchDone(start.search(), Optional.empty()),
        new RegistryEffect.Routed(true, OverlaySearch.TIMEOUT));
    assertThat(me.replica.searchesInFlight()).isZero();
  }

  @Test
  void overTheInFlightCapARequestIsAnsweredOverloadedAtOnceAndCounted() {
    Node me = alone(Y, Z);
    me.replica.onControl(X, request(1, X, 4, 3_000, X), 0);
    me.replica.onControl(X, request(2, X, 4, 3_000, X), 0);
    assertThat(me.replica.searchesInFlight()).isEqualTo(2);

    List<RegistryEffect> third = me.replica.onControl(X, request(3, X, 4, 3_000, X), 0);
    assertThat(sends(third)).singleElement().satisfies(s -> {
      assertThat(s.peer()).isEqualTo(X);
      assertThat(((RouteReply) s.message()).outcome()).isEqualTo(RouteOutcome.OVERLOADED);
    });
    assertThat(third).contains(new RegistryEffect.Routed(false, OverlaySearch.OVERLOADED));
    assertThat(me.replica.searchesInFlight()).isEqualTo(2);

    RegistryReplica.SearchStart own = me.replica.search("svc", 0);
    assertThat(own.effects()).containsExactly(new RegistryEffect.Routed(true, OverlaySearch.OVERLOADED),
        new RegistryEffect.SearchDone(own.search(), Optional.empty()));
  }

  @Test
  void aRequestThisNodeCanAnswerCostsNoStateAndIsAnsweredEvenAtTheCap() {
    Node me = alone(Y, Z);
    me.replica.onControl(X, request(1, X, 4, 3_000, X), 0);
    me.replica.onControl(X, request(2, X, 4, 3_000, X), 0);
    assertThat(me.replica.searchesInFlight()).as("at the cap").isEqualTo(2);
    ServiceInstance mine = me.register("svc");
    List<RegistryEffect> effects = me.replica.onControl(X, request(9, X, 4, 3_000, X), 0);
    assertThat(sends(effects)).singleElement().satisfies(s -> {
      RouteReply r = (RouteReply) s.message();
      assertThat(r.outcome()).isEqualTo(RouteOutcome.FOUND);
      assertThat(r.instance()).contains(mine);
      assertThat(r.visited()).containsExactly(X, me.name);
    });
    assertThat(me.replica.searchesInFlight()).isEqualTo(2);
  }

  @Test
  void loopsRepeatsAndExhaustedTtlsAreAnsweredNotFoundWithoutAsking() {
    Node me = alone(Y, Z);
    assertNotFoundAtOnce(me, request(1, me.name, 4, 3_000, X), "own search come back");
    assertNotFoundAtOnce(me, request(2, X, 4, 3_000, X, me.name), "already visited");
    assertNotFoundAtOnce(me, request(3, X, 0, 3_000, X), "TTL used up");
    me.replica.onControl(X, request(4, X, 4, 3_000, X), 0);
    assertNotFoundAtOnce(me, request(4, X, 4, 3_000, Y), "already in flight here");
  }

  private static void assertNotFoundAtOnce(Node me, byte[] request, String why) {
    List<RegistryEffect> effects = me.replica.onControl(X, request, 0);
    assertThat(sends(effects)).as(why).singleElement().satisfies(s -> {
      assertThat(s.peer()).isEqualTo(X);
      assertThat(((RouteReply) s.message()).outcome()).isEqualTo(RouteOutcome.NOT_FOUND);
    });
  }

  @Test
  void anUnaskedReplyIsIgnored() {
    Node me = alone(Y);
    me.replica.onControl(X, request(1, X, 4, 3_000, X), 0);
    assertThat(me.replica.onControl(Z, reply(1, X, RouteOutcome.NOT_FOUND, Optional.empty()), 5)).isEmpty();
    assertThat(me.replica.onControl(Y, reply(77, X, RouteOutcome.NOT_FOUND, Optional.empty()), 5)).isEmpty();
    assertThat(me.replica.searchesInFlight()).isEqualTo(1);
  }

  @Test
  void theNeighbourThatFoundAServiceIsAskedFirstNextTimeUntilItFails() {
    Node me = alone(X, Y, Z);
    ServiceInstance atZ = new ServiceInstance("svc", Z, 1, "z-1", ServiceMetadata.EMPTY);
    long now = 0;
    RegistryReplica.SearchStart first = me.replica.search("svc", now);
    NodeName asked = sends(first.effects()).get(0).peer();
    // Whoever is asked first says no until Z is asked; Z finds it.
    List<RegistryEffect> effects = first.effects();
    while (!asked.equals(Z)) {
      effects = me.replica.onControl(asked, reply(first.search(), me.name, RouteOutcome.NOT_FOUND, Optional.empty()),
          ++now);
      asked = sends(effects).get(0).peer();
    }
    me.replica.onControl(Z, reply(first.search(), me.name, RouteOutcome.FOUND, Optional.of(atZ)), ++now);
    for (int i = 0; i < 10; i++) {
      RegistryReplica.SearchStart next = me.replica.search("svc", ++now);
      assertThat(sends(next.effects()).get(0).peer()).as("search %s", i).isEqualTo(Z);
      me.replica.onControl(Z, reply(next.search(), me.name, RouteOutcome.FOUND, Optional.of(atZ)), ++now);
    }
    RegistryReplica.SearchStart failing = me.replica.search("svc", ++now);
    me.replica.onControl(Z, reply(failing.search(), me.name, RouteOutcome.NOT_FOUND, Optional.empty()), ++now);
    assertThat(me.replica.routes()).as("a hop that did not lead there is forgotten").isZero();
  }

  @Test
  void routesExpireAfterTheirTtlAndTheSweepDropsThem() {
    ReplicaCluster cluster = new ReplicaCluster(3, config(OverlayConfig.defaults()
        .withRouteCache(Duration.ofSeconds(10), Duration.ofSeconds(1), 4)));
    Node me = cluster.startAlone("me@h");
    me.replica.onNeighbourUp(Z, 0);
    ServiceInstance atZ = new ServiceInstance("svc", Z, 1, "z-1", ServiceMetadata.EMPTY);
    RegistryReplica.SearchStart s = me.replica.search("svc", 0);
    me.replica.onControl(Z, reply(s.search(), me.name, RouteOutcome.FOUND, Optional.of(atZ)), 1);
    assertThat(me.replica.routes()).isEqualTo(1);
    me.replica.onTimer(RegistryTimer.Periodic.ROUTE_SWEEP, 10_000);
    assertThat(me.replica.routes()).isEqualTo(1);
    List<RegistryEffect> sweep = me.replica.onTimer(RegistryTimer.Periodic.ROUTE_SWEEP, 10_001);
    assertThat(me.replica.routes()).isZero();
    assertThat(sweep).containsExactly(new RegistryEffect.Schedule(RegistryTimer.Periodic.ROUTE_SWEEP,
        Duration.ofSeconds(1)));
  }

  @Test
  void theRouteCacheForgetsOnItsTtlTheLeavingNeighbourAndTheOldestWhenFull() {
    RouteCache cache = new RouteCache(2, 100);
    cache.learn("a", X, 0);
    cache.learn("b", Y, 10);
    assertThat(cache.hop("a", 99)).contains(X);
    assertThat(cache.hop("a", 100)).as("lazily expired").isEmpty();
    assertThat(cache.size()).isEqualTo(1);
    cache.learn("c", Y, 20);
    cache.learn("d", Z, 30);
    assertThat(cache.hop("b", 30)).as("the oldest made room").isEmpty();
    cache.forgetVia(Y);
    assertThat(cache.hop("c", 30)).isEmpty();
    assertThat(cache.hop("d", 30)).contains(Z);
    cache.forget("d", X);
    assertThat(cache.hop("d", 30)).contains(Z);
    cache.forget("d", Z);
    assertThat(cache.size()).isZero();
  }
}
