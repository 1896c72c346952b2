package io.barrel.p2p.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.barrel.p2p.NodeName;
import io.barrel.p2p.crdt.DeltaRejection;
import io.barrel.p2p.registry.ReplicaCluster.Node;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The registry's rules, pure, in virtual time: several replicas wired by {@link ReplicaCluster}
 * (heartbeat 2 s, lease 8 s, link latency 5 ms). Each test is one scenario; the events every node
 * emits are checked exactly, so a duplicate or a missing event fails.
 */
class RegistryReplicaTest {

  private final ReplicaCluster cluster = new ReplicaCluster(42);

  private static ServiceEvent registered(ServiceInstance i) {
    return new ServiceEvent.Registered(i);
  }

  private static ServiceEvent unregistered(ServiceInstance i) {
    return new ServiceEvent.Unregistered(i);
  }

  private static ServiceEvent down(ServiceInstance i, String reason) {
    return new ServiceEvent.Down(i, reason);
  }

  private List<Node> start(String... names) {
    for (String name : names) {
      cluster.start(name);
    }
    cluster.advance(100);
    return cluster.nodes();
  }

  // ------------------------------------------------------------------ replication and events

  @Test
  void aRegistrationIsVisibleOnEveryNodeWithOneRegisteredEventEach() {
    List<Node> nodes = start("a@h", "b@h", "c@h");
    Node a = nodes.get(0);
    ServiceInstance greeter = a.register("greeter");

    assertThat(a.lookup("greeter")).as("visible on its own node at once").containsExactly(greeter);
    cluster.advance(100);
    for (Node n : nodes) {
      assertThat(n.lookup("greeter")).as("lookup on %s", n).containsExactly(greeter);
      assertThat(n.replica.lookup("greeter", cluster.now)).as("core lookup on %s", n).containsExactly(greeter);
      assertThat(n.events).as("events on %s", n).containsExactly(registered(greeter));
    }
  }

  @Test
  void anUnregistrationEmitsOneUnregisteredOnEveryNode() {
    List<Node> nodes = start("a@h", "b@h", "c@h");
    ServiceInstance greeter = nodes.get(1).register("greeter");
    cluster.advance(100);
    nodes.get(1).unregister(greeter);
    cluster.advance(100);
    for (Node n : nodes) {
      assertThat(n.lookup("greeter")).isEmpty();
      assertThat(n.snapshot).as("snapshot on %s", n).doesNotContainKey("greeter");
      assertThat(n.events).as("events on %s", n).containsExactly(registered(greeter), unregistered(greeter));
      assertThat(n.stats().entries()).isZero();
    }
  }

  @Test
  void duplicateDeltasAndAnEchoOfOnesOwnDeltaChangeNothing() {
    List<Node> nodes = start("a@h", "b@h");
    Node a = nodes.get(0);
    Node b = nodes.get(1);
    ServiceInstance greeter = a.register("greeter");
    cluster.advance(100);
    RegistryMessage delta = a.broadcasts.stream().filter(m -> m instanceof RegistryMessage.Delta)
        .reduce((x, y) -> y).orElseThrow();
    byte[] bytes = RegistryMessage.encode(delta);

    assertThat(b.replica.onBroadcast(a.name, bytes, cluster.now)).isEmpty();
    assertThat(a.replica.onBroadcast(a.name, bytes, cluster.now)).as("own delta echoed back").isEmpty();
    assertThat(a.events).containsExactly(registered(greeter));
    assertThat(b.events).containsExactly(registered(greeter));
  }

  @Test
  void concurrentRegistrationsOfOneNameOnTwoNodesBothStay() {
    List<Node> nodes = start("a@h", "b@h", "c@h");
    ServiceInstance one = nodes.get(0).register("search");
    ServiceInstance two = nodes.get(1).register("search");
    cluster.advance(100);
    for (Node n : nodes) {
      assertThat(n.lookup("search")).as("on %s", n).containsExactlyInAnyOrder(one, two);
    }
    assertThat(nodes.get(0).lookup("search")).as("own first").containsExactly(one, two);
    assertThat(nodes.get(1).lookup("search")).as("own first").containsExactly(two, one);
  }

