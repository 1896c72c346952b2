package io.barrel.p2p.membership;

import io.barrel.p2p.NodeName;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Supplier;

/**
 * A deterministic pump that runs many {@link HyParView} nodes in one thread: effects become
 * deliveries on per-pair FIFO channels (a connection's control stream keeps order), delivered in a
 * seeded random order across pairs; Connect is answered from the harness's reachability (alive,
 * same side of a partition); timers fire in virtual time. After every delivery it checks the
 * invariants that must hold at all times, and {@link #assertQuiescentInvariants()} checks the strict
 * ones once nothing is in flight.
 */
final class InMemoryOverlay {

  /** Something waiting to happen at a node, concerning one peer. */
  private sealed interface Item permits Message, Connected, ConnectFailed, Closed {}

  private record Message(MembershipMessage message) implements Item {
    @Override
    public String toString() {
      return message.toString();
    }
  }

  private record Connected() implements Item {}

  private record ConnectFailed() implements Item {}

  private record Closed() implements Item {}

  /** An open connection, named by its two ends in name order. */
  private record Connection(NodeName low, NodeName high) {}

  private record Armed(long at, long seq, NodeName node, MembershipTimer timer) {}

  private final MembershipConfig config;
  private final SplittableRandom random;
  private final Map<NodeName, HyParView> nodes = new LinkedHashMap<>();
  private final Map<NodeName, Set<NodeName>> viewFromEvents = new HashMap<>();
  private final Set<NodeName> alive = new LinkedHashSet<>();
  private final Map<NodeName, Integer> side = new HashMap<>();
  private final Channels<Item> channels = new Channels<>();
  private final Set<Connection> connections = new HashSet<>();
  private final PriorityQueue<Armed> timers = new PriorityQueue<>(
      (a, b) -> a.at != b.at ? Long.compare(a.at, b.at) : Long.compare(a.seq, b.seq));
  private final List<String> eventLog = new ArrayList<>();
  private final Map<String, Integer> sentByType = new HashMap<>();
  private final PairHistory history = new PairHistory();
  private long seq;
  private long now = 1_000;
  private double timerInterleaving;
  private boolean checkEveryStep = true;
  private long deliveries;

  InMemoryOverlay(MembershipConfig config, long seed) {
    this.config = config;
    this.random = new SplittableRandom(seed);
  }

  static NodeName name(int i) {
    return NodeName.of("n" + i + "@h" + (i % 7));
  }

  /** Probability, per delivery, that the next timer fires first (messages "slower" than timers). */
  InMemoryOverlay timerInterleaving(double probability) {
    this.timerInterleaving = probability;
    return this;
  }

  InMemoryOverlay checkEveryStep(boolean check) {
    this.checkEveryStep = check;
    return this;
  }

  // ------------------------------------------------------------------ scenario operations

  HyParView add(NodeName name) {
    HyParView node = new HyParView(name, config, random.split());
    nodes.put(name, node);
    alive.add(name);
    side.put(name, 0);
    viewFromEvents.put(name, new LinkedHashSet<>());
    return node;
  }

  void join(NodeName name, Collection<NodeName> contacts) {
    Set<NodeName> before = node(name).activeView();
    apply(name, node(name).join(contacts, now));
    checkAround(name, name, before);
  }

  void leave(NodeName name) {
    Set<NodeName> before = node(name).activeView();
    apply(name, node(name).leave(now));
    checkAround(name, name, before);
  }

  /** The node dies at once: its connections close, everything in flight to or from it is lost. */
  void crash(NodeName name) {
    alive.remove(name);
    for (Connection c : new ArrayList<>(connections)) {
      if (c.low.equals(name) || c.high.equals(name)) {
        close(c.low, c.high);
      }
    }
    assertStepInvariants();
  }

  /** Cuts {@code oneSide} off from everybody else: connections across close, dials across fail. */
  void partition(Collection<NodeName> oneSide) {
    for (NodeName n : nodes.keySet()) {
      side.put(n, oneSide.contains(n) ? 1 : 0);
    }
    for (Connection c : new ArrayList<>(connections)) {
      if (!side.get(c.low).equals(side.get(c.high))) {
        close(c.low, c.high);
      }
    }
    assertStepInvariants();
  }

  void heal() {
    side.replaceAll((n, s) -> 0);
  }

  /** Delivers until nothing is in flight; time does not move. */
  void settle() {
    long limit = deliveries + 1_000_000;
    while (!channels.isEmpty()) {
      deliverOne();
      if (deliveries > limit) {
        throw new AssertionError("no quiescence after 1,000,000 deliveries: the protocol is looping");
      }
    }
  }

  /** Runs for {@code duration} of virtual time: timers fire in order, messages settle in between. */
  void advance(Duration duration) {
    long until = now + duration.toMillis();
    while (true) {
      long limit = deliveries + 1_000_000;
      while (!channels.isEmpty()) {
        if (deliveries > limit) {
          throw new AssertionError("no quiescence after 1,000,000 deliveries at t=" + now + ": the protocol is looping");
        }
        if (timerInterleaving > 0 && random.nextDouble() < timerInterleaving && dueBefore(until)) {
          fireNextTimer();
        } else {
          deliverOne();
        }
      }
      if (!dueBefore(until)) {
        break;
      }
      fireNextTimer();
    }
    now = until;
  }

