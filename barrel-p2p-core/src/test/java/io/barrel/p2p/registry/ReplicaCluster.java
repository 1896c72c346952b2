package io.barrel.p2p.registry;

import io.barrel.p2p.NodeName;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.BiPredicate;

/**
 * Several {@link RegistryReplica}s wired together in virtual time, for the pure tests: broadcasts
 * reach every other live node one latency later (Plumtree's job, simplified), sends reach their
 * peer, timers fire on the virtual clock, and each node's events and lookup snapshot are recorded
 * exactly as the driver would keep them. A link filter cuts pairs of nodes (partitions, withheld
 * deltas); what a cut drops is lost, as on a broken connection.
 */
final class ReplicaCluster {

  static final long WALL_EPOCH = 1_700_000_000_000L;
  static final LivenessConfig LEASES =
      new LivenessConfig(Duration.ofMillis(2_000), Duration.ofMillis(8_000), Duration.ofMillis(60_000));
  static final RegistryConfig CONFIG = RegistryConfig.defaults().withLiveness(LEASES)
      .withAntiEntropyInterval(Duration.ofSeconds(30));

  /** One node as its driver would see it. */
  final class Node {
    final NodeName name;
    RegistryReplica replica;
    boolean up = true;
    final List<ServiceEvent> events = new ArrayList<>();
    final List<RegistryEffect> notices = new ArrayList<>();
    final List<RegistryMessage> received = new ArrayList<>();
    final Map<Long, java.util.Optional<ServiceInstance>> searches = new HashMap<>();
    final List<RegistryMessage> broadcasts = new ArrayList<>();
    final Map<String, List<ServiceInstance>> snapshot = new HashMap<>();
    final Map<NodeName, Long> deadlines = new HashMap<>();

    Node(NodeName name) {
      this.name = name;
    }

    /** Starts an overlay search here; returns its number (its end lands in {@link #searches}). */
    long search(String service) {
      RegistryReplica.SearchStart start = replica.search(service, now);
      apply(this, start.effects());
      return start.search();
    }

    /** Registers {@code service} here; returns the instance. */
    ServiceInstance register(String service) {
      ServiceInstance instance = replica.newInstance(service, ServiceMetadata.EMPTY);
      apply(this, replica.register(instance, now));
      return instance;
    }

    void unregister(ServiceInstance instance) {
      apply(this, replica.unregister(instance, now));
    }

    /** What a lookup on another thread sees now: the snapshot filtered by the lease deadlines. */
    List<ServiceInstance> lookup(String service) {
      List<ServiceInstance> out = new ArrayList<>();
      List<ServiceInstance> others = new ArrayList<>();
      for (ServiceInstance i : snapshot.getOrDefault(service, List.of())) {
        if (i.node().equals(name)) {
          out.add(i);
        } else if (deadlines.getOrDefault(i.node(), Long.MIN_VALUE) >= now) {
          others.add(i);
        }
      }
      out.addAll(others);
      return out;
    }

    RegistryStats stats() {
      return replica.stats();
    }

    @Override
    public String toString() {
      return name.toString();
    }
  }

  private record Pending(long at, long seq, Node node, RegistryReplica life, Runnable action) {}

  private final Map<NodeName, Node> nodes = new LinkedHashMap<>();
  private final PriorityQueue<Pending> queue = new PriorityQueue<>((a, b) -> a.at != b.at
      ? Long.compare(a.at, b.at) : Long.compare(a.seq, b.seq));
  private final SplittableRandom random;
  private final Set<Set<NodeName>> cut = new HashSet<>();
  private BroadcastFilter broadcastFilter = (from, to, m) -> true;
  private long seq;
  long now;
  long latency = 5;

  private final RegistryConfig config;

  ReplicaCluster(long seed) {
    this(seed, CONFIG);
  }

  ReplicaCluster(long seed, RegistryConfig config) {
    this.random = new SplittableRandom(seed);
    this.config = config;
  }

  /** Starts a node; every node started so far becomes its neighbour. */
  Node start(String name) {
    Node node = startAlone(name);
    for (Node other : nodes.values()) {
      if (other != node && other.up) {
        link(node, other);
      }
    }
    return node;
  }

  /** Starts a node with no neighbour: {@link #link} it by hand. */
  Node startAlone(String name) {
    Node node = new Node(NodeName.of(name));
    nodes.put(node.name, node);
    boot(node);
    return node;
  }

  private void boot(Node node) {
    long incarnation = WALL_EPOCH + now;
    node.replica = new RegistryReplica(node.name, incarnation, config, () -> WALL_EPOCH + now, random.split());
    node.up = true;
    apply(node, node.replica.start(now));
  }

  /** Both become neighbours of each other (a PeerUp on each side). */
  void link(Node a, Node b) {
    apply(a, a.replica.onNeighbourUp(b.name, now));
    apply(b, b.replica.onNeighbourUp(a.name, now));
  }