  @Test
  void severalInstancesOfOneNameOnOneNodeHaveTheirOwnIds() {
    Node a = start("a@h", "b@h").get(0);
    ServiceInstance one = a.register("worker");
    ServiceInstance two = a.register("worker");
    assertThat(one.instanceId()).isNotEqualTo(two.instanceId());
    cluster.advance(100);
    assertThat(cluster.node("b@h").lookup("worker")).containsExactly(one, two);
    a.unregister(one);
    cluster.advance(100);
    assertThat(cluster.node("b@h").lookup("worker")).containsExactly(two);
  }

  @Test
  void unregisteringTwiceOrAnotherNodesInstanceDoesNothing() {
    List<Node> nodes = start("a@h", "b@h");
    ServiceInstance greeter = nodes.get(0).register("greeter");
    cluster.advance(100);
    assertThat(nodes.get(1).replica.isRegistered(greeter)).isFalse();
    assertThat(nodes.get(1).replica.unregister(greeter, cluster.now)).isEmpty();
    nodes.get(0).unregister(greeter);
    assertThat(nodes.get(0).replica.unregister(greeter, cluster.now)).isEmpty();
  }

  @Test
  void registerRefusesForeignOrRepeatedInstancesAndOversizedOnes() {
    List<Node> nodes = start("a@h", "b@h");
    RegistryReplica a = nodes.get(0).replica;
    ServiceInstance ofB = nodes.get(1).replica.newInstance("x", ServiceMetadata.EMPTY);
    assertThatThrownBy(() -> a.register(ofB, cluster.now)).hasMessageContaining("not an instance of this life");
    ServiceInstance mine = nodes.get(0).register("x");
    assertThatThrownBy(() -> a.register(mine, cluster.now)).hasMessageContaining("already registered");
    java.util.Map<String, String> attributes = new java.util.HashMap<>();
    for (int i = 0; i < 20; i++) {
      attributes.put("a" + i, "x".repeat(1_000));
    }
    ServiceMetadata huge = ServiceMetadata.EMPTY.withAttributes(attributes);
    assertThatThrownBy(() -> a.newInstance("x", huge)).isInstanceOf(IllegalArgumentException.class);
    assertThat(a.stats().local()).isEqualTo(1);
  }

  // ------------------------------------------------------------------ leases

  @Test
  void aDeadNodesInstancesAreHiddenAtTheDeadlineReportedDownOnceAndRemovedEverywhere() {
    List<Node> nodes = start("a@h", "b@h", "c@h", "d@h");
    Node victim = nodes.get(3);
    ServiceInstance billing = victim.register("billing");
    cluster.advance(1_000);
    cluster.kill(victim); // at 1 100: the only heartbeat it sent went with the registration, at 100
    cluster.advance(6_000);
    for (Node n : cluster.live()) {
      assertThat(n.lookup("billing")).as("still live on %s", n).containsExactly(billing);
    }
    // That heartbeat reached the others at 105; the lease runs 8 s from then.
    long deadline = cluster.node("a@h").deadlines.get(victim.name);
    assertThat(deadline).isEqualTo(100 + 5 + 8_000);
    cluster.advance(deadline - cluster.now);
    assertThat(cluster.node("a@h").lookup("billing")).as("live at the deadline itself").hasSize(1);
    cluster.advance(1);
    for (Node n : cluster.live()) {
      assertThat(n.lookup("billing")).as("hidden on %s before any expiry check", n).isEmpty();
    }
    cluster.advance(1_000);
    for (Node n : cluster.live()) {
      assertThat(n.events).as("events on %s", n).containsExactly(registered(billing),
          down(billing, RegistryReplica.LEASE_EXPIRED));
      assertThat(n.notices).contains(new RegistryEffect.LeaseExpired(victim.name));
    }
    // None of the survivors heartbeats, so none has the duty to remove: each stands by for two to
    // four heartbeat intervals, and the first removal reaches the others before they act.
    cluster.advance(8_000);
    for (Node n : cluster.live()) {
      assertThat(n.stats().entries()).as("entries on %s", n).isZero();
    }
  }

