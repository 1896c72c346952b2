package io.barrel.p2p.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.barrel.p2p.NodeConfig;
import io.barrel.p2p.NodeName;
import io.barrel.p2p.P2pNode;
import io.barrel.p2p.identity.IncarnationStore;
import io.barrel.p2p.identity.SecretFile;
import io.barrel.p2p.membership.MembershipConfig;
import io.barrel.p2p.metrics.MeterName;
import io.barrel.p2p.testing.RecordingMetrics;
import io.barrel.p2p.testing.TestNodes;
import io.barrel.p2p.testing.UdpPartition;
import io.barrel.p2p.transport.TransportConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The registry over real QUIC on 127.0.0.1, several nodes in one JVM: replication, events on remote
 * nodes, leases removing a killed node's services from every node, restarts, partitions, late
 * joiners and concurrent registrations.
 */
class RegistryOverQuicTest {

  private static final Duration DEADLINE = Duration.ofSeconds(30);
  /** Short leases so expiry is seen in seconds; the rules are the same as with the defaults. */
  private static final LivenessConfig LEASES =
      new LivenessConfig(Duration.ofMillis(250), Duration.ofMillis(1500), Duration.ofMinutes(5));

  @TempDir
  Path dir;

  private TestNodes cluster;
  private final List<P2pNode> live = new ArrayList<>();

  @AfterEach
  void close() {
    if (cluster != null) {
      cluster.close();
    }
  }

  private static NodeConfig.Builder fast(NodeConfig.Builder b, LivenessConfig leases) {
    return b.membership(MembershipConfig.builder().shufflePeriod(Duration.ofMillis(500))
            .contactRetry(Duration.ofMillis(250)).baseBackoff(Duration.ofMillis(100))
            .maxBackoff(Duration.ofSeconds(1)).build())
        .registry(RegistryConfig.defaults().withLiveness(leases).withAntiEntropyInterval(Duration.ofSeconds(1)))
        .contactNodes("n0@127.0.0.1");
  }

  private P2pNode start(String name, UnaryOperator<NodeConfig.Builder> tweak) {
    if (cluster == null) {
      cluster = new TestNodes(dir);
    }
    P2pNode node = cluster.start(name + "@127.0.0.1", b -> tweak.apply(fast(b, LEASES)));
    live.add(node);
    return node;
  }

  private void startCluster(int n) {
    startCluster(n, LEASES);
  }

  private void startCluster(int n, LivenessConfig leases) {
    for (int i = 0; i < n; i++) {
      start("n" + i, b -> b.registry(b.build().registry().withLiveness(leases)));
    }
    await().atMost(DEADLINE).until(() -> live.stream().allMatch(p -> !p.membership().activeView().isEmpty()));
  }

  private static Set<String> allInstances(P2pNode node) {
    Set<String> seen = new java.util.HashSet<>();
    for (int s = 0; s < 7; s++) {
      seen.addAll(instancesOf(node, "svc-" + s));
    }
    return seen;
  }

  private static Set<String> instancesOf(P2pNode node, String service) {
    return node.registry().lookup(service).stream().map(i -> i.node() + "/" + i.instanceId())
        .collect(Collectors.toSet());
  }

  @Test
  void aRegistrationIsVisibleOnEveryNodeAndEveryNodeGetsOneRegisteredEvent() {
    // Leases that cannot run out during the test, however loaded the machine: this test is about
    // replication and events, and an expired lease would turn the Unregistered into a Down.
    startCluster(8, new LivenessConfig(Duration.ofSeconds(1), Duration.ofSeconds(20), Duration.ofMinutes(5)));
    Map<NodeName, List<ServiceEvent>> events = new ConcurrentHashMap<>();
    for (P2pNode node : live) {
      node.registry().subscribe(ServiceFilter.name("greeter"),
          e -> events.computeIfAbsent(node.name(), k -> new CopyOnWriteArrayList<>()).add(e));
    }
    P2pNode owner = live.get(3);
    Registration reg = owner.registry().register("greeter", ServiceMetadata.EMPTY.withVersion("1.0")).join();

    await().atMost(DEADLINE).untilAsserted(() -> {
      for (P2pNode node : live) {
        assertThat(node.registry().lookup("greeter")).as("lookup on %s", node.name()).containsExactly(reg.instance());
        assertThat(events.get(node.name())).as("events on %s", node.name())
            .containsExactly(new ServiceEvent.Registered(reg.instance()));
      }
    });
    assertThat(owner.registry().lookupLocal("greeter")).containsExactly(reg.instance());
    assertThat(live.get(0).registry().whereis("greeter").join()).contains(reg.instance());
    assertThat(live.get(0).registry().list()).containsExactly("greeter");

    reg.close();
    await().atMost(DEADLINE).untilAsserted(() -> {
      for (P2pNode node : live) {
        assertThat(node.registry().lookup("greeter")).isEmpty();
        assertThat(events.get(node.name())).containsExactly(new ServiceEvent.Registered(reg.instance()),
            new ServiceEvent.Unregistered(reg.instance()));
      }
    });
    assertThat(live.get(0).registry().whereis("greeter", 0).join()).isEmpty();
  }

