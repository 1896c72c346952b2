package io.barrel.p2p;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.barrel.p2p.membership.DownReason;
import io.barrel.p2p.membership.MembershipEvent;
import io.barrel.p2p.registry.ServiceEvent;
import io.barrel.p2p.registry.ServiceFilter;
import io.barrel.p2p.registry.ServiceInstance;
import io.barrel.p2p.registry.ServiceMetadata;
import io.barrel.p2p.rpc.CallOptions;
import io.barrel.p2p.rpc.CallPolicy;
import io.barrel.p2p.rpc.LoadBalancer;
import io.barrel.p2p.testing.MemberProcess;
import io.barrel.p2p.testing.NodeProbe;
import io.barrel.p2p.transport.ConnectionInfo;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Members that really die: a node in a JVM of its own ({@link MemberProcess}) is killed with
 * SIGKILL while nodes in this JVM watch. Nothing announces the death (no CONNECTION_CLOSE, no
 * DISCONNECT, no unregistration), so the survivors must find out by themselves: QUIC's idle timeout
 * ends the links, leases end the registrations, and calls find the instance that is left. A member
 * restarted on its data directory comes back with the same identity, which the pins of the others
 * accept, and its new registration replaces its old life.
 */
class MemberProcessDeathTest {

  private static final Duration DEADLINE = Duration.ofSeconds(30);
  private static final String CONTACT = "a@127.0.0.1";
  private static final String PROBE = NodeProbe.class.getName();
  /** A dead peer's connection is given up within 3 s: how survivors learn of a death they were not told of. */
  private static final Duration SHORT_IDLE = Duration.ofSeconds(3);
  /** Longer than any wait of these tests: nothing may depend on a dead connection timing out. */
  private static final Duration LONG_IDLE = Duration.ofMinutes(2);

  @TempDir
  Path dir;

  private final List<P2pNode> nodes = new ArrayList<>();
  private final List<MemberProcess> members = new ArrayList<>();

  @AfterEach
  void close() {
    try {
      for (MemberProcess member : members) {
        member.close();
      }
    } finally {
      nodes.forEach(P2pNode::close);
    }
  }

  private P2pNode node(String name, Duration idleTimeout) {
    P2pNode node = new P2pNode(MemberProcess.config(dir, name, CONTACT, idleTimeout).build()).start();
    nodes.add(node);
    return node;
  }

  private MemberProcess member(String name, Duration idleTimeout) {
    MemberProcess member = MemberProcess.start(dir, name, CONTACT, idleTimeout);
    members.add(member);
    return member;
  }

  /** What each of {@code nodes} hears from its registry about the member service, from now on. */
  private static Map<NodeName, List<ServiceEvent>> serviceEventsOn(List<P2pNode> nodes) {
    Map<NodeName, List<ServiceEvent>> events = new ConcurrentHashMap<>();
    for (P2pNode n : nodes) {
      List<ServiceEvent> heard = new CopyOnWriteArrayList<>();
      events.put(n.name(), heard);
      n.registry().subscribe(ServiceFilter.name(MemberProcess.SERVICE), heard::add);
    }
    return events;
  }

  /** What each of {@code nodes} hears from its membership, from now on. */
  private static Map<NodeName, List<MembershipEvent>> peerEventsOn(List<P2pNode> nodes) {
    Map<NodeName, List<MembershipEvent>> events = new ConcurrentHashMap<>();
    for (P2pNode n : nodes) {
      List<MembershipEvent> heard = new CopyOnWriteArrayList<>();
      events.put(n.name(), heard);
      n.membership().subscribe(heard::add);
    }
    return events;
  }

  private static Set<NodeName> registeredAt(P2pNode node) {
    Set<NodeName> at = new HashSet<>();
    node.registry().lookup(MemberProcess.SERVICE).forEach(i -> at.add(i.node()));
    return at;
  }