  @Test
  void onlyTheNodesThatRankFirstRemoveADeadNodesEntriesAtOnce() {
    List<Node> nodes = new java.util.ArrayList<>(start("a@h", "b@h", "c@h", "d@h", "e@h", "f@h", "g@h", "h@h")
        .subList(0, 8));
    for (Node n : nodes) {
      n.register("svc-" + n.name.name());
    }
    cluster.advance(3_000);
    Node victim = nodes.get(5);
    cluster.kill(victim);
    java.util.Map<Node, Integer> before = new java.util.HashMap<>();
    for (Node n : cluster.live()) {
      before.put(n, (int) n.broadcasts.stream().filter(m -> m instanceof RegistryMessage.Delta).count());
    }
    cluster.advance(8_000 + 1_000 + 600);
    int removers = 0;
    for (Node n : cluster.live()) {
      long deltas = n.broadcasts.stream().filter(m -> m instanceof RegistryMessage.Delta).count() - before.get(n);
      removers += deltas > 0 ? 1 : 0;
      assertThat(n.stats().entries()).as("entries on %s within a quarter interval of the expiry", n).isEqualTo(7);
    }
    assertThat(removers).as("nodes that broadcast a removal").isBetween(1, RemovalDuty.REMOVERS);
    cluster.advance(10_000);
    for (Node n : cluster.live()) {
      long deltas = n.broadcasts.stream().filter(m -> m instanceof RegistryMessage.Delta).count() - before.get(n);
      assertThat(deltas).as("the others stood down on %s", n).isLessThanOrEqualTo(1);
    }
  }

  @Test
  void entriesHeldForAForgottenNodeShowAgainWhenItsNextEntryArrives() {
    Node a = cluster.startAlone("a@h");
    Node c = cluster.startAlone("c@h");
    ServiceInstance first = c.register("first");
    RegistryMessage firstDelta = c.broadcasts.get(c.broadcasts.size() - 1);
    cluster.apply(a, a.replica.onBroadcast(c.name, RegistryMessage.encode(firstDelta), 0));
    assertThat(a.replica.lookup("first", 0)).containsExactly(first);
    // Expired, never removed (its removal timer is dropped here), then forgotten.
    a.replica.onTimer(RegistryTimer.Periodic.EXPIRY_CHECK, 8_001);
    a.replica.onTimer(RegistryTimer.Periodic.EXPIRY_CHECK, 70_000);
    assertThat(a.replica.stats().trackedNodes()).isZero();
    assertThat(a.replica.stats().entries()).isEqualTo(1);

    ServiceInstance second = c.register("second");
    RegistryMessage secondDelta = c.broadcasts.get(c.broadcasts.size() - 1);
    List<RegistryEffect> effects = a.replica.onBroadcast(c.name, RegistryMessage.encode(secondDelta), 70_010);
    assertThat(effects).contains(new RegistryEffect.Emit(registered(first)), new RegistryEffect.Emit(
        registered(second)));
    assertThat(a.replica.lookup("first", 70_010)).containsExactly(first);
  }

  @Test
  void aNodeWithoutRegistrationsStopsHeartbeatingOneLeaseAfterItsLastOneWent() {
    List<Node> nodes = start("a@h", "b@h");
    Node a = nodes.get(0);
    assertThat(a.broadcasts).noneMatch(m -> m instanceof RegistryMessage.Heartbeat);
    ServiceInstance x = a.register("x");
    cluster.advance(4_100);
    a.unregister(x);
    long before = heartbeats(a);
    cluster.advance(8_000);
    long during = heartbeats(a) - before;
    assertThat(during).as("heartbeats in the lease after the last unregistration").isBetween(3L, 4L);
    cluster.advance(2_100);
    long after = heartbeats(a);
    cluster.advance(20_000);
    assertThat(heartbeats(a)).as("none once a lease has passed").isEqualTo(after);
    assertThat(nodes.get(1).events).containsExactly(registered(x), unregistered(x));
  }

  private static long heartbeats(Node n) {
    return n.broadcasts.stream().filter(m -> m instanceof RegistryMessage.Heartbeat).count();
  }

