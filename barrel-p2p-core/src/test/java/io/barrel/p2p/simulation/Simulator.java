package io.barrel.p2p.simulation;

import io.barrel.p2p.NodeName;
import io.barrel.p2p.broadcast.BroadcastMessage;
import io.barrel.p2p.broadcast.MessageId;
import io.barrel.p2p.broadcast.Plumtree;
import io.barrel.p2p.broadcast.PlumtreeConfig;
import io.barrel.p2p.broadcast.PlumtreeEffect;
import io.barrel.p2p.broadcast.PlumtreeTimer;
import io.barrel.p2p.broadcast.Topic;
import io.barrel.p2p.membership.HyParView;
import io.barrel.p2p.membership.MembershipConfig;
import io.barrel.p2p.membership.MembershipEffect;
import io.barrel.p2p.membership.MembershipEvent;
import io.barrel.p2p.membership.MembershipMessage;
import io.barrel.p2p.membership.MembershipTimer;
import io.barrel.p2p.membership.NeighborPriority;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * A deterministic discrete-event simulator that runs the production {@link HyParView} and
 * {@link Plumtree} state machines for thousands of nodes in one thread, in virtual time.
 *
 * <p>It plays every node's driver: each effect becomes an event (a message arriving one link
 * latency later, a dial answered one round trip later, a timer), and each event becomes an input.
 * Connections are modelled as the papers do, TCP-like: a send or a dial to a crashed or
 * partitioned-off node fails promptly and the sender is told ({@code onConnectFailed}, or
 * {@code onConnectionClosed} when the peer was a neighbour); see {@link SimNetwork.CrashDetection}
 * for whether a crash is also announced without traffic.
 *
 * <p>The {@link Agenda} keeps the clock: traffic (messages, connection notices, Plumtree timers) in
 * virtual time, HyParView's timers on a clock that can be frozen. {@link #settleTraffic()} lets all
 * traffic play out while the membership timers stand still, which is how an experiment sends a
 * burst of broadcasts "before the next membership cycle" with the nodes' reactions to what the
 * burst reveals, and nothing else.
 *
 * <p>Same seed, same run: every random choice comes from generators derived from the seed and a
 * node's index, and events with equal times run in the order they were created.
 */
final class Simulator {

  private static final Topic TOPIC = Topic.of("sim");
  private static final byte[] PAYLOAD = new byte[16];

  private final MembershipConfig membershipConfig;
  private final SimNetwork network;
  private final long seed;
  private final SimNode[] nodes;
  // What the event loop reads of a node, in dense arrays indexed by node: every event reads them for
  // its node, its sender and the peers of its effects, and a SimNode object per node (spread over
  // the heap between the nodes' protocol state) was a cache miss each time. SimNode stays the
  // nodes' face to the experiments; alive and broadcast are written here and there together.
  private final NodeName[] names;
  private final HyParView[] cores;
  private final Plumtree[] broadcasts;
  private final boolean[] alive;
  private final boolean[] joined;
  /**
   * Nodes that may have a link attempt under way: set when a node dials (every attempt starts with
   * a dial), cleared when a look at its core finds none. A crash asks only these nodes for their
   * pending links, instead of reading every node's core (and building a set) for each crash.
   */
  private final boolean[] mayBeDialing;
  /**
   * Names to node indices (index + 1; 0 is empty), open addressing on the name's hash, matched by
   * identity: every name in the run is one of the instances made here (the cores only pass names
   * along), so a lookup reads the name's cached hash and two dense arrays, not a map's entries.
   */
  private final int[] nameSlots;
  private final int nameShift;
  private final ActiveMirror mirror;
  private final Agenda agenda = new Agenda();
  private final MessageCounts membershipSent = new MessageCounts();
  private long events;
  private BroadcastLedger ledger;
  private PlumtreeConfig broadcastConfig;
  private SimLayer layer = SimLayer.NONE;