  @Test
  void aKilledMembersLinksFailItsServicesGoDownEverywhereAndCallsGoToTheSurvivor() {
    P2pNode a = node(CONTACT, SHORT_IDLE);
    P2pNode b = node("b@127.0.0.1", SHORT_IDLE);
    P2pNode c = node("c@127.0.0.1", SHORT_IDLE);
    List<P2pNode> survivors = List.of(a, b, c);
    b.publish(NodeProbe.class, () -> "b@127.0.0.1");
    b.registry().register(MemberProcess.SERVICE, ServiceMetadata.EMPTY).join();
    MemberProcess p = member("p@127.0.0.1", SHORT_IDLE);
    NodeName pName = NodeName.of(p.name());

    // Four nodes, active views of five: once settled, every node is every other's neighbour.
    await().atMost(DEADLINE).untilAsserted(() -> {
      for (P2pNode n : survivors) {
        assertThat(registeredAt(n)).as("registered, seen from %s", n.name()).containsExactlyInAnyOrder(b.name(), pName);
        assertThat(n.membership().activeView()).as("active view of %s", n.name()).contains(pName);
      }
      assertThat(a.services().instances(PROBE)).hasSize(2);
    });
    ServiceInstance pInstance = a.registry().lookup(MemberProcess.SERVICE).stream()
        .filter(i -> i.node().equals(pName)).findFirst().orElseThrow();
    Map<NodeName, List<ServiceEvent>> serviceEvents = serviceEventsOn(survivors);
    Map<NodeName, List<MembershipEvent>> peerEvents = peerEventsOn(survivors);
    NodeProbe probe = a.services().proxy(NodeProbe.class, CallOptions.defaults().withBalancer(LoadBalancer.roundRobin()));
    Set<String> served = new HashSet<>();
    for (int i = 0; i < 10; i++) {
      served.add(probe.whoAmI());
    }
    assertThat(served).as("calls before the kill reach the member process too").containsExactlyInAnyOrder(
        "b@127.0.0.1", p.name());

    p.kill();

    await().atMost(DEADLINE).untilAsserted(() -> {
      for (P2pNode n : survivors) {
        assertThat(registeredAt(n)).as("registered, seen from %s", n.name()).containsExactly(b.name());
        assertThat(serviceEvents.get(n.name())).as("registry events about p on %s", n.name())
            .filteredOn(e -> e.instance().node().equals(pName))
            .containsExactly(new ServiceEvent.Down(pInstance, "lease-expired"));
        assertThat(n.membership().activeView()).as("active view of %s", n.name()).doesNotContain(pName);
        assertThat(peerEvents.get(n.name())).as("membership events on %s", n.name())
            .contains(new MembershipEvent.PeerDown(pName, DownReason.FAILED));
      }
      assertThat(a.services().instances(PROBE)).hasSize(1);
    });
    for (int i = 0; i < 20; i++) {
      assertThat(probe.whoAmI()).as("call %d after the kill", i).isEqualTo("b@127.0.0.1");
    }
    // The overlay without the dead member still carries a broadcast to every survivor.
    Set<NodeName> delivered = ConcurrentHashMap.newKeySet();
    for (P2pNode n : List.of(a, b)) {
      n.subscribe("after-kill", d -> delivered.add(n.name()));
    }
    c.broadcast("after-kill", "x".getBytes(StandardCharsets.UTF_8)).join();
    await().atMost(DEADLINE).until(() -> delivered.equals(Set.of(a.name(), b.name())));
  }