  @Test
  void aRemovalBroadcastByAThirdNodeIsADownEvenWhileTheLeaseRunsHere() {
    List<Node> nodes = start("a@h", "b@h", "c@h");
    Node a = nodes.get(0);
    Node b = nodes.get(1);
    Node c = nodes.get(2);
    ServiceInstance svc = c.register("svc");
    cluster.advance(100);
    // b stops hearing c; a still does, so only b expires it and removes it (after standing by: b does
    // not heartbeat, so it has no duty to remove at once).
    cluster.filterBroadcasts((to, m) -> !(to == b && m instanceof RegistryMessage.Heartbeat));
    cluster.advance(18_000);
    assertThat(b.events).containsExactly(registered(svc), down(svc, RegistryReplica.LEASE_EXPIRED));
    // a learnt of the expiry from b's removal, then c, which found its registration removed, put it
    // back (without any event on c itself).
    assertThat(a.events).containsExactly(registered(svc), down(svc, RegistryReplica.LEASE_EXPIRED),
        registered(svc));
    assertThat(c.notices).contains(new RegistryEffect.Reasserted(svc));
    assertThat(c.events).containsExactly(registered(svc));
    assertThat(a.lookup("svc")).containsExactly(svc);
    assertThat(b.lookup("svc")).as("b still cannot hear c").isEmpty();
  }

  @Test
  void aRemovalLearntByAntiEntropyWhileTheLeaseRunsWaitsForTheNextHeartbeatToSayUnregistered() {
    List<Node> nodes = start("a@h", "b@h", "c@h");
    Node a = nodes.get(0);
    Node c = nodes.get(2);
    ServiceInstance svc = c.register("svc");
    cluster.advance(100);
    // a misses c's unregistration delta; it learns the removal from b's chunk, author unknown.
    cluster.filterBroadcasts((to, m) -> !(to == a && m instanceof RegistryMessage.Delta));
    c.unregister(svc);
    cluster.advance(100);
    assertThat(a.lookup("svc")).containsExactly(svc);
    cluster.link(a, nodes.get(1));
    cluster.advance(100);
    assertThat(a.lookup("svc")).as("hidden at once").isEmpty();
    assertThat(a.events).as("undecided: no event yet").containsExactly(registered(svc));
    cluster.advance(2_100);
    assertThat(a.events).as("c's next heartbeat says it was an unregistration").containsExactly(registered(svc),
        unregistered(svc));
  }

  @Test
  void aRemovalLearntByAntiEntropyIsADownWhenTheLeaseThenRunsOut() {
    List<Node> nodes = start("a@h", "b@h", "c@h");
    Node a = nodes.get(0);
    Node c = nodes.get(2);
    ServiceInstance svc = c.register("svc");
    cluster.advance(100);
    cluster.filterBroadcasts((to, m) -> to != a);
    c.unregister(svc);
    cluster.advance(10);
    cluster.kill(c);
    cluster.link(a, nodes.get(1));
    cluster.advance(100);
    assertThat(a.events).containsExactly(registered(svc));
    cluster.advance(10_000);
    assertThat(a.events).containsExactly(registered(svc), down(svc, RegistryReplica.LEASE_EXPIRED));
  }

  @Test
  void aThirdNodesRemovalLearntByAntiEntropyStaysUndecidedUntilTheOwnerPutsItBackSilently() {
    List<Node> nodes = start("a@h", "b@h", "c@h");
    Node a = nodes.get(0);
    Node b = nodes.get(1);
    Node c = nodes.get(2);
    ServiceInstance svc = c.register("svc");
    cluster.advance(100);
    // b stops hearing c and expires it; b's removal reaches neither a nor c by broadcast.
    cluster.filterBroadcasts((from, to, m) -> !(to == b && from == c && m instanceof RegistryMessage.Heartbeat)
        && !(from == b && m instanceof RegistryMessage.Delta));
    cluster.advance(18_000);
    assertThat(b.lookup("svc")).isEmpty();
    assertThat(b.stats().entries()).isZero();
    assertThat(a.lookup("svc")).containsExactly(svc);

    // a learns the removal from b's chunk: hidden at once, cause unknown, and c's heartbeats still
    // show c holding it, so it is not an unregistration.
    cluster.apply(a, a.replica.onNeighbourUp(b.name, cluster.now));
    cluster.advance(20);
    assertThat(a.lookup("svc")).isEmpty();
    assertThat(a.replica.undecided()).containsExactly(svc);
    cluster.advance(6_000);
    assertThat(a.events).as("no event while undecided").containsExactly(registered(svc));

    // c learns it too, puts it back under a new dot; a shows it again without any event.
    cluster.apply(c, c.replica.onNeighbourUp(b.name, cluster.now));
    cluster.advance(20);
    assertThat(c.notices).contains(new RegistryEffect.Reasserted(svc));
    assertThat(a.lookup("svc")).containsExactly(svc);
    assertThat(a.replica.undecided()).isEmpty();
    assertThat(a.events).containsExactly(registered(svc));
    assertThat(c.events).containsExactly(registered(svc));
  }