  /**
   * @param size number of nodes, named {@code n0@sim} ... ; none has joined yet
   * @param config every node's membership settings
   * @param network latency, loss and crash-detection model
   * @param seed the root of every random choice of the run
   */
  Simulator(int size, MembershipConfig config, SimNetwork network, long seed) {
    this.membershipConfig = config;
    this.network = network;
    this.seed = seed;
    this.nodes = new SimNode[size];
    this.mirror = new ActiveMirror(size, config.activeSize());
    this.names = new NodeName[size];
    this.cores = new HyParView[size];
    this.broadcasts = new Plumtree[size];
    this.alive = new boolean[size];
    this.joined = new boolean[size];
    this.mayBeDialing = new boolean[size];
    int bits = 32 - Integer.numberOfLeadingZeros(Math.max(1, size * 3 - 1)); // at most a third full
    this.nameSlots = new int[1 << bits];
    this.nameShift = 32 - bits;
    // Every message carries names, and the cores read each name's hash: made in one go, the names
    // sit together in a few hundred kilobytes that stay in cache, instead of one per node's state
    // spread over the whole heap, where reading a name in a message was a cache miss.
    for (int i = 0; i < size; i++) {
      names[i] = SimNode.nameOf(i);
    }
    for (int i = 0; i < size; i++) {
      cores[i] = new HyParView(names[i], config, nodeRandom(i, 1));
      nodes[i] = new SimNode(i, names[i], cores[i], mirror);
      alive[i] = true;
      int slot = nameSlot(names[i]);
      while (nameSlots[slot] != 0) {
        slot = (slot + 1) & (nameSlots.length - 1);
      }
      nameSlots[slot] = i + 1;
    }
  }

  /** A generator for one node and one purpose, independent of the order things are created in. */
  SplittableRandom nodeRandom(int index, int purpose) {
    return new SplittableRandom(SimNetwork.mix(seed * 0x9E3779B97F4A7C15L + index * 31L + purpose));
  }

  // ------------------------------------------------------------------ scenario operations

  /** Node {@code index} joins now() through {@code contacts} (empty: it starts the overlay). */
  void join(int index, Collection<Integer> contacts) {
    SimNode node = nodes[index];
    List<NodeName> names = new ArrayList<>(contacts.size());
    for (int c : contacts) {
      names.add(this.names[c]);
    }
    node.joined = true;
    joined[index] = true;
    applyMembership(index, node.membership.join(names, now()));
  }

  /**
   * Rebuilds a node's views from a snapshot through the node's ordinary inputs: it joins with no
   * contact, each former neighbour asks it for a link with HIGH priority, and a shuffle reply hands
   * it the former passive view. The replies it would send are dropped: the former neighbours are
   * being restored the same way. Call {@link #restoreContacts} once every node is restored.
   */
  void restoreViews(int index, List<NodeName> active, List<NodeName> passive) {
    SimNode node = nodes[index];
    node.joined = true;
    joined[index] = true;
    applyMembership(index, node.membership.join(List.of(), now()));
    for (NodeName peer : active) {
      for (MembershipEffect effect : node.membership.onMessage(peer,
          new MembershipMessage.Neighbor(NeighborPriority.HIGH), now())) {
        if (effect instanceof MembershipEffect.Emit emit) {
          onMembershipEvent(index, emit.event());
        }
      }
    }
    if (!passive.isEmpty()) {
      node.membership.onMessage(passive.get(0), new MembershipMessage.ShuffleReply(passive), now());
    }
  }

  /** Gives a restored node back its contacts; a node with free slots starts filling them now(). */
  void restoreContacts(int index, List<NodeName> contacts) {
    applyMembership(index, cores[index].join(contacts, now()));
  }

  /**
   * Crashes nodes at once. Each is silent from then on: what it had in flight is still delivered,
   * what is sent to it is lost and reported to the sender. With {@link SimNetwork.CrashDetection#ON_CRASH}
   * the holders of a link or link attempt to it are also told, one link latency later.
   */
  void crash(Collection<Integer> victims) {
    for (int v : victims) {
      nodes[v].alive = false;
      alive[v] = false;
    }
    if (network.crashDetection() == SimNetwork.CrashDetection.ON_CRASH) {
      // Node by node in index order, from the dense arrays and the mirror: a node's core is read
      // only if it may be dialing, which leaves the notices, and their order, as they were.
      for (int node = 0; node < nodes.length; node++) {
        if (!alive[node] || !joined[node]) {
          continue;
        }
        for (int i = 0; i < mirror.degree(node); i++) {
          int peer = mirror.neighbour(node, i);
          if (!alive[peer]) {
            notice(node, peer, EventQueue.Kind.CONNECTION_CLOSED, latency(node, peer));
          }
        }
        if (!mayBeDialing[node]) {
          continue;
        }
        Set<NodeName> pendingLinks = cores[node].pendingLinks();
        mayBeDialing[node] = !pendingLinks.isEmpty();
        for (NodeName pending : pendingLinks) {
          int peer = index(pending);
          if (!alive[peer] && !mirror.holds(node, peer)) {
            notice(node, peer, EventQueue.Kind.CONNECTION_CLOSED, latency(node, peer));
          }
        }
      }
    }
  }

