package io.barrel.p2p.registry;

import static org.assertj.core.api.Assertions.assertThat;

import io.barrel.p2p.registry.ReplicaCluster.Node;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/**
 * The registry's rules over seeded random histories of five replicas: registrations and
 * unregistrations, crashes, restarts, partitions and heals, lost broadcasts, in virtual time. After
 * every step each node's events replay exactly to what it shows; after a final heal and a settling
 * time every live node sees exactly the live registrations, and a run without failures has no
 * {@code Down} at all.
 */
class RegistryReplicaPropertyTest {

  private static final List<String> SERVICES = List.of("alpha", "beta", "gamma");
  /**
   * A lease (8 s) and a removal delay, then enough anti-entropy rounds (30 s each, with a random
   * neighbour) for a removal that every broadcast missed to reach every node: a few hops.
   */
  private static final long SETTLE_MILLIS = 200_000;

  @Property(tries = 300)
  void eventsReplayToWhatIsVisibleAndEveryLiveNodeConvergesToTheLiveRegistrations(@ForAll long seed) {
    run(seed, true);
  }

  @Property(tries = 200)
  void withoutFailuresNoInstanceIsEverReportedDown(@ForAll long seed) {
    Run run = run(seed, false);
    for (Node n : run.cluster.nodes()) {
      assertThat(n.events).as("events on %s", n).noneMatch(e -> e instanceof ServiceEvent.Down);
    }
  }

  private record Run(ReplicaCluster cluster) {}

  private static Run run(long seed, boolean failures) {
    SplittableRandom random = new SplittableRandom(seed);
    ReplicaCluster cluster = new ReplicaCluster(seed);
    Map<Node, List<ServiceInstance>> registered = new HashMap<>();
    Set<ServiceInstance> unregistered = new HashSet<>();
    for (int i = 0; i < 5; i++) {
      registered.put(cluster.start("n" + i + "@h"), new ArrayList<>());
    }
    int steps = 20 + random.nextInt(30);
    for (int step = 0; step < steps; step++) {
      List<Node> live = cluster.live();
      Node node = live.get(random.nextInt(live.size()));
      int action = random.nextInt(failures ? 10 : 4);
      switch (action) {
        case 0, 1 -> registered.get(node).add(node.register(SERVICES.get(random.nextInt(SERVICES.size()))));
        case 2 -> {
          List<ServiceInstance> mine = registered.get(node);
          if (!mine.isEmpty()) {
            ServiceInstance gone = mine.remove(random.nextInt(mine.size()));
            node.unregister(gone);
            unregistered.add(gone);
          }
        }
        case 3 -> { } // time passes
        case 4 -> {
          if (live.size() > 2) {
            cluster.kill(node);
            registered.get(node).clear();
          }
        }
        case 5 -> {
          List<Node> dead = cluster.nodes().stream().filter(n -> !n.up).toList();
          if (!dead.isEmpty()) {
            cluster.restart(dead.get(random.nextInt(dead.size())));
          }
        }
        case 6 -> {
          List<Node> side = cluster.nodes().stream().filter(n -> random.nextBoolean()).toList();
          cluster.heal();
          cluster.partition(side);
        }
        case 7 -> cluster.heal();
        case 8 -> {
          double loss = random.nextDouble() * 0.5;
          SplittableRandom drops = random.split();
          cluster.filterBroadcasts((to, m) -> drops.nextDouble() >= loss);
        }
        default -> cluster.filterBroadcasts((to, m) -> true);
      }
      cluster.advance(10 + random.nextInt(random.nextInt(10) == 0 ? 20_000 : 3_000));
      checkEventsReplay(cluster, unregistered);
    }

    cluster.heal();
    cluster.filterBroadcasts((to, m) -> true);
    cluster.advance(SETTLE_MILLIS);
    checkEventsReplay(cluster, unregistered);
    for (Node n : cluster.live()) {
      for (String service : SERVICES) {
        Set<ServiceInstance> expected = new HashSet<>();
        for (Node owner : cluster.live()) {
          registered.get(owner).stream().filter(i -> i.service().equals(service)).forEach(expected::add);
        }
        assertThat(n.lookup(service)).as("%s on %s (seed %s)", service, n, seed)
            .containsExactlyInAnyOrderElementsOf(expected);
        assertThat(n.replica.lookup(service, cluster.now)).containsExactlyInAnyOrderElementsOf(expected);
      }
      int held = registered.entrySet().stream().filter(e -> e.getKey().up).mapToInt(e -> e.getValue().size()).sum();
      assertThat(n.stats().entries()).as("entries held by %s: dead nodes' are removed (seed %s)", n, seed)
          .isEqualTo(held);
    }
    return new Run(cluster);
  }

  /**
   * Per node: each instance's events alternate Registered, then Unregistered or Down, and the
   * instances whose last event is Registered are exactly the ones its snapshot shows (or holds
   * undecided). Unregistered is only ever said of an instance its owner did unregister.
   */
  private static void checkEventsReplay(ReplicaCluster cluster, Set<ServiceInstance> unregistered) {
    for (Node n : cluster.live()) {
      Set<ServiceInstance> shown = new HashSet<>();
      for (ServiceEvent e : n.events) {
        if (e instanceof ServiceEvent.Registered) {
          assertThat(shown.add(e.instance())).as("%s: Registered twice without going: %s", n, e).isTrue();
        } else {
          assertThat(shown.remove(e.instance())).as("%s: went without being registered: %s", n, e).isTrue();
          if (e instanceof ServiceEvent.Unregistered) {
            assertThat(unregistered).as("%s: %s but its owner never unregistered it", n, e).contains(e.instance());
          }
        }
      }
      Set<ServiceInstance> snapshot = new HashSet<>();
      n.snapshot.values().forEach(snapshot::addAll);
      Set<ServiceInstance> undecided = new HashSet<>(n.replica.undecided());
      assertThat(undecided).as("%s: nothing undecided is shown", n).noneMatch(snapshot::contains);
      snapshot.addAll(undecided);
      assertThat(snapshot).as("%s: events replay to the snapshot and the undecided", n).isEqualTo(shown);
      assertThat(n.replica.visibleCount()).isEqualTo(shown.size() - undecided.size());
    }
  }
}