  @Test
  void aMailboxHoldsItsOwnNodesEventWhenTheCallReturnsAndRemoteChangesInOrder() throws Exception {
    LivenessConfig steady = new LivenessConfig(Duration.ofSeconds(1), Duration.ofSeconds(20), Duration.ofMinutes(5));
    RecordingMetrics remoteMetrics = new RecordingMetrics();
    P2pNode owner = start("n0", b -> b.registry(b.build().registry().withLiveness(steady)));
    start("n1", b -> b.registry(b.build().registry().withLiveness(steady)));
    P2pNode remote = start("n2", b -> b.registry(b.build().registry().withLiveness(steady)).metrics(remoteMetrics));
    await().atMost(DEADLINE).until(() -> live.stream().allMatch(p -> !p.membership().activeView().isEmpty()));
    ServiceEventQueue mine = owner.registry().events(ServiceFilter.name("mailbox"), 16);
    ServiceEventQueue theirs = remote.registry().events(ServiceFilter.pattern("mail.*"), 16);
    ServiceEventQueue small = remote.registry().events(ServiceFilter.all(), 1);

    Registration reg = owner.registry().register("mailbox", ServiceMetadata.EMPTY).join();
    // Put in by the turn that registered, before the future completed: no waiting needed.
    assertThat(mine.poll()).isEqualTo(new ServiceEvent.Registered(reg.instance()));
    reg.unregister().join();
    assertThat(mine.poll()).isEqualTo(new ServiceEvent.Unregistered(reg.instance()));
    assertThat(mine.poll()).isNull();

    assertThat(theirs.poll(DEADLINE)).isEqualTo(new ServiceEvent.Registered(reg.instance()));
    assertThat(theirs.poll(DEADLINE)).isEqualTo(new ServiceEvent.Unregistered(reg.instance()));
    // The one-event mailbox kept the first change and counted the second as missed, here and in the metric.
    await().atMost(DEADLINE).until(() -> small.missed() == 1);
    assertThat(small.poll()).isEqualTo(new ServiceEvent.Registered(reg.instance()));
    assertThat(remoteMetrics.count(MeterName.REGISTRY_EVENTS_MISSED)).isEqualTo(1);

    theirs.close();
    Registration again = owner.registry().register("mailbox", ServiceMetadata.EMPTY).join();
    await().atMost(DEADLINE).until(() -> remote.registry().lookup("mailbox").size() == 1);
    assertThat(theirs.poll()).as("a closed mailbox gets nothing more").isNull();
    assertThat(small.poll()).isEqualTo(new ServiceEvent.Registered(again.instance()));

    owner.registry().close();
    assertThat(mine.isClosed()).as("closing the registry closes its mailboxes").isTrue();
    assertThat(mine.poll(Duration.ofMinutes(1))).as("a closed, empty mailbox answers at once")
        .isEqualTo(new ServiceEvent.Registered(again.instance()));
    assertThat(mine.poll(Duration.ofMinutes(1))).isNull();
    assertThatThrownBy(() -> owner.registry().events(ServiceFilter.all(), 4)).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void aKilledNodesServicesDisappearFromEveryNodeWithinTheLeaseAndEveryNodeReportsThemDown() {
    startCluster(8);
    P2pNode victim = live.get(5);
    Registration reg = victim.registry().register("billing", ServiceMetadata.EMPTY).join();
    await().atMost(DEADLINE).until(() -> live.stream().allMatch(n -> n.registry().lookup("billing").size() == 1));
    Map<NodeName, List<ServiceEvent>> events = new ConcurrentHashMap<>();
    for (P2pNode node : live) {
      node.registry().subscribe(ServiceFilter.pattern("bill.*"),
          e -> events.computeIfAbsent(node.name(), k -> new CopyOnWriteArrayList<>()).add(e));
    }

    long killedAt = System.nanoTime();
    victim.halt();
    live.remove(victim);

    await().atMost(DEADLINE).untilAsserted(() -> {
      for (P2pNode node : live) {
        assertThat(node.registry().lookup("billing")).as("lookup on %s", node.name()).isEmpty();
        assertThat(events.get(node.name())).as("events on %s", node.name())
            .containsExactly(new ServiceEvent.Down(reg.instance(), "lease-expired"));
      }
    });
    Duration took = Duration.ofNanos(System.nanoTime() - killedAt);
    assertThat(took).as("gone everywhere within lease expiry + a few seconds").isLessThan(Duration.ofSeconds(10));
    // And the entries are removed from the replicas, not only hidden.
    await().atMost(DEADLINE).untilAsserted(() -> {
      for (P2pNode node : live) {
        assertThat(node.registry().stats().join().entries()).as("entries held by %s", node.name()).isZero();
      }
    });
  }

  @Test
  void aRestartedNodeReplacesItsOldRegistrationsAtOnce() {
    // Leases far longer than the test: only the restart can make the old entry go.
    LivenessConfig longLeases = new LivenessConfig(Duration.ofSeconds(10), Duration.ofMinutes(2), Duration.ofHours(1));
    cluster = new TestNodes(dir);
    for (int i = 0; i < 5; i++) {
      live.add(cluster.start("n" + i + "@127.0.0.1", b -> fast(b, longLeases)));
    }
    P2pNode old = live.get(4);
    ServiceInstance before = old.registry().register("search", ServiceMetadata.EMPTY).join().instance();
    await().atMost(DEADLINE).until(() -> live.stream().allMatch(n -> n.registry().lookup("search").size() == 1));

    ServiceInstance after = restartAndRegister(old, longLeases);
    assertThat(after.incarnation()).isGreaterThan(before.incarnation());

    awaitEveryNodeListsOnly(after);
  }

  /** Crashes {@code old} (n4), starts it again on its data directory and registers "search" there. */
  private ServiceInstance restartAndRegister(P2pNode old, LivenessConfig leases) {
    old.halt();
    live.remove(old);
    P2pNode reborn = cluster.start("n4@127.0.0.1", b -> fast(b, leases));
    live.add(reborn);
    return reborn.registry().register("search", ServiceMetadata.EMPTY).join().instance();
  }

  private void awaitEveryNodeListsOnly(ServiceInstance instance) {
    await().atMost(DEADLINE).untilAsserted(() -> {
      for (P2pNode node : live) {
        assertThat(node.registry().lookup("search")).as("lookup on %s", node.name()).containsExactly(instance);
      }
    });
  }

  @Test
  void aNodeRestartedWithItsClockBehindItsLastLifeStillReplacesIt() throws Exception {
    // n4's last life is recorded an hour ahead of the clock, as after a start with a clock an hour
    // fast that a time sync then set back: each restart must still be seen as a later life.
    LivenessConfig longLeases = new LivenessConfig(Duration.ofSeconds(10), Duration.ofMinutes(2), Duration.ofHours(1));
    cluster = new TestNodes(dir);
    long ahead = System.currentTimeMillis() + Duration.ofHours(1).toMillis();
    SecretFile.write(cluster.dataDirectory("n4@127.0.0.1").resolve("keys").resolve(IncarnationStore.FILE),
        (ahead + "\n").getBytes(StandardCharsets.US_ASCII));
    for (int i = 0; i < 5; i++) {
      live.add(cluster.start("n" + i + "@127.0.0.1", b -> fast(b, longLeases)));
    }
    P2pNode old = live.get(4);
    ServiceInstance before = old.registry().register("search", ServiceMetadata.EMPTY).join().instance();
    assertThat(before.incarnation()).isEqualTo(ahead + 1).isEqualTo(old.transport().incarnation());
    await().atMost(DEADLINE).until(() -> live.stream().allMatch(n -> n.registry().lookup("search").size() == 1));

    ServiceInstance after = restartAndRegister(old, longLeases);
    assertThat(after.incarnation()).isEqualTo(ahead + 2).isEqualTo(live.get(4).transport().incarnation());

    awaitEveryNodeListsOnly(after);
  }

  @Test
  void aLateJoinerGetsTheWholeRegistryAndFiftyConcurrentRegistrationsAreAllListed() {
    startCluster(6);
    List<CompletableFuture<Registration>> regs = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      P2pNode node = live.get(i % live.size());
      String service = "svc-" + (i % 7);
      regs.add(CompletableFuture.supplyAsync(() -> node.registry().register(service, ServiceMetadata.EMPTY).join()));
    }
    Set<String> expected = regs.stream().map(CompletableFuture::join)
        .map(r -> r.instance().node() + "/" + r.instance().instanceId()).collect(Collectors.toSet());
    assertThat(expected).hasSize(50);

    await().atMost(DEADLINE).untilAsserted(() -> {
      for (P2pNode node : live) {
        assertThat(allInstances(node)).as("instances seen by %s", node.name()).isEqualTo(expected);
        assertThat(node.registry().synced()).as("%s synced", node.name()).isTrue();
      }
    });

    P2pNode late = start("late", b -> b);
    // Synced means a neighbour answered its digest, after the chunks that answer carries: every
    // neighbour held all 50, so the late joiner does from that moment, without waiting further.
    await().atMost(DEADLINE).until(() -> late.registry().synced());
    assertThat(allInstances(late)).isEqualTo(expected);
    assertThat(late.registry().list()).hasSize(7);
  }