  /**
   * Splits the network: {@code sides[i]} is node i's side. Every link across the cut breaks at once
   * (both ends are told, as a connection's idle timeout would) and dials across fail.
   */
  void partition(int[] sides) {
    network.sides(sides.clone());
    for (SimNode node : nodes) {
      if (!node.alive) {
        continue;
      }
      for (int i = 0; i < node.degree(); i++) {
        int peer = node.neighbour(i);
        if (!network.sameSide(node.index, peer)) {
          notice(node.index, peer, EventQueue.Kind.CONNECTION_CLOSED, latency(node.index, peer));
        }
      }
    }
  }

  /** Ends a partition: every node can reach every live node again. */
  void heal() {
    network.sides(null);
  }

  /** Gives every joined, live node a Plumtree whose neighbours are its current active view. */
  void attachBroadcast(PlumtreeConfig config, BroadcastLedger ledger) {
    this.broadcastConfig = config;
    this.ledger = ledger;
    for (SimNode node : nodes) {
      if (node.alive && node.joined) {
        node.broadcast = new Plumtree(node.name, node.membership.activeView(), config, nodeRandom(node.index, 2));
        broadcasts[node.index] = node.broadcast;
      }
    }
  }

  /** Puts a layer above Plumtree on every node (the registry): told of deliveries and neighbours. */
  void attachLayer(SimLayer upper) {
    this.layer = upper;
  }

  /** Node {@code origin} broadcasts {@code payload} on {@code topic} now(), for a layer; returns its id. */
  MessageId broadcast(int origin, Topic topic, byte[] payload) {
    Plumtree broadcast = broadcasts[origin];
    MessageId id = broadcast.newMessageId();
    ledger.start(id, origin, now());
    applyBroadcast(origin, broadcast.broadcast(id, topic, payload, nanos()));
    return id;
  }

  /** Node {@code origin} broadcasts a small payload now(); returns the broadcast's id. */
  MessageId broadcast(int origin) {
    Plumtree broadcast = broadcasts[origin];
    MessageId id = broadcast.newMessageId();
    ledger.start(id, origin, now());
    applyBroadcast(origin, broadcast.broadcast(id, TOPIC, PAYLOAD, nanos()));
    return id;
  }

  /**
   * A broadcast layer outside the simulator (an experiment's flood) found the link from
   * {@code from} to {@code to} dead on use: {@code from}'s membership is told one round trip later.
   */
  void detectOnUse(int from, int to) {
    failedUse(from, to);
  }

  // ------------------------------------------------------------------ running

  /** Runs every event due up to {@code time}, then sets the clock to it. */
  void runUntil(long time) {
    for (EventQueue.Event e = agenda.next(time); e != null; e = agenda.next(time)) {
      dispatch(e);
    }
    agenda.advanceTo(time);
  }

  void runFor(long millis) {
    runUntil(now() + millis);
  }

  /**
   * Lets all traffic play out with the membership timers frozen: messages, connection notices and
   * Plumtree timers run until none is left; when it returns, the membership timers resume as if no
   * time had passed. Returns the virtual time the traffic took.
   */
  long settleTraffic() {
    long start = now();
    for (EventQueue.Event e = agenda.nextTraffic(); e != null; e = agenda.nextTraffic()) {
      dispatch(e);
    }
    long took = now() - start;
    agenda.timersFrozenFor(took);
    return took;
  }