  @Test
  void aMemberRestartedRightAfterItsKillIsReachedAgainFromEveryNodeBeforeItsOldConnectionsTimeOut() {
    P2pNode a = node(CONTACT, LONG_IDLE);
    P2pNode b = node("b@127.0.0.1", LONG_IDLE);
    List<P2pNode> survivors = List.of(a, b);
    MemberProcess first = member("p@127.0.0.1", LONG_IDLE);
    NodeName pName = NodeName.of(first.name());
    await().atMost(DEADLINE).untilAsserted(() -> {
      for (P2pNode n : survivors) {
        assertThat(registeredAt(n)).as("registered, seen from %s", n.name()).containsExactly(pName);
        assertThat(n.membership().activeView()).as("active view of %s", n.name()).contains(pName);
      }
    });
    ServiceInstance oldLife = a.registry().lookup(MemberProcess.SERVICE).get(0);
    // Short deadlines, so a call sent down a dead connection fails fast and the next one is tried.
    CallOptions quick = CallOptions.defaults().withPolicy(CallPolicy.defaults().withDeadline(Duration.ofSeconds(2)));
    Map<NodeName, NodeProbe> probes = new ConcurrentHashMap<>();
    for (P2pNode n : survivors) {
      probes.put(n.name(), n.services().proxy(NodeProbe.class, quick));
      assertThat(probes.get(n.name()).whoAmI()).isEqualTo(first.name());
    }
    // p joined through a, so it dialed a; b, told of p by a's FORWARD_JOIN, dialed p. Whoever
    // dialed, the connection a survivor holds to the dead process must give way to the new one.
    assertThat(survivors).as("a survivor holds a connection it dialed to p (the case where the tie-break of "
        + "simultaneous dials would keep it)").anySatisfy(n -> assertThat(connectionTo(n, pName).outbound()).isTrue());
    Map<NodeName, List<MembershipEvent>> peerEvents = peerEventsOn(survivors);

    // Restarted at once, as a supervisor would: the survivors still hold the dead process's
    // connections, whose idle timeout is far off, when the new process dials them.
    first.kill();
    MemberProcess second = member("p@127.0.0.1", LONG_IDLE);

    assertThat(second.fingerprint()).as("the identity is read back from the data directory")
        .isEqualTo(first.fingerprint())
        .isEqualTo(a.trustStore().lookup(pName).orElseThrow().fingerprint().toString());
    await().atMost(DEADLINE).untilAsserted(() -> {
      for (P2pNode n : survivors) {
        assertThat(connectionTo(n, pName).remoteAddress().getPort()).as("port of %s's connection to p", n.name())
            .isEqualTo(second.port());
        List<ServiceInstance> instances = n.registry().lookup(MemberProcess.SERVICE);
        assertThat(instances).as("registrations seen from %s", n.name()).hasSize(1);
        assertThat(instances.get(0).incarnation()).as("the new life on %s", n.name())
            .isGreaterThan(oldLife.incarnation());
        // The old life is reported gone, and the new one linked to again.
        assertThat(peerEvents.get(n.name())).as("membership events about p on %s", n.name())
            .filteredOn(e -> e.peer().equals(pName))
            .startsWith(new MembershipEvent.PeerDown(pName, DownReason.FAILED));
        assertThat(n.membership().activeView()).as("active view of %s", n.name()).contains(pName);
        assertThat(probes.get(n.name()).whoAmI()).as("call from %s", n.name()).isEqualTo(second.name());
      }
    });
  }

  private static ConnectionInfo connectionTo(P2pNode node, NodeName peer) {
    return node.connections().stream().filter(c -> c.peer().equals(peer)).findFirst()
        .orElseThrow(() -> new AssertionError(node.name() + " holds no connection to " + peer));
  }

  @Test
  void aMemberStoppedGracefullyIsReportedLeavingAndUnregisteredNotDown() {
    P2pNode a = node(CONTACT, SHORT_IDLE);
    P2pNode b = node("b@127.0.0.1", SHORT_IDLE);
    MemberProcess p = member("p@127.0.0.1", SHORT_IDLE);
    NodeName pName = NodeName.of(p.name());
    await().atMost(DEADLINE).untilAsserted(() -> {
      for (P2pNode n : List.of(a, b)) {
        assertThat(registeredAt(n)).containsExactly(pName);
        assertThat(n.membership().activeView()).contains(pName);
      }
    });
    ServiceInstance instance = a.registry().lookup(MemberProcess.SERVICE).get(0);
    Map<NodeName, List<ServiceEvent>> serviceEvents = serviceEventsOn(List.of(a, b));
    Map<NodeName, List<MembershipEvent>> peerEvents = peerEventsOn(List.of(a, b));

    assertThat(p.stop()).as("exit code of a graceful stop").isZero();

    await().atMost(DEADLINE).untilAsserted(() -> {
      for (P2pNode n : List.of(a, b)) {
        assertThat(registeredAt(n)).isEmpty();
        assertThat(serviceEvents.get(n.name())).as("registry events on %s", n.name())
            .containsExactly(new ServiceEvent.Unregistered(instance));
        assertThat(peerEvents.get(n.name())).as("membership events about p on %s", n.name())
            .filteredOn(e -> e.peer().equals(pName))
            .containsExactly(new MembershipEvent.PeerDown(pName, DownReason.GRACEFUL));
      }
    });
  }
}