  @Test
  void entriesOfANodeNeverHeardFromGetOneLeaseOfGraceThenGo() {
    List<Node> nodes = start("a@h", "b@h");
    Node a = nodes.get(0);
    cluster.filterBroadcasts((to, m) -> !(m instanceof RegistryMessage.Heartbeat));
    ServiceInstance svc = a.register("svc");
    cluster.advance(100);
    Node b = nodes.get(1);
    assertThat(b.lookup("svc")).containsExactly(svc);
    cluster.advance(7_800);
    assertThat(b.lookup("svc")).containsExactly(svc);
    cluster.advance(300);
    assertThat(b.lookup("svc")).isEmpty();
    cluster.advance(3_000);
    assertThat(b.events).containsExactly(registered(svc), down(svc, RegistryReplica.LEASE_EXPIRED));
  }

  @Test
  void aHeartbeatAfterExpiryButBeforeTheRemovalRevivesTheInstances() {
    Node a = cluster.start("a@h");
    Node c = cluster.start("c@h");
    cluster.advance(100);
    ServiceInstance svc = c.register("svc");
    cluster.advance(100);
    List<RegistryMessage> heartbeats = new java.util.ArrayList<>();
    cluster.filterBroadcasts((to, m) -> {
      if (m instanceof RegistryMessage.Heartbeat) {
        heartbeats.add(m);
        return false;
      }
      return true;
    });
    cluster.advance(8_000);
    // a's expiry check finds the lease gone; the removal waits a random part of a heartbeat interval.
    List<RegistryEffect> expiry = a.replica.onTimer(RegistryTimer.Periodic.EXPIRY_CHECK, cluster.now);
    assertThat(expiry).contains(new RegistryEffect.LeaseExpired(c.name), new RegistryEffect.Emit(
        down(svc, RegistryReplica.LEASE_EXPIRED)));
    RegistryEffect.Schedule removal = expiry.stream().filter(e -> e instanceof RegistryEffect.Schedule s
        && s.timer() instanceof RegistryTimer.RemoveExpired).map(RegistryEffect.Schedule.class::cast).findFirst()
        .orElseThrow();
    assertThat(removal.delay().toMillis()).as("a stands by: it does not heartbeat").isBetween(4_000L, 7_999L);
    assertThat(a.replica.lookup("svc", cluster.now)).isEmpty();

    List<RegistryEffect> revived = a.replica.onBroadcast(c.name,
        RegistryMessage.encode(heartbeats.get(heartbeats.size() - 1)), cluster.now);
    assertThat(revived).contains(new RegistryEffect.Emit(registered(svc)));
    assertThat(a.replica.lookup("svc", cluster.now)).containsExactly(svc);
    assertThat(a.replica.onTimer(removal.timer(), cluster.now)).as("the removal stands down").isEmpty();
    assertThat(a.replica.stats().entries()).isEqualTo(1);
  }

