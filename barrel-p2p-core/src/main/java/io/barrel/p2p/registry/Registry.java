package io.barrel.p2p.registry;

import io.barrel.p2p.NodeName;
import io.barrel.p2p.broadcast.Broadcaster;
import io.barrel.p2p.broadcast.PlumtreeEffect;
import io.barrel.p2p.broadcast.Topic;
import io.barrel.p2p.crdt.CrdtDecodeException;
import io.barrel.p2p.crdt.CrdtStats;
import io.barrel.p2p.crdt.Digest;
import io.barrel.p2p.crdt.Dot;
import io.barrel.p2p.crdt.HybridLogicalClock;
import io.barrel.p2p.crdt.IngestResult;
import io.barrel.p2p.crdt.OrMap;
import io.barrel.p2p.crdt.OrMapChange;
import io.barrel.p2p.crdt.OrMapCodec;
import io.barrel.p2p.crdt.OrMapDelta;
import io.barrel.p2p.crdt.OrMapEntry;
import io.barrel.p2p.crdt.OrMapUpdate;
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
import java.util.HashMap;
import java.util.LinkedHashMap;
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
 * </ul>
 *
 * <p>State lives on the node's {@link ProtocolLoop}; lookups read a snapshot and never block.
 */
public final class Registry implements AutoCloseable {

  /** The broadcast topic of deltas and heartbeats. */
  public static final String TOPIC = "barrel.registry";
  /** The control channel of anti-entropy. */
  public static final int CONTROL_CHANNEL = 3;

  private static final Logger log = LoggerFactory.getLogger(Registry.class);
  private static final String RESTARTED = "restarted";
  private static final String LEASE_EXPIRED = "lease-expired";

  private final NodeName self;
  private final Transport transport;
  private final Membership membership;
  private final Broadcaster broadcaster;
  private final ProtocolLoop loop;
  private final Metrics metrics;
  private final Executor applicationExecutor;
  private final RegistryConfig config;
  private final RandomGenerator random;
  private final Topic topic = Topic.of(TOPIC);
  private final CrdtStats crdtStats = new CrdtStats();
  private final OrMapCodec<ServiceInstance> codec;
  private final OrMap<ServiceInstance> map;
  private final Liveness liveness;

  // ---- loop-owned state
  /** This node's registrations by instance id: what it asserts again when others removed it. */
  private final Map<String, ServiceInstance> local = new LinkedHashMap<>();
  /** Entries reported visible (each was announced by a Registered event). */
  private final Map<Dot, ServiceInstance> visible = new HashMap<>();
  /** Instances removed by anti-entropy while their node's lease still ran: cause not known yet. */
  private final Map<NodeName, List<ServiceInstance>> undecided = new HashMap<>();
  private long instanceCounter;
  private boolean heartbeating;
  /** When the last registration of this node went, for the heartbeats that outlive it. */
  private long emptySince;

  // ---- snapshots for any thread
  private final Map<String, List<ServiceInstance>> byService = new ConcurrentHashMap<>();
  private final Map<NodeName, Long> leaseDeadlines = new ConcurrentHashMap<>();
  private final List<Subscriber> subscribers = new CopyOnWriteArrayList<>();
  private volatile boolean synced;
  private volatile boolean closed;