  private boolean dueBefore(long until) {
    return !timers.isEmpty() && timers.peek().at <= until;
  }

  private void fireNextTimer() {
    Armed armed = timers.poll();
    now = Math.max(now, armed.at);
    if (alive.contains(armed.node)) {
      Set<NodeName> before = node(armed.node).activeView();
      apply(armed.node, node(armed.node).onTimer(armed.timer, now));
      checkAround(armed.node, armed.node, before);
    }
  }

  // ------------------------------------------------------------------ the pump

  private void deliverOne() {
    Channels.Delivery<Item> link = channels.takeRandom(random);
    Item item = link.item();
    deliveries++;
    NodeName to = link.to();
    NodeName from = link.from();
    Set<NodeName> before = alive.contains(to) ? node(to).activeView() : Set.of();
    history.add(from, to, new PairHistory.Line(now, to, "gets", item, from));
    if (alive.contains(to)) {
      HyParView at = node(to);
      List<MembershipEffect> effects;
      if (item instanceof Message m) {
        effects = at.onMessage(from, m.message, now);
      } else if (item instanceof Connected) {
        effects = at.onConnected(from, now);
      } else if (item instanceof ConnectFailed) {
        effects = at.onConnectFailed(from, now);
      } else if (item instanceof Closed) {
        effects = at.onConnectionClosed(from, now);
      } else {
        throw new AssertionError(item);
      }
      apply(to, effects);
    }
    checkAround(to, from, before);
  }

  /**
   * Checks every node whose invariants one input can have changed: the node that handled it, the
   * peer the delivery came from (their channel may have drained), and the node's neighbours before
   * and after (their links to it may have become one-sided). Any other pair is untouched.
   */
  private void checkAround(NodeName at, NodeName from, Set<NodeName> activeBefore) {
    if (!checkEveryStep) {
      return;
    }
    Set<NodeName> touched = new LinkedHashSet<>(activeBefore);
    touched.add(at);
    touched.add(from);
    if (alive.contains(at)) {
      touched.addAll(node(at).activeView());
    }
    for (NodeName n : touched) {
      if (alive.contains(n)) {
        assertNodeInvariants(n);
      }
    }
  }

  private void apply(NodeName at, List<MembershipEffect> effects) {
    for (MembershipEffect effect : effects) {
      if (effect instanceof MembershipEffect.Send send) {
        history.add(at, send.peer(), new PairHistory.Line(now, at, "sends", send.message(), send.peer()));
      } else if (effect instanceof MembershipEffect.Connect c) {
        history.add(at, c.peer(), new PairHistory.Line(now, at, "dials", c.peer(), null));
      } else if (effect instanceof MembershipEffect.Disconnect d) {
        history.add(at, d.peer(), new PairHistory.Line(now, at, "hangs up on", d.peer(), null));
      } else if (effect instanceof MembershipEffect.Emit e) {
        history.add(at, e.event().peer(), new PairHistory.Line(now, at, "emits", e.event(), null));
      }
      if (effect instanceof MembershipEffect.Send send) {
        sentByType.merge(send.message().getClass().getSimpleName(), 1, Integer::sum);
        if (connected(at, send.peer()) || open(at, send.peer())) {
          enqueue(at, send.peer(), new Message(send.message()));
        } else {
          enqueue(send.peer(), at, new ConnectFailed());
        }
      } else if (effect instanceof MembershipEffect.Connect connect) {
        boolean up = connected(at, connect.peer()) || open(at, connect.peer());
        enqueue(connect.peer(), at, up ? new Connected() : new ConnectFailed());
      } else if (effect instanceof MembershipEffect.Disconnect disconnect) {
        if (connected(at, disconnect.peer())) {
          close(at, disconnect.peer());
        }
      } else if (effect instanceof MembershipEffect.Schedule schedule) {
        timers.add(new Armed(now + schedule.delay().toMillis(), seq++, at, schedule.timer()));
      } else if (effect instanceof MembershipEffect.Emit emit) {
        record(at, emit.event());
      } else {
        throw new AssertionError(effect);
      }
    }
  }

  private void record(NodeName at, MembershipEvent event) {
    Set<NodeName> view = viewFromEvents.get(at);
    if (event instanceof MembershipEvent.PeerUp up) {
      if (!view.add(up.peer())) {
        throw new AssertionError(at + " emitted PeerUp(" + up.peer() + ") for a peer already up");
      }
      eventLog.add(at + " up " + up.peer());
    } else if (event instanceof MembershipEvent.PeerDown down) {
      if (!view.remove(down.peer())) {
        throw new AssertionError(at + " emitted PeerDown(" + down.peer() + ") for a peer that was not up");
      }
      eventLog.add(at + " down " + down.peer() + " " + down.reason());
    }
  }