  @Test
  void entriesArrivingAfterTheLeaseLapsedShowWhenTheNextHeartbeatComesEvenBeforeAnyExpiryCheck() {
    Node a = cluster.start("a@h");
    Node c = cluster.start("c@h");
    cluster.advance(100);
    List<RegistryMessage> held = new java.util.ArrayList<>();
    cluster.filterBroadcasts((to, m) -> {
      if (to == a) {
        held.add(m);
        return false;
      }
      return true;
    });
    c.register("first");
    cluster.advance(100);
    // a tracks c from c's first entry (grace); feed it by hand to choose the instants.
    RegistryMessage heartbeat1 = held.get(0);
    RegistryMessage firstEntry = held.get(1);
    long t0 = cluster.now;
    cluster.apply(a, a.replica.onBroadcast(c.name, RegistryMessage.encode(firstEntry), t0));
    ServiceInstance second = c.register("second");
    RegistryMessage secondEntry = held.get(held.size() - 1);
    // The lease has lapsed (8 s after t0) but no expiry check has run on a yet.
    long lapsed = t0 + 8_001;
    List<RegistryEffect> late = a.replica.onBroadcast(c.name, RegistryMessage.encode(secondEntry), lapsed);
    assertThat(late).noneMatch(e -> e instanceof RegistryEffect.Emit);
    assertThat(a.replica.lookup("second", lapsed)).isEmpty();
    List<RegistryEffect> renewed = a.replica.onBroadcast(c.name, RegistryMessage.encode(new RegistryMessage.Heartbeat(
        new Lease(c.name, c.replica.incarnation(), 99), 0, 0)), lapsed + 10);
    assertThat(renewed).contains(new RegistryEffect.Emit(registered(second)));
    assertThat(a.replica.lookup("second", lapsed + 10)).containsExactly(second);
    assertThat(heartbeat1).isInstanceOf(RegistryMessage.Heartbeat.class);
  }

  @Test
  void anExpiredNodeIsForgottenAfterForgetAfterAndItsDeadlineDropped() {
    List<Node> nodes = start("a@h", "b@h");
    nodes.get(1).register("svc");
    cluster.advance(100);
    cluster.kill(nodes.get(1));
    cluster.advance(20_000);
    assertThat(nodes.get(0).deadlines).containsKey(nodes.get(1).name);
    cluster.advance(60_000);
    assertThat(nodes.get(0).deadlines).doesNotContainKey(nodes.get(1).name);
    assertThat(nodes.get(0).stats().trackedNodes()).isZero();
  }

  // ------------------------------------------------------------------ restarts

  @Test
  void aRestartReplacesTheEarlierLifesInstancesAtOnceEverywhere() {
    List<Node> nodes = start("a@h", "b@h", "c@h");
    Node c = nodes.get(2);
    ServiceInstance before = c.register("search");
    cluster.advance(1_000);
    cluster.restart(c);
    cluster.advance(50);
    for (Node n : List.of(nodes.get(0), nodes.get(1))) {
      assertThat(n.lookup("search")).as("old life gone on %s without waiting for a lease", n).isEmpty();
      assertThat(n.events).containsExactly(registered(before), down(before, RegistryReplica.RESTARTED));
    }
    ServiceInstance after = c.register("search");
    assertThat(after.incarnation()).isGreaterThan(before.incarnation());
    cluster.advance(50);
    for (Node n : cluster.nodes()) {
      assertThat(n.lookup("search")).as("on %s", n).containsExactly(after);
      assertThat(n.stats().entries()).isEqualTo(1);
    }
  }

  @Test
  void aLaterLifeSeenInEntriesBeforeItsHeartbeatDropsTheEarlierLife() {
    List<Node> nodes = start("a@h", "b@h", "c@h");
    Node a = nodes.get(0);
    Node c = nodes.get(2);
    ServiceInstance before = c.register("search");
    cluster.advance(100);
    // a is cut off while c restarts and registers again; then only the new entry's delta reaches it.
    cluster.partition(List.of(a));
    cluster.restart(c);
    ServiceInstance after = c.register("search");
    cluster.advance(50);
    RegistryMessage newEntry = c.broadcasts.get(c.broadcasts.size() - 1);
    assertThat(newEntry).isInstanceOf(RegistryMessage.Delta.class);
    cluster.apply(a, a.replica.onBroadcast(c.name, RegistryMessage.encode(newEntry), cluster.now));
    assertThat(a.lookup("search")).containsExactly(after);
    assertThat(a.events).containsExactly(registered(before), down(before, RegistryReplica.RESTARTED),
        registered(after));
    assertThat(a.stats().entries()).isEqualTo(1);
  }

  // ------------------------------------------------------------------ partitions

