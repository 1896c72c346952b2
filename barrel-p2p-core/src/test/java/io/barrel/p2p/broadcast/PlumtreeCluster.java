package io.barrel.p2p.broadcast;

import io.barrel.p2p.NodeName;
import java.nio.charset.StandardCharsets;
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

/**
 * A deterministic in-memory cluster of {@link Plumtree} nodes on an {@link Overlay}: a discrete-event
 * pump that carries Send effects with seeded per-link latencies (FIFO per direction, like a QUIC
 * stream) and optional loss, fires Schedule effects in virtual time, and counts what happened.
 * Same seed, same run. Loss and latency draw from a SplittableRandom: java.util.Random's LCG showed
 * visibly correlated drops when one node's retries were the only traffic left.
 */
final class PlumtreeCluster {

  /** Something that happens at a virtual time; {@code seq} breaks ties in the order they were queued. */
  private record Event(long atMillis, long seq, NodeName node, NodeName from, BroadcastMessage message,
      PlumtreeTimer timer) {}

  private record Link(NodeName from, NodeName to) {}

  private final Overlay overlay;
  private final Map<NodeName, Plumtree> nodes = new LinkedHashMap<>();
  private final PriorityQueue<Event> events = new PriorityQueue<>((a, b) -> a.atMillis != b.atMillis
      ? Long.compare(a.atMillis, b.atMillis) : Long.compare(a.seq, b.seq));
  private final SplittableRandom random;
  private final Map<Link, Integer> baseLatency = new HashMap<>();
  private final Map<Link, Long> lastArrival = new HashMap<>();
  private final Set<NodeName> crashed = new HashSet<>();
  private double loss;
  private long now = 1_000;
  private long seq;

  private final Map<MessageId, Map<NodeName, Integer>> deliveries = new HashMap<>();
  private final Map<MessageId, Integer> lastHop = new HashMap<>();
  private final Map<MessageId, Integer> gossipSent = new HashMap<>();
  private final Map<MessageId, Integer> gossipReceived = new HashMap<>();
  private final Map<Class<?>, Integer> sent = new HashMap<>();
  private int retryGrafts;
  private int lost;

  PlumtreeCluster(Overlay overlay, PlumtreeConfig config, long seed) {
    this.overlay = overlay;
    this.random = new SplittableRandom(seed);
    for (NodeName node : overlay.nodes()) {
      SplittableRandom ids = new SplittableRandom(seed ^ node.hashCode());
      nodes.put(node, new Plumtree(node, overlay.neighbours(node), config, ids));
    }
  }

  /** Drops each message independently with this probability from now on. */
  void setLoss(double probability) {
    this.loss = probability;
  }

  Plumtree node(NodeName name) {
    return nodes.get(name);
  }

  List<NodeName> names() {
    return overlay.nodes();
  }

  Overlay overlay() {
    return overlay;
  }

  /** Broadcasts from {@code origin} now and returns the id. */
  MessageId broadcast(NodeName origin, String text) {
    Plumtree node = nodes.get(origin);
    MessageId id = node.newMessageId();
    apply(origin, node.broadcast(id, Topic.of("sim"), text.getBytes(StandardCharsets.UTF_8), nanos()));
    deliveries.computeIfAbsent(id, k -> new HashMap<>());
    return id;
  }

  /** Processes events until none is left (Plumtree has no periodic timer, so this ends). */
  void runUntilQuiet() {
    while (!events.isEmpty()) {
      step(events.poll());
    }
  }

  /** Processes events up to {@code duration} from now. */
  void runFor(Duration duration) {
    long until = now + duration.toMillis();
    while (!events.isEmpty() && events.peek().atMillis <= until) {
      step(events.poll());
    }
    now = until;
  }

  /** Takes the link a-b away: messages still on it are lost and both ends get neighbourDown. */
  void failLink(NodeName a, NodeName b) {
    overlay.cut(a, b);
    apply(a, nodes.get(a).neighbourDown(b, nanos()));
    apply(b, nodes.get(b).neighbourDown(a, nanos()));
  }

  /** Stops a node without telling anyone, as a crash the membership layer has not noticed yet. */
  void crash(NodeName node) {
    crashed.add(node);
  }

  boolean isLive(NodeName node) {
    return !crashed.contains(node);
  }

