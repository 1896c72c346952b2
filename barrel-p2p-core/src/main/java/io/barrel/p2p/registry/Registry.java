package io.barrel.p2p.registry;

import io.barrel.p2p.NodeName;
import io.barrel.p2p.broadcast.Broadcaster;
import io.barrel.p2p.broadcast.PlumtreeEffect;
import io.barrel.p2p.broadcast.Topic;
import io.barrel.p2p.membership.Membership;
import io.barrel.p2p.membership.MembershipEvent;
import io.barrel.p2p.membership.ProtocolLoop;
import io.barrel.p2p.membership.SerialDelivery;
import io.barrel.p2p.metrics.MeterName;
import io.barrel.p2p.metrics.Metrics;
import io.barrel.p2p.transport.Transport;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster-wide service registry of one node: an OR-Map of {@code service → instances}
 * replicated by Plumtree, kept honest by leases and repaired by anti-entropy. Every node answers
 * lookups from its own copy, without a network hop.
 *
 * <ul>
 *   <li>Each change is a delta broadcast to every node (topic {@value #TOPIC}).
 *   <li>While it has registrations, a node broadcasts a heartbeat every {@code heartbeat-interval};
 *       instances of a node whose lease expired are hidden from lookups at once, reported
 *       {@link ServiceEvent.Down} on every node, and removed (observed-remove) by whichever node
 *       gets there first.
 *   <li>A restarted node's first delta removes its earlier life's entries everywhere.
 *   <li>A node that finds its own live registrations removed (a partition made the others expire it)
 *       asserts them again.
 *   <li>Anti-entropy: with every new neighbour, and with a random one every
 *       {@code anti-entropy-interval}, the two exchange digests over control channel
 *       {@value #CONTROL_CHANNEL} and send each other only what the other lacks, in bounded chunks.
 *   <li>{@code whereis} of a service this node's copy has no live instance of asks the overlay, on
 *       the same control channel ({@link OverlaySearch}).
 * </ul>
 *
 * <p>The rules live in the pure {@link RegistryReplica}; this driver feeds it broadcasts, control
 * frames, membership events and timers on the node's {@link ProtocolLoop} and carries its effects
 * out. Lookups read snapshots the effects keep up to date, and never block.
 */
public final class Registry implements AutoCloseable {

  /** The broadcast topic of deltas and heartbeats. */
  public static final String TOPIC = "barrel.registry";
  /** The control channel of anti-entropy and of the overlay fallback of {@code whereis}. */
  public static final int CONTROL_CHANNEL = 3;

  private static final Logger log = LoggerFactory.getLogger(Registry.class);

  private final NodeName self;
  private final Transport transport;
  private final Membership membership;
  private final Broadcaster broadcaster;
  private final ProtocolLoop loop;
  private final Metrics metrics;
  private final Executor applicationExecutor;
  private final RegistryConfig config;
  private final Topic topic = Topic.of(TOPIC);
  /** Owned by the loop. */
  private final RegistryReplica replica;

  // ---- snapshots for any thread
  private final Map<String, List<ServiceInstance>> byService = new ConcurrentHashMap<>();
  private final Map<NodeName, Long> leaseDeadlines = new ConcurrentHashMap<>();
  private final List<Subscriber> subscribers = new CopyOnWriteArrayList<>();
  private final List<ServiceEventQueue> queues = new CopyOnWriteArrayList<>();
  /** This node's overlay searches waiting for their end; {@link #close} completes the rest. */
  private final Map<Long, CompletableFuture<Optional<ServiceInstance>>> searches = new ConcurrentHashMap<>();
  private volatile boolean synced;
  private volatile boolean closed;
  /** Every whereis not answered yet; {@link #close} answers the rest with empty. */
  private final Set<CompletableFuture<Optional<ServiceInstance>>> whereisWaiting = ConcurrentHashMap.newKeySet();

  /**
   * @param random chooses anti-entropy partners and removal jitter; used on the loop only
   */
  public Registry(Transport transport, Membership membership, Broadcaster broadcaster, RegistryConfig config,
      ProtocolLoop loop, Metrics metrics, Executor applicationExecutor, RandomGenerator random) {
    this.transport = Objects.requireNonNull(transport, "transport");
    this.self = transport.localName();
    this.membership = Objects.requireNonNull(membership, "membership");
    this.broadcaster = Objects.requireNonNull(broadcaster, "broadcaster");
    this.config = Objects.requireNonNull(config, "config");
    this.loop = Objects.requireNonNull(loop, "loop");
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    this.applicationExecutor = Objects.requireNonNull(applicationExecutor, "applicationExecutor");
    Clock wall = Clock.systemUTC();
    // One life for the node: the transport's, which rises across restarts whatever the clock does.
    this.replica = new RegistryReplica(self, transport.incarnation(), config, wall::millis,
        Objects.requireNonNull(random, "random"));
  }

  /** Joins the registry: listens, announces this life, starts the timers. */
  public void start() {
    broadcaster.subscribe(topic, this::onBroadcast, loop);
    transport.onControl(CONTROL_CHANNEL, (from, payload) -> loop.execute(() -> onControl(from, payload)));
    membership.addLoopListener(this::onMembership);
    metrics.gauge(MeterName.REGISTRY_INSTANCES, () -> visibleCount());
    metrics.gauge(MeterName.REGISTRY_REJECTED, replica.crdtStats()::rejectedDeltas, "delta");
    metrics.gauge(MeterName.REGISTRY_REJECTED, replica.crdtStats()::rejectedTimestamps, "timestamp");
    loop.execute(() -> apply(replica.start(loop.nowMillis())));
  }

  // ------------------------------------------------------------------ API (any thread)

  /** Registers an instance of {@code service} on this node; the handle unregisters it. */
  public CompletableFuture<Registration> register(String service, ServiceMetadata metadata) {
    ServiceInstance.checkServiceName(service);
    Objects.requireNonNull(metadata, "metadata");
    return loop.call(() -> {
      requireOpen();
      ServiceInstance instance = replica.newInstance(service, metadata);
      apply(replica.register(instance, loop.nowMillis()));
      return new Registration(this, instance);
    });
  }

  /** Removes this node's registration; completes with false when it was already gone. */
  public CompletableFuture<Boolean> unregister(ServiceInstance instance) {
    Objects.requireNonNull(instance, "instance");
    return loop.call(() -> {
      if (!replica.isRegistered(instance)) {
        return false;
      }
      apply(replica.unregister(instance, loop.nowMillis()));
      return true;
    });
  }

  /** Live instances of {@code service}, this node's first; empty when none. Never blocks. */
  public List<ServiceInstance> lookup(String service) {
    List<ServiceInstance> all = byService.get(service);
    if (all == null) {
      return List.of();
    }
    long now = loop.nowMillis();
    List<ServiceInstance> live = new ArrayList<>(all.size());
    List<ServiceInstance> mine = new ArrayList<>(1);
    for (ServiceInstance i : all) {
      if (i.node().equals(self)) {
        mine.add(i);
      } else if (leaseDeadlines.getOrDefault(i.node(), Long.MIN_VALUE) >= now) {
        live.add(i); // an expired lease hides its instances before the expiry timer runs
      }
    }
    mine.addAll(live);
    return List.copyOf(mine);
  }

  /** This node's own instances of {@code service}. */
  public List<ServiceInstance> lookupLocal(String service) {
    return byService.getOrDefault(service, List.of()).stream().filter(i -> i.node().equals(self)).toList();
  }

  /**
   * An instance of {@code service}: this node's if it has one, else a live remote one (a random one,
   * so callers spread). When this node's copy knows none, the overlay is asked: neighbours, and
   * theirs, up to {@code overlay.ttl} hops (see {@link OverlayConfig}). Retries
   * {@code whereis-retries} times with backoff and jitter while nothing is found, which covers a
   * registration still on its way.
   */
  public CompletableFuture<Optional<ServiceInstance>> whereis(String service) {
    return whereis(service, config.whereisRetries());
  }

  /** {@link #whereis(String)} with an explicit number of retries. */
  public CompletableFuture<Optional<ServiceInstance>> whereis(String service, int retries) {
    ServiceInstance.checkServiceName(service);
    CompletableFuture<Optional<ServiceInstance>> result = new CompletableFuture<>();
    // Between attempts a whereis waits on the protocol loop's timers, which a closing loop drops:
    // close() completes what is still waiting here (one registered after it sees closed below).
    whereisWaiting.add(result);
    result.whenComplete((found, error) -> whereisWaiting.remove(result));
    attemptWhereis(service, retries, config.whereisBackoff(), result);
    return result;
  }

  private void attemptWhereis(String service, int retriesLeft, Duration backoff,
      CompletableFuture<Optional<ServiceInstance>> result) {
    List<ServiceInstance> found = lookup(service);
    if (!found.isEmpty()) {
      ServiceInstance first = found.get(0);
      result.complete(Optional.of(first.node().equals(self) ? first : found.get(random(found.size()))));
      return;
    }
    if (closed) {
      result.complete(Optional.empty());
      return;
    }
    searchOverlay(service).whenComplete((instance, error) -> {
      if (instance != null && instance.isPresent()) {
        result.complete(instance);
      } else if (retriesLeft <= 0 || closed) {
        result.complete(Optional.empty());
      } else {
        long base = backoff.toMillis();
        long pause = base + (base > 1 ? random(Math.max(1, (int) (base / 2))) : 0);
        Duration next = backoff.multipliedBy(2).compareTo(Duration.ofSeconds(2)) > 0 ? Duration.ofSeconds(2)
            : backoff.multipliedBy(2);
        loop.schedule(() -> attemptWhereis(service, retriesLeft - 1, next, result), Duration.ofMillis(pause));
      }
    });
  }

  /** Runs one overlay search on the loop; completes with what it found, empty when nothing. */
  private CompletableFuture<Optional<ServiceInstance>> searchOverlay(String service) {
    CompletableFuture<Optional<ServiceInstance>> done = new CompletableFuture<>();
    loop.execute(() -> {
      if (closed) {
        done.complete(Optional.empty());
        return;
      }
      RegistryReplica.SearchStart start = replica.search(service, loop.nowMillis());
      searches.put(start.search(), done);
      apply(start.effects());
      if (closed && searches.remove(start.search()) != null) {
        done.complete(Optional.empty()); // closed meanwhile, after close() completed the others
      }
    });
    return done;
  }

  private static int random(int bound) {
    return ThreadLocalRandom.current().nextInt(bound); // only spreads callers; not protocol state
  }

  /** Every service name with at least one live instance, sorted. */
  public SortedSet<String> list() {
    SortedSet<String> names = new TreeSet<>();
    for (String service : byService.keySet()) {
      if (!lookup(service).isEmpty()) {
        names.add(service);
      }
    }
    return names;
  }

  /**
   * Calls {@code listener} for every change of the services {@code filter} selects, once per change,
   * one at a time and in order, on the application executor. Close the handle to stop.
   */
  public AutoCloseable subscribe(ServiceFilter filter, Consumer<ServiceEvent> listener) {
    Subscriber s = new Subscriber(Objects.requireNonNull(filter, "filter"), Objects.requireNonNull(listener, "listener"),
        new SerialDelivery(applicationExecutor));
    subscribers.add(s);
    return () -> subscribers.remove(s);
  }

  /**
   * Opens a mailbox that receives every change of the services {@code filter} selects, once per
   * change and in order, put in by the turn that makes the change: the pull-based alternative to
   * {@link #subscribe}, with no thread hand-off. A thread that registers and then polls finds its
   * own event already there. At most {@code capacity} events wait; more are dropped and counted
   * ({@link ServiceEventQueue#missed()}, metric {@code barrel.p2p.registry.events.missed}). Close the
   * mailbox to stop; closing the registry closes it too.
   *
   * @throws IllegalArgumentException when {@code capacity} is below 1
   * @throws IllegalStateException when the registry is closed
   */
  public ServiceEventQueue events(ServiceFilter filter, int capacity) {
    requireOpen();
    ServiceEventQueue queue = new ServiceEventQueue(filter, capacity, queues::remove);
    queues.add(queue);
    if (closed) {
      queue.close(); // closed meanwhile, after close() closed the others
    }
    return queue;
  }

  /**
   * True once a neighbour has answered one of this node's digests: the answer travels behind the
   * chunks it sent on the same ordered control stream, so by then this replica holds everything that
   * neighbour held. Readiness checks use it; it stays true for the node's life.
   */
  public boolean synced() {
    return synced;
  }

  /** Entries held (visible or not) and the anti-entropy state, for operators; read on the loop. */
  public CompletableFuture<RegistryStats> stats() {
    return loop.call(replica::stats);
  }

  /** Unregisters everything this node registered and stops. Idempotent. */
  public CompletableFuture<Void> unregisterAll() {
    return loop.call(() -> {
      apply(replica.unregisterAll(loop.nowMillis()));
      return null;
    });
  }

  @Override
  public void close() {
    closed = true;
    // No effect will end them now: a whereis waiting on the overlay finds nothing.
    // Taken out one by one rather than cleared: a search registered on the loop while this runs is
    // either taken here or, seeing closed, taken and completed by the loop; a clear() could drop one
    // that neither completes.
    for (Long search : searches.keySet()) { // a concurrent map's keys: safe to remove from while iterating
      CompletableFuture<Optional<ServiceInstance>> waiting = searches.remove(search);
      if (waiting != null) {
        waiting.complete(Optional.empty());
      }
    }
    List.copyOf(whereisWaiting).forEach(f -> f.complete(Optional.empty()));
    queues.forEach(ServiceEventQueue::close);
  }

  private void requireOpen() {
    if (closed) {
      throw new IllegalStateException("the registry of " + self + " is closed");
    }
  }

  // ------------------------------------------------------------------ inputs (on the loop)

  private void onBroadcast(PlumtreeEffect.Deliver delivery) {
    if (closed) {
      return;
    }
    byte[] payload = delivery.payload();
    countIn(payload);
    apply(replica.onBroadcast(delivery.origin(), payload, loop.nowMillis()));
  }

  private void onControl(NodeName from, byte[] payload) {
    if (closed) {
      return;
    }
    countIn(payload);
    apply(replica.onControl(from, payload, loop.nowMillis()));
    synced = replica.synced();
  }

  private void onMembership(MembershipEvent event) {
    if (closed) {
      return;
    }
    if (event instanceof MembershipEvent.PeerUp) {
      apply(replica.onNeighbourUp(event.peer(), loop.nowMillis()));
    } else {
      apply(replica.onNeighbourDown(event.peer(), loop.nowMillis()));
    }
  }

  private void countIn(byte[] payload) {
    String type = RegistryMessage.typeName(payload);
    if (type != null) {
      metrics.increment(MeterName.REGISTRY_MESSAGES, type, "in");
    }
  }

  // ------------------------------------------------------------------ effects (on the loop)

  private void apply(List<RegistryEffect> effects) {
    for (RegistryEffect effect : effects) {
      if (effect instanceof RegistryEffect.Broadcast b) {
        broadcast(b.message());
      } else if (effect instanceof RegistryEffect.Send send) {
        send(send.peer(), send.message());
      } else if (effect instanceof RegistryEffect.Schedule schedule) {
        RegistryTimer timer = schedule.timer();
        loop.schedule(() -> {
          if (!closed) {
            apply(replica.onTimer(timer, loop.nowMillis()));
          }
        }, schedule.delay());
      } else if (effect instanceof RegistryEffect.Emit emit) {
        emit(emit.event());
      } else if (effect instanceof RegistryEffect.Visible v) {
        if (v.instances().isEmpty()) {
          byService.remove(v.service());
        } else {
          byService.put(v.service(), v.instances());
        }
      } else if (effect instanceof RegistryEffect.LeaseDeadline d) {
        if (d.deadlineMillis() == Long.MIN_VALUE) {
          leaseDeadlines.remove(d.node());
        } else {
          leaseDeadlines.put(d.node(), d.deadlineMillis());
        }
      } else if (effect instanceof RegistryEffect.LeaseExpired expired) {
        metrics.increment(MeterName.REGISTRY_LEASES_EXPIRED);
        log.info("{}: lease of {} expired; its services are down", self, expired.node());
      } else if (effect instanceof RegistryEffect.Reasserted r) {
        log.info("{}: {} was removed by the cluster while this node was unreachable; registering it again",
            self, r.instance().service());
      } else if (effect instanceof RegistryEffect.Rejected r) {
        metrics.increment(MeterName.REGISTRY_MESSAGES, "rejected", "in");
        log.warn("refused a registry delta from {}: {} ({})", r.from(), r.reason(), r.detail());
      } else if (effect instanceof RegistryEffect.Malformed m) {
        if (m.onControl()) {
          metrics.increment(MeterName.PROTOCOL_ERRORS, "registry");
          log.warn("malformed registry message from {} ({}); closing the connection", m.from(), m.why());
          transport.disconnect(m.from());
        } else {
          metrics.increment(MeterName.REGISTRY_MESSAGES, "malformed", "in");
          log.warn("malformed registry broadcast from {} ({})", m.from(), m.why());
        }
      } else if (effect instanceof RegistryEffect.SearchDone d) {
        CompletableFuture<Optional<ServiceInstance>> waiting = searches.remove(d.search());
        if (waiting != null) {
          waiting.complete(d.instance());
        }
      } else if (effect instanceof RegistryEffect.Routed r) {
        metrics.increment(r.own() ? MeterName.REGISTRY_ROUTE_SEARCHES : MeterName.REGISTRY_ROUTE_REQUESTS,
            r.outcome());
      } else {
        throw new AssertionError("unhandled registry effect " + effect);
      }
    }
  }

  private void broadcast(RegistryMessage message) {
    metrics.increment(MeterName.REGISTRY_MESSAGES, RegistryMessage.typeName(message), "out");
    try {
      broadcaster.broadcastOnLoop(topic, RegistryMessage.encode(message));
    } catch (IllegalArgumentException e) {
      // A delta over the broadcast limit: anti-entropy still carries it, in bounded chunks.
      log.warn("could not broadcast a registry message: {}", e.toString());
    }
  }

  private void send(NodeName peer, RegistryMessage message) {
    String type = RegistryMessage.typeName(message);
    metrics.increment(MeterName.REGISTRY_MESSAGES, type, "out");
    transport.sendControl(peer, CONTROL_CHANNEL, RegistryMessage.encode(message)).whenComplete((v, error) -> {
      if (error != null) {
        log.debug("could not send a registry {} to {}: {}", type, peer, error.toString());
      }
    });
  }

  private int visibleCount() {
    int n = 0;
    for (List<ServiceInstance> l : byService.values()) {
      n += l.size();
    }
    return n;
  }

  private void emit(ServiceEvent event) {
    metrics.increment(MeterName.REGISTRY_EVENTS, eventType(event));
    for (Subscriber s : subscribers) {
      if (s.filter().test(event.service())) {
        s.delivery().execute(() -> s.listener().accept(event));
      }
    }
    for (ServiceEventQueue q : queues) {
      if (q.filter().test(event.service()) && !q.offer(event)) {
        metrics.increment(MeterName.REGISTRY_EVENTS_MISSED);
      }
    }
  }

  private static String eventType(ServiceEvent event) {
    if (event instanceof ServiceEvent.Registered) {
      return "registered";
    }
    return event instanceof ServiceEvent.Unregistered ? "unregistered" : "down";
  }

  private record Subscriber(ServiceFilter filter, Consumer<ServiceEvent> listener, SerialDelivery delivery) {}
}