  @Test
  void afterAPartitionEachSideExpiresTheOtherAndTheHealRestoresTheUnionWithReassertion() {
    List<Node> nodes = start("a@h", "b@h", "c@h", "d@h");
    ServiceInstance left = nodes.get(0).register("left");
    ServiceInstance right = nodes.get(3).register("right");
    cluster.advance(500);
    cluster.partition(List.of(nodes.get(0), nodes.get(1)));
    cluster.advance(15_000);
    assertThat(nodes.get(1).lookup("right")).isEmpty();
    assertThat(nodes.get(2).lookup("left")).isEmpty();
    assertThat(nodes.get(1).stats().entries()).as("removed, not only hidden").isEqualTo(1);

    cluster.heal();
    cluster.advance(3_000);
    for (Node n : nodes) {
      assertThat(n.lookup("left")).as("left on %s", n).containsExactly(left);
      assertThat(n.lookup("right")).as("right on %s", n).containsExactly(right);
    }
    assertThat(nodes.get(0).events).as("the owner never saw its own instance go").containsExactly(
        registered(left), registered(right), down(right, RegistryReplica.LEASE_EXPIRED), registered(right));
    assertThat(nodes.get(2).events).containsExactly(registered(left), registered(right),
        down(left, RegistryReplica.LEASE_EXPIRED), registered(left));
  }

  // ------------------------------------------------------------------ anti-entropy and late joiners

  @Test
  void aLateJoinerGetsEverythingFromItsFirstNeighbourWithOneRegisteredEachAndLeasesStartingThen() {
    List<Node> nodes = start("a@h", "b@h");
    List<ServiceInstance> all = new java.util.ArrayList<>();
    for (int i = 0; i < 40; i++) {
      all.add(nodes.get(i % 2).register("svc-" + (i % 5)));
    }
    cluster.advance(100);
    Node late = cluster.start("late@h");
    cluster.advance(100);
    assertThat(late.events).hasSize(40).allMatch(e -> e instanceof ServiceEvent.Registered);
    for (int s = 0; s < 5; s++) {
      String service = "svc-" + s;
      assertThat(late.lookup(service)).containsExactlyInAnyOrderElementsOf(
          all.stream().filter(i -> i.service().equals(service)).toList());
    }
    assertThat(late.deadlines).containsOnlyKeys(nodes.get(0).name, nodes.get(1).name);
  }

  @Test
  void periodicAntiEntropyRepairsALostDelta() {
    List<Node> nodes = start("a@h", "b@h");
    cluster.filterBroadcasts((to, m) -> !(m instanceof RegistryMessage.Delta));
    ServiceInstance svc = nodes.get(0).register("svc");
    cluster.advance(10_000);
    assertThat(nodes.get(1).lookup("svc")).isEmpty();
    cluster.advance(21_000);
    assertThat(nodes.get(1).lookup("svc")).containsExactly(svc);
  }

  // ------------------------------------------------------------------ refused input

  @Test
  void malformedBroadcastsAreReportedWithoutClosingAnythingAndChangeNothing() {
    Node a = start("a@h").get(0);
    NodeName peer = NodeName.of("p@h");
    assertThat(a.replica.onBroadcast(peer, new byte[0], 0)).singleElement()
        .isInstanceOf(RegistryEffect.Malformed.class).matches(e -> !((RegistryEffect.Malformed) e).onControl());
    assertThat(a.replica.onBroadcast(peer, new byte[] {9}, 0)).singleElement()
        .isInstanceOf(RegistryEffect.Malformed.class);
    byte[] chunk = RegistryMessage.encode(new RegistryMessage.Chunk(1, new byte[] {1}));
    assertThat(a.replica.onBroadcast(peer, chunk, 0)).as("a chunk is never broadcast").singleElement()
        .isInstanceOf(RegistryEffect.Malformed.class);
    List<RegistryEffect> garbage = a.replica.onBroadcast(peer,
        RegistryMessage.encode(new RegistryMessage.Delta(1, new byte[] {1, 2, 3})), 0);
    assertThat(garbage).singleElement().isInstanceOf(RegistryEffect.Rejected.class);
    assertThat(a.stats().rejectedDeltas()).isEqualTo(1);
    assertThat(a.stats().entries()).isZero();
  }