  private void step(Event event) {
    now = Math.max(now, event.atMillis);
    if (crashed.contains(event.node)) {
      return;
    }
    if (event.message != null && !overlay.linked(event.from, event.node)) {
      lost++;
      return;
    }
    Plumtree node = nodes.get(event.node);
    if (event.message != null) {
      if (event.message instanceof BroadcastMessage.Gossip g) {
        gossipReceived.merge(g.id(), 1, Integer::sum);
      }
      apply(event.node, node.onMessage(event.from, event.message, nanos()));
    } else {
      List<PlumtreeEffect> effects = node.onTimer(event.timer, nanos());
      if (event.timer instanceof PlumtreeTimer.GraftTimer t && t.attempt() > 0) {
        retryGrafts += (int) effects.stream().filter(e -> e instanceof PlumtreeEffect.Send s
            && s.message() instanceof BroadcastMessage.Graft).count();
      }
      apply(event.node, effects);
    }
  }

  private void apply(NodeName at, List<PlumtreeEffect> effects) {
    for (PlumtreeEffect effect : effects) {
      if (effect instanceof PlumtreeEffect.Send send) {
        send(at, send.peer(), send.message());
      } else if (effect instanceof PlumtreeEffect.Schedule schedule) {
        events.add(new Event(now + schedule.delay().toMillis(), seq++, at, null, null, schedule.timer()));
      } else if (effect instanceof PlumtreeEffect.Deliver deliver) {
        deliveries.computeIfAbsent(deliver.messageId(), k -> new HashMap<>()).merge(at, 1, Integer::sum);
        lastHop.merge(deliver.messageId(), deliver.hops(), Math::max);
      }
    }
  }

  private void send(NodeName from, NodeName to, BroadcastMessage message) {
    sent.merge(message.getClass(), 1, Integer::sum);
    if (message instanceof BroadcastMessage.Gossip g) {
      gossipSent.merge(g.id(), 1, Integer::sum);
    }
    if (crashed.contains(from) || random.nextDouble() < loss) {
      lost++;
      return;
    }
    Link link = new Link(from, to);
    int base = baseLatency.computeIfAbsent(link, l -> baseLatency.getOrDefault(new Link(to, from),
        5 + random.nextInt(36)));
    long arrival = Math.max(now + base + random.nextInt(11), lastArrival.getOrDefault(link, 0L));
    lastArrival.put(link, arrival);
    events.add(new Event(arrival, seq++, to, from, message, null));
  }

  private long nanos() {
    return Duration.ofMillis(now).toNanos();
  }

  /** How many times {@code node} delivered {@code id}. */
  int deliveries(MessageId id, NodeName node) {
    return deliveries.getOrDefault(id, Map.of()).getOrDefault(node, 0);
  }

  /** GOSSIP messages sent for {@code id}, including lost ones and GRAFT answers. */
  int gossipSent(MessageId id) {
    return gossipSent.getOrDefault(id, 0);
  }

  /** GOSSIP messages for {@code id} that reached a live node. */
  int gossipReceived(MessageId id) {
    return gossipReceived.getOrDefault(id, 0);
  }

  /** The largest hop count {@code id} was delivered with. */
  int lastDeliveryHop(MessageId id) {
    return lastHop.getOrDefault(id, 0);
  }

  /** Messages of one type sent so far (lost ones included). */
  int sent(Class<? extends BroadcastMessage> type) {
    return sent.getOrDefault(type, 0);
  }

  /** GRAFTs sent because an earlier GRAFT for the same id went unanswered. */
  int retryGrafts() {
    return retryGrafts;
  }

  int lost() {
    return lost;
  }

  /** Live nodes other than {@code origin} that did not deliver {@code id} exactly once. */
  List<String> deliveryProblems(MessageId id, NodeName origin) {
    List<String> problems = new ArrayList<>();
    for (NodeName node : overlay.nodes()) {
      int count = deliveries(id, node);
      int expected = node.equals(origin) || !isLive(node) ? 0 : 1;
      if (count != expected && !(count == 0 && !isLive(node))) {
        problems.add(node + " delivered " + id + " " + count + " times, expected " + expected);
      }
    }
    return problems;
  }

  /** Relative message redundancy of one broadcast: payload messages received per live receiver, minus one. */
  double redundancy(MessageId id) {
    int receivers = (int) overlay.nodes().stream().filter(this::isLive).count() - 1;
    return gossipReceived(id) / (double) receivers - 1;
  }
}