  /**
   * @param random chooses anti-entropy partners and removal jitter
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
    this.random = Objects.requireNonNull(random, "random");
    this.codec = new OrMapCodec<>(new ServiceInstanceCodec(), config.crdt());
    HybridLogicalClock clock = HybridLogicalClock.of(Clock.systemUTC(), config.crdt(), crdtStats);
    this.map = new OrMap<>(self, clock, codec, crdtStats);
    this.liveness = new Liveness(self, System.currentTimeMillis(), config.liveness());
  }

  /** Joins the registry: listens, announces this life, starts the timers. */
  public void start() {
    broadcaster.subscribe(topic, this::onBroadcast, loop);
    transport.onControl(CONTROL_CHANNEL, (from, payload) -> loop.execute(() -> onControl(from, payload)));
    membership.addLoopListener(this::onMembership);
    metrics.gauge(MeterName.REGISTRY_INSTANCES, () -> visibleCount());
    metrics.gauge(MeterName.REGISTRY_REJECTED, crdtStats::rejectedDeltas, "delta");
    metrics.gauge(MeterName.REGISTRY_REJECTED, crdtStats::rejectedTimestamps, "timestamp");
    loop.execute(() -> {
      // Tells every replica that counters of this node below our first are spoken for: entries an
      // earlier life of this node published vanish wherever this arrives.
      publish(map.startDelta());
      loop.schedule(this::heartbeatTick, config.liveness().heartbeatInterval());
      loop.schedule(this::expiryTick, expiryPeriod());
      loop.schedule(this::antiEntropyTick, config.antiEntropyInterval());
    });
  }

  // ------------------------------------------------------------------ API (any thread)

  /** Registers an instance of {@code service} on this node; the handle unregisters it. */
  public CompletableFuture<Registration> register(String service, ServiceMetadata metadata) {
    ServiceInstance.checkServiceName(service);
    Objects.requireNonNull(metadata, "metadata");
    return loop.call(() -> {
      requireOpen();
      String id = Long.toString(liveness.incarnation(), 36) + "-" + (++instanceCounter);
      ServiceInstance instance = new ServiceInstance(service, self, liveness.incarnation(), id, metadata);
      local.put(id, instance);
      startHeartbeats();
      OrMapUpdate<ServiceInstance> update = map.add(service, instance);
      publish(update.delta());
      applyChange(update.change());
      return new Registration(this, instance);
    });
  }