  private void dispatch(EventQueue.Event e) {
    events++;
    int node = e.node;
    if (!alive[node]) {
      if (e.kind == EventQueue.Kind.MEMBERSHIP_MESSAGE || e.kind == EventQueue.Kind.BROADCAST_MESSAGE) {
        if (e.kind == EventQueue.Kind.BROADCAST_MESSAGE) {
          ledger.lost();
        }
        // The message reached a dead process: its host's reset travels back to the sender.
        if (alive[e.from]) {
          notice(e.from, node, closedOrFailed(e.from, node), latency(e.from, node));
        }
      }
      return;
    }
    switch (e.kind) {
      case MEMBERSHIP_MESSAGE -> {
        if (arrives(e)) {
          applyMembership(node, cores[node].onMessage(names[e.from], (MembershipMessage) e.payload, now()));
        }
      }
      case CONNECTED -> applyMembership(node, cores[node].onConnected(names[e.from], now()));
      case CONNECT_FAILED -> applyMembership(node, cores[node].onConnectFailed(names[e.from], now()));
      case CONNECTION_CLOSED -> applyMembership(node, cores[node].onConnectionClosed(names[e.from], now()));
      case MEMBERSHIP_TIMER -> applyMembership(node, cores[node].onTimer((MembershipTimer) e.payload, now()));
      case BROADCAST_MESSAGE -> {
        if (arrives(e) && broadcasts[node] != null) {
          BroadcastMessage message = (BroadcastMessage) e.payload;
          ledger.received(message);
          applyBroadcast(node, broadcasts[node].onMessage(names[e.from], message, nanos()));
        }
      }
      case BROADCAST_TIMER -> {
        if (broadcasts[node] != null) {
          applyBroadcast(node, broadcasts[node].onTimer((PlumtreeTimer) e.payload, nanos()));
        }
      }
      default -> throw new AssertionError(e.kind);
    }
  }

  /**
   * A message still belongs to a live connection when it arrives: not hung up since it was sent,
   * and not cut by a partition meanwhile (then the sender learns its connection broke).
   */
  private boolean arrives(EventQueue.Event e) {
    if (e.epoch != network.epoch(e.node, e.from)) {
      return false;
    }
    if (!network.sameSide(e.node, e.from)) {
      if (e.kind == EventQueue.Kind.BROADCAST_MESSAGE) {
        ledger.lost();
      }
      notice(e.from, e.node, closedOrFailed(e.from, e.node), latency(e.from, e.node));
      return false;
    }
    return true;
  }

  // ------------------------------------------------------------------ carrying out effects

  private void applyMembership(int node, List<MembershipEffect> effects) {
    // By index: the cores hand over random-access lists, and an iterator per input is garbage.
    for (int i = 0, n = effects.size(); i < n; i++) {
      MembershipEffect effect = effects.get(i);
      if (effect instanceof MembershipEffect.Send send) {
        int peer = index(send.peer());
        membershipSent.sent(send.message());
        if (reachable(node, peer)) {
          agenda.traffic(latency(node, peer), EventQueue.Kind.MEMBERSHIP_MESSAGE, peer, node, send.message(),
              network.epoch(node, peer));
        } else {
          failedUse(node, peer);
        }
      } else if (effect instanceof MembershipEffect.Connect connect) {
        int peer = index(connect.peer());
        mayBeDialing[node] = true;
        notice(node, peer, reachable(node, peer) ? EventQueue.Kind.CONNECTED : EventQueue.Kind.CONNECT_FAILED,
            2L * latency(node, peer));
      } else if (effect instanceof MembershipEffect.Disconnect hangUp) {
        int peer = index(hangUp.peer());
        network.hangUp(node, peer);
        notice(node, peer, EventQueue.Kind.CONNECTION_CLOSED, latency(node, peer));
        if (reachable(node, peer)) {
          notice(peer, node, EventQueue.Kind.CONNECTION_CLOSED, latency(node, peer));
        }
      } else if (effect instanceof MembershipEffect.Schedule schedule) {
        agenda.timer(schedule.delay().toMillis(), node, schedule.timer());
      } else if (effect instanceof MembershipEffect.Emit emit) {
        onMembershipEvent(node, emit.event());
      } else {
        throw new AssertionError("unhandled membership effect " + effect);
      }
    }
  }

  private void onMembershipEvent(int index, MembershipEvent event) {
    // From the dense arrays and the mirror; the SimNode objects (cold) only for a layer above.
    int peer = index(event.peer());
    if (event instanceof MembershipEvent.PeerUp) {
      SimNode.neighbourUp(mirror, index, peer); // throws if the core broke its bound
      if (broadcasts[index] != null) {
        applyBroadcast(index, broadcasts[index].neighbourUp(names[peer], nanos()));
      }
      if (layer != SimLayer.NONE) {
        layer.neighbour(nodes[index], nodes[peer], true);
      }
    } else if (event instanceof MembershipEvent.PeerDown) {
      SimNode.neighbourDown(mirror, index, peer);
      if (broadcasts[index] != null) {
        applyBroadcast(index, broadcasts[index].neighbourDown(names[peer], nanos()));
      }
      if (layer != SimLayer.NONE) {
        layer.neighbour(nodes[index], nodes[peer], false);
      }
    }
  }