  @Test
  void afterAPartitionHealsEveryNodeSeesTheUnionOfBothHalves() {
    UdpPartition network = new UdpPartition();
    try {
      for (int i = 0; i < 6; i++) {
        start("n" + i, b -> b.transport(TransportConfig.defaults().withBind("127.0.0.1", 0)
            .withIdleTimeout(Duration.ofSeconds(2), Duration.ofMillis(500))));
      }
      live.forEach(n -> network.attach(n.name(), n.listenAddress()));
      live.forEach(n -> cluster.addressBook().override(n.name(), network.addressOf(n.name())));
      network.rerouteAll(live);
      ServiceInstance shared = live.get(0).registry().register("before", ServiceMetadata.EMPTY).join().instance();
      await().atMost(DEADLINE).until(() -> live.stream().allMatch(n -> n.registry().lookup("before").size() == 1));

      Set<NodeName> left = live.subList(0, 3).stream().map(P2pNode::name).collect(Collectors.toSet());
      network.split(left);
      ServiceInstance onLeft = live.get(1).registry().register("left", ServiceMetadata.EMPTY).join().instance();
      ServiceInstance onRight = live.get(4).registry().register("right", ServiceMetadata.EMPTY).join().instance();
      // Each half sees its own side only: the other side's leases expire across the cut.
      await().atMost(DEADLINE).untilAsserted(() -> {
        for (P2pNode node : live.subList(3, 6)) {
          assertThat(node.registry().lookup("before")).isEmpty();
          assertThat(node.registry().lookup("left")).isEmpty();
          assertThat(node.registry().lookup("right")).containsExactly(onRight);
        }
        for (P2pNode node : live.subList(0, 3)) {
          assertThat(node.registry().lookup("right")).isEmpty();
          assertThat(node.registry().lookup("left")).containsExactly(onLeft);
        }
      });

      network.heal();
      await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
        for (P2pNode node : live) {
          assertThat(node.registry().lookup("before")).as("before on %s", node.name()).containsExactly(shared);
          assertThat(node.registry().lookup("left")).as("left on %s", node.name()).containsExactly(onLeft);
          assertThat(node.registry().lookup("right")).as("right on %s", node.name()).containsExactly(onRight);
        }
      });
    } finally {
      network.close();
    }
  }
}