  /** Removes this node's registration; completes with false when it was already gone. */
  public CompletableFuture<Boolean> unregister(ServiceInstance instance) {
    return loop.call(() -> {
      if (local.remove(instance.instanceId()) == null) {
        return false;
      }
      emptySince = loop.nowMillis();
      OrMapUpdate<ServiceInstance> update = map.remove(instance.service(),
          e -> e.value().node().equals(self) && e.value().instanceId().equals(instance.instanceId()));
      publish(update.delta());
      applyChange(update.change());
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
   * so callers spread). Retries {@code whereis-retries} times with backoff and jitter while nothing
   * is known, which covers a registration still on its way.
   */
  public CompletableFuture<Optional<ServiceInstance>> whereis(String service) {
    return whereis(service, config.whereisRetries());
  }

  /** {@link #whereis(String)} with an explicit number of retries. */
  public CompletableFuture<Optional<ServiceInstance>> whereis(String service, int retries) {
    CompletableFuture<Optional<ServiceInstance>> result = new CompletableFuture<>();
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
    if (retriesLeft <= 0 || closed) {
      result.complete(Optional.empty());
      return;
    }
    long base = backoff.toMillis();
    long pause = base + (base > 1 ? random(Math.max(1, (int) (base / 2))) : 0);
    Duration next = backoff.multipliedBy(2).compareTo(Duration.ofSeconds(2)) > 0 ? Duration.ofSeconds(2)
        : backoff.multipliedBy(2);
    loop.schedule(() -> attemptWhereis(service, retriesLeft - 1, next, result), Duration.ofMillis(pause));
  }

  private int random(int bound) {
    synchronized (random) {
      return random.nextInt(bound);
    }
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
   * True once a neighbour has answered one of this node's digests: the answer travels behind the
   * chunks it sent on the same ordered control stream, so by then this replica holds everything that
   * neighbour held. Readiness checks use it; it stays true for the node's life.
   */
  public boolean synced() {
    return synced;
  }

  /** Entries held (visible or not) and the anti-entropy state, for operators; read on the loop. */
  public CompletableFuture<RegistryStats> stats() {
    return loop.call(() -> new RegistryStats(map.size(), visible.size(), local.size(), liveness.trackedNodes(),
        crdtStats.rejectedDeltas(), crdtStats.rejectedTimestamps()));
  }

  /** Unregisters everything this node registered and stops. Idempotent. */
  public CompletableFuture<Void> unregisterAll() {
    return loop.call(() -> {
      emptySince = loop.nowMillis();
      for (ServiceInstance instance : List.copyOf(local.values())) {
        local.remove(instance.instanceId());
        OrMapUpdate<ServiceInstance> update = map.remove(instance.service(),
            e -> e.value().node().equals(self) && e.value().instanceId().equals(instance.instanceId()));
        publish(update.delta());
        applyChange(update.change());
      }
      return null;
    });
  }

  @Override
  public void close() {
    closed = true;
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
    RegistryMessage message;
    try {
      message = RegistryMessage.decode(delivery.payload());
    } catch (IllegalArgumentException e) {
      metrics.increment(MeterName.REGISTRY_MESSAGES, "malformed", "in");
      log.warn("malformed registry broadcast from {} ({})", delivery.origin(), e.getMessage());
      return;
    }
    if (message instanceof RegistryMessage.Delta delta) {
      metrics.increment(MeterName.REGISTRY_MESSAGES, "delta", "in");
      ingest(delta.bytes(), delivery.origin(), delivery.origin());
    } else if (message instanceof RegistryMessage.Heartbeat heartbeat) {
      metrics.increment(MeterName.REGISTRY_MESSAGES, "heartbeat", "in");
      onLease(heartbeat.lease());
    } else {
      metrics.increment(MeterName.REGISTRY_MESSAGES, "misrouted", "in");
    }
  }

  private void onControl(NodeName from, byte[] payload) {
    if (closed) {
      return;
    }
    RegistryMessage message;
    try {
      message = RegistryMessage.decode(payload);
    } catch (IllegalArgumentException e) {
      malformedFrom(from, e.getMessage());
      return;
    }
    if (message instanceof RegistryMessage.DigestOffer offer) {
      metrics.increment(MeterName.REGISTRY_MESSAGES, "digest", "in");
      Digest remote;
      try {
        remote = codec.decodeDigest(offer.bytes());
      } catch (CrdtDecodeException e) {
        malformedFrom(from, e.getMessage());
        return;
      }
      for (byte[] chunk : codec.encodeChunks(map.missingFor(remote))) {
        send(from, new RegistryMessage.Chunk(chunk), "chunk");
      }
      if (!offer.reply()) {
        send(from, new RegistryMessage.DigestOffer(codec.encode(map.digest()), true), "digest");
      } else {
        synced = true;
      }
    } else if (message instanceof RegistryMessage.Chunk chunk) {
      metrics.increment(MeterName.REGISTRY_MESSAGES, "chunk", "in");
      ingest(chunk.bytes(), from, null);
    } else {
      malformedFrom(from, "a " + message.getClass().getSimpleName() + " does not travel on the control stream");
    }
  }

  private void malformedFrom(NodeName from, String why) {
    metrics.increment(MeterName.PROTOCOL_ERRORS, "registry");
    log.warn("malformed registry message from {} ({}); closing the connection", from, why);
    transport.disconnect(from);
  }

  /**
   * @param author the node that made this delta when known (a broadcast's origin), else null (an
   *     anti-entropy chunk mixes everyone's changes)
   */
  private void ingest(byte[] bytes, NodeName from, NodeName author) {
    IngestResult<ServiceInstance> result = map.ingest(bytes);
    if (result instanceof IngestResult.Rejected<ServiceInstance> rejected) {
      metrics.increment(MeterName.REGISTRY_MESSAGES, "rejected", "in");
      log.warn("refused a registry delta from {}: {} ({})", from, rejected.reason(), rejected.detail());
      return;
    }
    applyChange(((IngestResult.Accepted<ServiceInstance>) result).change(), author);
  }

  private void onLease(Lease lease) {
    long now = loop.nowMillis();
    Liveness.Update update = liveness.onLease(lease, now);
    if (update == Liveness.Update.STALE) {
      return;
    }
    leaseDeadlines.put(lease.node(), now + config.liveness().leaseExpiry().toMillis());
    for (ServiceInstance i : undecided.getOrDefault(lease.node(), List.of())) {
      emit(i.incarnation() < lease.incarnation() ? new ServiceEvent.Down(i, RESTARTED)
          : new ServiceEvent.Unregistered(i));
    }
    undecided.remove(lease.node());
    if (update == Liveness.Update.NEW_INCARNATION) {
      dropOlderLives(lease.node());
    }
    if (update != Liveness.Update.RENEWED) {
      // A node that is (again) alive: its held entries become visible. A renewal changes nothing
      // that is visible, and skipping it keeps heartbeats O(1).
      refreshVisibility(lease.node());
    }
  }

  private void onMembership(MembershipEvent event) {
    if (!closed && event instanceof MembershipEvent.PeerUp) {
      // A new neighbour may be a late joiner or the other half of a healed partition: compare now.
      offerDigest(event.peer());
    }
  }

  // ------------------------------------------------------------------ timers (on the loop)

  private void heartbeatTick() {
    if (closed) {
      return;
    }
    // Heartbeats go on for one lease after the last unregistration, so peers learn of it as an
    // unregistration (the delta) and not as this node going down (its lease running out first).
    boolean recentlyEmptied = loop.nowMillis() - emptySince < config.liveness().leaseExpiry().toMillis();
    if (!local.isEmpty() || (heartbeating && recentlyEmptied)) {
      broadcastHeartbeat();
    } else {
      heartbeating = false;
    }
    loop.schedule(this::heartbeatTick, config.liveness().heartbeatInterval());
  }

  private void startHeartbeats() {
    if (!heartbeating) {
      heartbeating = true;
      broadcastHeartbeat(); // before the delta, so peers that expired us see the new entries at once
    }
  }

  private void broadcastHeartbeat() {
    metrics.increment(MeterName.REGISTRY_MESSAGES, "heartbeat", "out");
    broadcast(new RegistryMessage.Heartbeat(liveness.nextHeartbeat()));
  }

  private Duration expiryPeriod() {
    return config.liveness().heartbeatInterval().dividedBy(2);
  }

  private void expiryTick() {
    if (closed) {
      return;
    }
    long now = loop.nowMillis();
    for (NodeName node : liveness.expire(now)) {
      metrics.increment(MeterName.REGISTRY_LEASES_EXPIRED);
      log.info("{}: lease of {} expired; its services are down", self, node);
      hideNode(node, LEASE_EXPIRED);
      // Every node would remove the same entries; a random pause lets the first removal reach the
      // others before they make their own, so one death is usually one delta, not N.
      long jitter = random(Math.max(1, (int) config.liveness().heartbeatInterval().toMillis()));
      loop.schedule(() -> removeExpired(node), Duration.ofMillis(jitter));
    }
    loop.schedule(this::expiryTick, expiryPeriod());
  }

  private void removeExpired(NodeName node) {
    if (closed) {
      return;
    }
    java.util.OptionalLong incarnation = liveness.incarnationOf(node);
    if (incarnation.isPresent() && liveness.isLive(node, incarnation.getAsLong(), loop.nowMillis())) {
      return; // revived meanwhile
    }
    boolean holdsAny = map.entries().stream().anyMatch(e -> e.value().node().equals(node));
    if (holdsAny) {
      OrMapUpdate<ServiceInstance> update = map.removeAllOf(node);
      publish(update.delta());
      applyChange(update.change());
    }
  }

  private void antiEntropyTick() {
    if (closed) {
      return;
    }
    List<NodeName> neighbours = new ArrayList<>(membership.activeView());
    if (!neighbours.isEmpty()) {
      offerDigest(neighbours.get(random(neighbours.size())));
    }
    loop.schedule(this::antiEntropyTick, config.antiEntropyInterval());
  }

  private void offerDigest(NodeName peer) {
    send(peer, new RegistryMessage.DigestOffer(codec.encode(map.digest()), false), "digest");
  }

  // ------------------------------------------------------------------ effects (on the loop)

  private void publish(OrMapDelta<ServiceInstance> delta) {
    if (delta.isEmpty()) {
      return;
    }
    for (byte[] chunk : codec.encodeChunks(delta)) {
      metrics.increment(MeterName.REGISTRY_MESSAGES, "delta", "out");
      broadcast(new RegistryMessage.Delta(chunk));
    }
  }

  private void broadcast(RegistryMessage message) {
    broadcaster.broadcast(topic, RegistryMessage.encode(message)).whenComplete((id, error) -> {
      if (error != null) {
        log.warn("could not broadcast a registry message: {}", error.toString());
      }
    });
  }

  private void send(NodeName peer, RegistryMessage message, String type) {
    metrics.increment(MeterName.REGISTRY_MESSAGES, type, "out");
    transport.sendControl(peer, CONTROL_CHANNEL, RegistryMessage.encode(message)).whenComplete((v, error) -> {
      if (error != null) {
        log.debug("could not send a registry {} to {}: {}", type, peer, error.toString());
      }
    });
  }

  // ------------------------------------------------------------------ visibility and events

  /**
   * Folds a change of the map into what is visible, emitting one event per instance that appears or
   * disappears, then asserts again any of this node's registrations the change took away.
   */
  private void applyChange(OrMapChange<ServiceInstance> change) {
    applyChange(change, self);
  }

  /**
   * @param author who made the change: this node, a broadcast's origin, or null when unknown. A
   *     removal of a node's instance made by another node is that node's lease expiring somewhere
   *     first (or its restart), so it is reported down, not unregistered, even if this node's own
   *     view of the lease has not run out yet; with no author the event waits for the node's next
   *     heartbeat (unregistered) or its lease expiry (down).
   */
  private void applyChange(OrMapChange<ServiceInstance> change, NodeName author) {
    if (change.isEmpty()) {
      return;
    }
    long now = loop.nowMillis();
    Set<String> touched = new TreeSet<>();
    boolean lostOwn = false;
    for (OrMapEntry<ServiceInstance> entry : change.removed()) {
      ServiceInstance i = entry.value();
      touched.add(i.service());
      if (visible.remove(entry.dot()) != null) {
        if (!i.node().equals(self) && liveness.incarnationOf(i.node()).orElse(0) > i.incarnation()) {
          emit(new ServiceEvent.Down(i, RESTARTED));
        } else if (i.node().equals(self) || (author != null && author.equals(i.node()))) {
          emit(new ServiceEvent.Unregistered(i));
        } else if (author != null || leaseDeadlines.getOrDefault(i.node(), Long.MIN_VALUE) < now) {
          emit(new ServiceEvent.Down(i, LEASE_EXPIRED)); // another node removed it: the lease ran out there
        } else {
          // By anti-entropy, author unknown, and the lease still runs here: the node's next heartbeat
          // (it keeps beating for a lease after unregistering) says unregistered, its expiry says down.
          undecided.computeIfAbsent(i.node(), n -> new ArrayList<>()).add(i);
        }
      }
      lostOwn |= i.node().equals(self) && local.containsKey(i.instanceId());
    }
    for (OrMapEntry<ServiceInstance> entry : change.added()) {
      ServiceInstance i = entry.value();
      touched.add(i.service());
      if (liveness.track(i.node(), i.incarnation(), now)) {
        leaseDeadlines.put(i.node(), now + config.liveness().leaseExpiry().toMillis());
        dropOlderLives(i.node());
      }
      leaseDeadlines.computeIfAbsent(i.node(), n -> now + config.liveness().leaseExpiry().toMillis());
      if (i.node().equals(self) && i.incarnation() != liveness.incarnation()) {
        continue; // an earlier life of this node: the start delta removes it everywhere
      }
      if (liveness.isLive(i.node(), i.incarnation(), now) && visible.put(entry.dot(), i) == null) {
        emit(new ServiceEvent.Registered(i));
      }
    }
    touched.forEach(this::rebuild);
    if (lostOwn) {
      reassertOwn();
    }
  }

  /** Puts back this node's registrations that others removed while they could not hear it. */
  private void reassertOwn() {
    for (ServiceInstance instance : local.values()) {
      boolean present = map.get(instance.service()).stream()
          .anyMatch(e -> e.value().node().equals(self) && e.value().instanceId().equals(instance.instanceId()));
      if (!present) {
        log.info("{}: {} was removed by the cluster while this node was unreachable; registering it again",
            self, instance.service());
        startHeartbeats();
        OrMapUpdate<ServiceInstance> update = map.add(instance.service(), instance);
        publish(update.delta());
        applyChange(update.change());
      }
    }
  }

  /** Entries of {@code node}'s earlier lives: hidden as down at once and removed everywhere. */
  private void dropOlderLives(NodeName node) {
    long current = liveness.incarnationOf(node).orElse(0);
    List<Dot> old = new ArrayList<>();
    for (OrMapEntry<ServiceInstance> e : map.entries()) {
      if (e.value().node().equals(node) && e.value().incarnation() < current) {
        old.add(e.dot());
      }
    }
    if (old.isEmpty()) {
      return;
    }
    for (Dot dot : old) {
      ServiceInstance i = visible.remove(dot);
      if (i != null) {
        emit(new ServiceEvent.Down(i, RESTARTED));
      }
    }
    OrMapUpdate<ServiceInstance> update = map.remove(old);
    publish(update.delta());
    update.change().removed().forEach(e -> rebuild(e.value().service()));
  }

  private void hideNode(NodeName node, String reason) {
    for (ServiceInstance i : undecided.getOrDefault(node, List.of())) {
      emit(new ServiceEvent.Down(i, reason));
    }
    undecided.remove(node);
    Set<String> touched = new TreeSet<>();
    visible.entrySet().removeIf(e -> {
      if (e.getValue().node().equals(node)) {
        emit(new ServiceEvent.Down(e.getValue(), reason));
        touched.add(e.getValue().service());
        return true;
      }
      return false;
    });
    touched.forEach(this::rebuild);
  }

  /** A node alive again: its held entries of the current life become visible. */
  private void refreshVisibility(NodeName node) {
    long now = loop.nowMillis();
    Set<String> touched = new TreeSet<>();
    for (OrMapEntry<ServiceInstance> e : map.entries()) {
      ServiceInstance i = e.value();
      if (i.node().equals(node) && !visible.containsKey(e.dot()) && liveness.isLive(node, i.incarnation(), now)) {
        visible.put(e.dot(), i);
        emit(new ServiceEvent.Registered(i));
        touched.add(i.service());
      }
    }
    touched.forEach(this::rebuild);
  }

  private void rebuild(String service) {
    List<ServiceInstance> instances = new ArrayList<>();
    for (OrMapEntry<ServiceInstance> e : map.get(service)) {
      if (visible.containsKey(e.dot())) {
        instances.add(e.value());
      }
    }
    if (instances.isEmpty()) {
      byService.remove(service);
    } else {
      byService.put(service, List.copyOf(instances));
    }
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
  }

  private static String eventType(ServiceEvent event) {
    if (event instanceof ServiceEvent.Registered) {
      return "registered";
    }
    return event instanceof ServiceEvent.Unregistered ? "unregistered" : "down";
  }

  private record Subscriber(ServiceFilter filter, Consumer<ServiceEvent> listener, SerialDelivery delivery) {}
}