  private void applyBroadcast(int node, List<PlumtreeEffect> effects) {
    for (int i = 0, n = effects.size(); i < n; i++) {
      PlumtreeEffect effect = effects.get(i);
      if (effect instanceof PlumtreeEffect.Send send) {
        int peer = index(send.peer());
        ledger.sent(send.message());
        if (!reachable(node, peer)) {
          ledger.lost();
          failedUse(node, peer); // the broadcast shares the connection, so membership hears of it too
        } else if (network.losesBroadcast()) {
          ledger.lost();
        } else {
          agenda.traffic(latency(node, peer), EventQueue.Kind.BROADCAST_MESSAGE, peer, node, send.message(),
              network.epoch(node, peer));
        }
      } else if (effect instanceof PlumtreeEffect.Schedule schedule) {
        agenda.traffic(schedule.delay().toMillis(), EventQueue.Kind.BROADCAST_TIMER, node, -1, schedule.timer(), 0);
      } else if (effect instanceof PlumtreeEffect.Deliver deliver) {
        ledger.delivered(node, deliver, now());
        if (layer != SimLayer.NONE) {
          layer.delivered(nodes[node], deliver);
        }
      } else {
        throw new AssertionError("unhandled broadcast effect " + effect);
      }
    }
  }

  private boolean reachable(int from, int to) {
    return alive[to] && network.sameSide(from, to);
  }

  /** A send to an unreachable peer: the sender hears of it one round trip later. */
  private void failedUse(int from, int to) {
    notice(from, to, closedOrFailed(from, to), 2L * latency(from, to));
  }

  /** A neighbour's connection existed, so it closed; anyone else's dial failed. */
  private EventQueue.Kind closedOrFailed(int from, int to) {
    return mirror.holds(from, to) ? EventQueue.Kind.CONNECTION_CLOSED : EventQueue.Kind.CONNECT_FAILED;
  }

  private void notice(int at, int about, EventQueue.Kind kind, long delay) {
    agenda.traffic(delay, kind, at, about, null, 0);
  }

  /** The index of a node by its name, which must be one of this simulator's instances. */
  private int index(NodeName name) {
    int mask = nameSlots.length - 1;
    for (int slot = nameSlot(name); nameSlots[slot] != 0; slot = (slot + 1) & mask) {
      int i = nameSlots[slot] - 1;
      if (names[i] == name) {
        return i;
      }
    }
    throw new IllegalStateException("unknown node " + name + ": names must be the simulator's own instances");
  }

  private int nameSlot(NodeName name) {
    return (name.hashCode() * 0x9E3779B9) >>> nameShift;
  }

  private int latency(int a, int b) {
    return network.latency(a, b);
  }

  private long nanos() {
    return now() * 1_000_000L;
  }

  // ------------------------------------------------------------------ observations

  long now() {
    return agenda.now();
  }

  int size() {
    return nodes.length;
  }

  SimNode node(int index) {
    return nodes[index];
  }

  SimNode node(NodeName name) {
    return nodes[index(name)];
  }

  /** Node {@code index}'s name, from the dense array (no SimNode read). */
  NodeName name(int index) {
    return names[index];
  }

  /** Whether node {@code index} is alive and has joined, from the dense arrays (no SimNode read). */
  boolean isLiveMember(int index) {
    return alive[index] && joined[index];
  }

  SimNetwork network() {
    return network;
  }

  MembershipConfig membershipConfig() {
    return membershipConfig;
  }

  PlumtreeConfig broadcastConfig() {
    return broadcastConfig;
  }

  BroadcastLedger ledger() {
    return ledger;
  }

  /** Events handled so far (a cost measure). */
  long events() {
    return events;
  }

  /** HyParView messages sent so far, by message type. */
  Map<String, Long> membershipSent() {
    return membershipSent.byType();
  }

  /** Indices of the nodes that are alive and have joined. */
  int[] liveMembers() {
    int count = 0;
    for (int i = 0; i < nodes.length; i++) {
      if (alive[i] && joined[i]) {
        count++;
      }
    }
    int[] out = new int[count];
    int n = 0;
    for (int i = 0; i < nodes.length; i++) {
      if (alive[i] && joined[i]) {
        out[n++] = i;
      }
    }
    return out;
  }

  /** Every node's mirrored active view, indexed by node. */
  ActiveMirror mirror() {
    return mirror;
  }

  /** The mirrored active views as an adjacency graph, for metrics and floods. */
  ActiveGraph activeGraph() {
    return ActiveGraph.of(this);
  }
}