  @Test
  void malformedControlMessagesAskToCloseTheConnection() {
    Node a = start("a@h").get(0);
    NodeName peer = NodeName.of("p@h");
    List<RegistryEffect> effects = a.replica.onControl(peer, new byte[] {3, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2}, 0);
    assertThat(effects).singleElement().isEqualTo(new RegistryEffect.Malformed(peer,
        ((RegistryEffect.Malformed) effects.get(0)).why(), true));
    byte[] heartbeat = RegistryMessage.encode(new RegistryMessage.Heartbeat(new Lease(peer, 1, 1), 0, 0));
    assertThat(a.replica.onControl(peer, heartbeat, 0)).singleElement()
        .matches(e -> e instanceof RegistryEffect.Malformed m && m.onControl());
  }

  @Test
  void aDeltaHoldingAnInstanceWrittenByAnotherNodeIsRefusedWhole() {
    List<Node> nodes = start("a@h", "b@h", "mallory@h");
    Node mallory = nodes.get(2);
    // mallory's own replica would never write this; a forger would.
    ServiceInstance forged = new ServiceInstance("bank", nodes.get(0).name, 1, "x-1", ServiceMetadata.EMPTY);
    io.barrel.p2p.crdt.OrMapCodec<ServiceInstance> codec =
        new io.barrel.p2p.crdt.OrMapCodec<>(new ServiceInstanceCodec(), ReplicaCluster.CONFIG.crdt());
    io.barrel.p2p.crdt.OrMap<ServiceInstance> forger = new io.barrel.p2p.crdt.OrMap<>(mallory.name,
        new io.barrel.p2p.crdt.HybridLogicalClock(() -> ReplicaCluster.WALL_EPOCH + cluster.now,
            java.time.Duration.ofMinutes(1), new io.barrel.p2p.crdt.CrdtStats()), codec,
        new io.barrel.p2p.crdt.CrdtStats());
    byte[] delta = codec.encode(forger.add("bank", forged).delta());
    Node b = nodes.get(1);
    List<RegistryEffect> effects = b.replica.onBroadcast(mallory.name,
        RegistryMessage.encode(new RegistryMessage.Delta(1, delta)), cluster.now);
    assertThat(effects).singleElement().isInstanceOfSatisfying(RegistryEffect.Rejected.class,
        r -> assertThat(r.reason()).isEqualTo(DeltaRejection.MALFORMED));
    assertThat(b.stats().entries()).isZero();
    assertThat(b.stats().rejectedDeltas()).isEqualTo(1);
  }

  @Test
  void moreNodesThanADigestMayNameStillLeaveAntiEntropyWorkingAndALateJoinerGetsEverything() {
    // A digest may name 3 nodes here; four nodes register (in production: more than max-nodes names
    // over a cluster's life, pod addresses changing with each deploy).
    io.barrel.p2p.crdt.CrdtConfig c = ReplicaCluster.CONFIG.crdt();
    ReplicaCluster small = new ReplicaCluster(7, ReplicaCluster.CONFIG.withCrdt(c.withLimits(c.maxEntries(),
        c.maxKeyBytes(), c.maxValueBytes(), c.maxTotalBytes(), c.maxContextRanges(), 3)));
    List<Node> writers = List.of(small.start("a@h"), small.start("b@h"), small.start("c@h"), small.start("d@h"));
    List<ServiceInstance> registered = new java.util.ArrayList<>();
    for (Node n : writers) {
      registered.add(n.register("svc-" + n.name.toString().charAt(0)));
    }
    small.advance(1_000);

    List<RegistryEffect> tick = writers.get(0).replica.onTimer(RegistryTimer.Periodic.ANTI_ENTROPY, small.now);
    assertThat(tick).as("the periodic exchange goes on")
        .contains(new RegistryEffect.Schedule(RegistryTimer.Periodic.ANTI_ENTROPY,
            ReplicaCluster.CONFIG.antiEntropyInterval()));

    Node late = small.start("e@h"); // offers its digest to every node, which answers with theirs
    small.advance(1_000);
    for (ServiceInstance instance : registered) {
      assertThat(late.lookup(instance.service())).as(instance.service()).containsExactly(instance);
    }
  }
}