  /** The node stops at once: no more timers, nothing reaches it, nothing leaves it. */
  void kill(Node node) {
    node.up = false;
    for (Node other : nodes.values()) {
      if (other != node && other.up) {
        apply(other, other.replica.onNeighbourDown(node.name, now));
      }
    }
  }

  /** The node starts again with an empty replica and a new incarnation; events and snapshot restart. */
  void restart(Node node) {
    node.events.clear();
    node.snapshot.clear();
    node.deadlines.clear();
    boot(node);
    for (Node other : nodes.values()) {
      if (other != node && other.up) {
        link(node, other);
      }
    }
  }

  /** Cuts every path between the two groups, as a partition does. */
  void partition(List<Node> side) {
    for (Node a : side) {
      for (Node b : nodes.values()) {
        if (!side.contains(b)) {
          cut.add(Set.of(a.name, b.name));
        }
      }
    }
  }

  /** Heals every cut; the nodes that can reach each other again exchange digests (PeerUp). */
  void heal() {
    // In a fixed order: Set.of iterates in an order that changes from one JVM to the next.
    List<List<NodeName>> healed = new ArrayList<>();
    for (Set<NodeName> pair : cut) {
      List<NodeName> two = new ArrayList<>(pair);
      two.sort(null);
      healed.add(two);
    }
    healed.sort((x, y) -> x.get(0).equals(y.get(0)) ? x.get(1).compareTo(y.get(1)) : x.get(0).compareTo(y.get(0)));
    cut.clear();
    for (List<NodeName> two : healed) {
      Node a = nodes.get(two.get(0));
      Node b = nodes.get(two.get(1));
      if (a.up && b.up) {
        link(a, b);
      }
    }
  }

  /** Which broadcasts arrive. */
  interface BroadcastFilter {
    boolean passes(Node from, Node to, RegistryMessage message);
  }

  /** Only broadcasts the filter lets through are delivered (the others are lost). */
  void filterBroadcasts(BroadcastFilter filter) {
    this.broadcastFilter = filter;
  }

  /** Only broadcasts the filter lets through are delivered, whoever sent them. */
  void filterBroadcasts(BiPredicate<Node, RegistryMessage> filter) {
    this.broadcastFilter = (from, to, m) -> filter.test(to, m);
  }

  boolean linked(Node a, Node b) {
    return a.up && b.up && !cut.contains(Set.of(a.name, b.name));
  }

  Node node(String name) {
    return nodes.get(NodeName.of(name));
  }

  List<Node> nodes() {
    return List.copyOf(nodes.values());
  }

  List<Node> live() {
    return nodes.values().stream().filter(n -> n.up).toList();
  }

  /** Runs everything due in the next {@code millis}. */
  void advance(long millis) {
    long until = now + millis;
    while (!queue.isEmpty() && queue.peek().at <= until) {
      Pending p = queue.poll();
      now = Math.max(now, p.at);
      if (p.node.up && p.node.replica == p.life) {
        p.action.run();
      }
    }
    now = until;
  }

  void apply(Node node, List<RegistryEffect> effects) {
    for (RegistryEffect effect : effects) {
      if (effect instanceof RegistryEffect.Broadcast b) {
        node.broadcasts.add(b.message());
        byte[] bytes = RegistryMessage.encode(b.message());
        for (Node to : nodes.values()) {
          if (to != node && linked(node, to) && broadcastFilter.passes(node, to, b.message())) {
            later(latency, to, () -> apply(to, to.replica.onBroadcast(node.name, bytes, now)));
          }
        }
      } else if (effect instanceof RegistryEffect.Send send) {
        Node to = nodes.get(send.peer());
        byte[] bytes = RegistryMessage.encode(send.message());
        if (linked(node, to)) {
          later(latency, to, () -> {
            to.received.add(send.message());
            apply(to, to.replica.onControl(node.name, bytes, now));
          });
        }
      } else if (effect instanceof RegistryEffect.Schedule s) {
        later(s.delay().toMillis(), node, () -> apply(node, node.replica.onTimer(s.timer(), now)));
      } else if (effect instanceof RegistryEffect.Emit emit) {
        node.events.add(emit.event());
      } else if (effect instanceof RegistryEffect.SearchDone done) {
        node.searches.put(done.search(), done.instance());
      } else if (effect instanceof RegistryEffect.Visible v) {
        if (v.instances().isEmpty()) {
          node.snapshot.remove(v.service());
        } else {
          node.snapshot.put(v.service(), v.instances());
        }
      } else if (effect instanceof RegistryEffect.LeaseDeadline d) {
        if (d.deadlineMillis() == Long.MIN_VALUE) {
          node.deadlines.remove(d.node());
        } else {
          node.deadlines.put(d.node(), d.deadlineMillis());
        }
      } else {
        node.notices.add(effect);
      }
    }
  }

  private void later(long delay, Node node, Runnable action) {
    queue.add(new Pending(now + delay, seq++, node, node.replica, action));
  }
}