  /** The recent history between two nodes, for failure messages. */
  String history(NodeName a, NodeName b) {
    return history.of(a, b);
  }

  private boolean connected(NodeName a, NodeName b) {
    return connections.contains(pair(a, b));
  }

  private boolean open(NodeName a, NodeName b) {
    if (!alive.contains(b) || !side.get(a).equals(side.get(b))) {
      return false;
    }
    connections.add(pair(a, b));
    return true;
  }

  private void close(NodeName a, NodeName b) {
    history.add(a, b, new PairHistory.Line(now, a, "closes the connection to", b, null));
    connections.remove(pair(a, b));
    channels.drop(a, b, item -> item instanceof Message);
    channels.drop(b, a, item -> item instanceof Message);
    enqueue(a, b, new Closed());
    enqueue(b, a, new Closed());
  }

  private static Connection pair(NodeName a, NodeName b) {
    return a.compareTo(b) < 0 ? new Connection(a, b) : new Connection(b, a);
  }

  private void enqueue(NodeName from, NodeName to, Item item) {
    channels.add(from, to, item);
  }

  // ------------------------------------------------------------------ invariants

  /**
   * Must hold after every single delivery: bounded, disjoint views; the events replay to the view;
   * and a link one side holds without the other is always being settled by something in flight
   * between the two (the reply, the DISCONNECT, or the notice of a closed connection).
   */
  void assertStepInvariants() {
    for (NodeName a : alive) {
      assertNodeInvariants(a);
    }
  }

  private void assertNodeInvariants(NodeName a) {
    HyParView node = nodes.get(a);
    Set<NodeName> active = node.activeView();
    Set<NodeName> passive = node.passiveView();
    check(active.size() <= config.activeSize(), a, () -> "active view " + active + " exceeds " + config.activeSize());
    check(passive.size() <= config.passiveSize(), a, () -> "passive view has " + passive.size() + " entries");
    check(!active.contains(a) && !passive.contains(a), a, () -> "holds itself in a view");
    for (NodeName p : active) {
      check(!passive.contains(p), a, () -> p + " is in both views");
    }
    check(active.equals(viewFromEvents.get(a)), a, () -> "events replay to " + viewFromEvents.get(a) + " not " + active);
    for (NodeName b : active) {
      boolean mutual = alive.contains(b) && nodes.get(b).isActive(a);
      check(mutual || channels.busyBetween(a, b), a, () ->
          "holds " + b + " but " + b + " does not hold it, and nothing is in flight between them; history:"
              + history(a, b));
    }
  }

  /** Once nothing is in flight: every link is held by both ends, and only by live nodes. */
  void assertQuiescentInvariants() {
    if (!channels.isEmpty()) {
      throw new AssertionError("deliveries still in flight");
    }
    assertStepInvariants();
    for (NodeName a : alive) {
      for (NodeName b : nodes.get(a).activeView()) {
        check(alive.contains(b), a, () -> "holds crashed " + b);
        check(nodes.get(b).isActive(a), a, () -> "holds " + b + " one-sidedly");
      }
    }
  }

  /** Fails with the problem, built only then (it may format a pair's whole history). */
  private void check(boolean ok, NodeName at, Supplier<String> problem) {
    if (!ok) {
      throw new AssertionError("at t=" + now + " after " + deliveries + " deliveries, " + at + " "
          + problem.get() + "; node: " + nodes.get(at));
    }
  }

  // ------------------------------------------------------------------ observations

  HyParView node(NodeName name) {
    return nodes.get(name);
  }

  Set<NodeName> alive() {
    return Set.copyOf(alive);
  }

  List<NodeName> aliveMembers() {
    List<NodeName> out = new ArrayList<>();
    for (NodeName n : alive) {
      if (nodes.get(n).isMember()) {
        out.add(n);
      }
    }
    return out;
  }

  /** Connected components of the active-view graph over {@code among}. */
  List<Set<NodeName>> components(Collection<NodeName> among) {
    Set<NodeName> left = new LinkedHashSet<>(among);
    List<Set<NodeName>> out = new ArrayList<>();
    while (!left.isEmpty()) {
      NodeName start = left.iterator().next();
      Set<NodeName> component = new LinkedHashSet<>();
      ArrayDeque<NodeName> todo = new ArrayDeque<>(List.of(start));
      while (!todo.isEmpty()) {
        NodeName n = todo.poll();
        if (left.remove(n)) {
          component.add(n);
          for (NodeName p : nodes.get(n).activeView()) {
            if (left.contains(p)) {
              todo.add(p);
            }
          }
        }
      }
      out.add(component);
    }
    return out;
  }

  double averageActiveSize(Collection<NodeName> among) {
    return among.stream().mapToInt(n -> nodes.get(n).activeView().size()).average().orElse(0);
  }

  List<String> eventLog() {
    return eventLog;
  }

  Map<String, Integer> sentByType() {
    return sentByType;
  }

  long deliveries() {
    return deliveries;
  }

  long now() {
    return now;
  }

  SplittableRandom random() {
    return random;
  }
}
