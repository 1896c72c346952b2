package io.barrel.p2p.registry;

import io.barrel.p2p.NodeName;
import io.barrel.p2p.crdt.CrdtDecodeException;
import io.barrel.p2p.crdt.CrdtStats;
import io.barrel.p2p.crdt.DeltaRejection;
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
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.LongSupplier;
import java.util.random.RandomGenerator;

/**
 * The rules of one node's service registry, pure and deterministic: {@code (state, input, now) →
 * effects}. It holds the node's OR-Map replica and its lease records and decides which instances
 * are visible, which events to emit, what to broadcast and send, and when; the {@link Registry}
 * driver carries the {@link RegistryEffect}s out, and the simulator runs the same code in virtual
 * time.
 *
 * <ul>
 *   <li><b>Visible</b>: an instance is visible while its node's lease runs ({@link Liveness}) and no
 *       later life of its node has been seen; this node's own instances of this life always are.
 *   <li><b>Events, once per change</b>: {@code Registered} when an instance becomes visible;
 *       {@code Unregistered} when its own node removed it; {@code Down} when it went because its lease
 *       ran out (here, or somewhere else first: a removal broadcast by another node) or its node
 *       restarted. A removal learned by anti-entropy (author unknown) while the lease still runs here
 *       is <em>undecided</em>: hidden at once, reported when the node's next heartbeat (it beats on for
 *       a lease after its last unregistration: {@code Unregistered}) or its expiry ({@code Down})
 *       says which it was.
 *   <li><b>Lease expiry</b>: instances are hidden at once, reported down, and removed from the map
 *       after a random part of a heartbeat interval, so one node's removal usually reaches the others
 *       before they make their own.
 *   <li><b>Restart</b>: a later incarnation of a node (its heartbeat, or its entries) makes the
 *       earlier life's entries dead at once; they are removed everywhere.
 *   <li><b>Reassertion</b>: when this node's own live registrations are removed (the others expired
 *       it during a partition), it adds them again.
 * </ul>
 *
 * <p>Entries of one node are found through the OR-Map's dot index ({@link OrMap#entriesOf}), which
 * holds because an instance is only ever written by its own node; a delta with an entry written by
 * another node than the instance's is refused whole.
 *
 * <p>Not thread-safe: the node's protocol loop owns it. It reads no clock: monotonic time comes
 * with each input, wall time for the OR-Map's clock from the supplier given at construction.
 */
public final class RegistryReplica {

  /** The reason of a {@link ServiceEvent.Down} for an instance whose node restarted. */
  public static final String RESTARTED = "restarted";
  /** The reason of a {@link ServiceEvent.Down} for an instance whose node's lease ran out. */
  public static final String LEASE_EXPIRED = "lease-expired";

  private final NodeName self;
  private final RegistryConfig config;
  private final RandomGenerator random;
  private final CrdtStats crdtStats = new CrdtStats();
  private final OrMapCodec<ServiceInstance> codec;
  private final OrMap<ServiceInstance> map;
  private final Liveness liveness;
  private final OverlaySearch overlay;

  /** This node's registrations by instance id: what it asserts again when others removed it. */
  private final Map<String, ServiceInstance> local = new LinkedHashMap<>();
  /** What subscribers were told is there, and what was hidden with its cause not known yet. */
  private final VisibleInstances shown = new VisibleInstances();
  /** Which expired nodes' entries this node removes, and when. */
  private final RemovalDuty removals;
  /** The active view, in the order peers came up; anti-entropy picks a random one. */
  private final List<NodeName> neighbours = new ArrayList<>();
  private long instanceCounter;
  private boolean heartbeating;
  /** Whether a delta of this life went out (the first carries the start context). */
  private boolean announced;
  /** When the last registration of this node went, for the heartbeats that outlive it. */
  private long emptySince;

  /**
   * @param incarnation this node's life: its start time in wall-clock milliseconds, and above every earlier life
   *     of the node whatever its clock did ({@link io.barrel.p2p.identity.IncarnationStore})
   * @param wallMillis wall-clock time for the OR-Map's hybrid logical clock (which stamps entries
   *     and seeds dot counters)
   * @param random chooses anti-entropy partners and removal jitter
   */
  private boolean synced;

  public RegistryReplica(NodeName self, long incarnation, RegistryConfig config, LongSupplier wallMillis,
      RandomGenerator random) {
    this.self = Objects.requireNonNull(self, "self");
    this.config = Objects.requireNonNull(config, "config");
    this.random = Objects.requireNonNull(random, "random");
    this.codec = new OrMapCodec<>(new ServiceInstanceCodec(), config.crdt());
    HybridLogicalClock clock = new HybridLogicalClock(wallMillis, config.crdt().maxClockOffset(), crdtStats);
    this.map = new OrMap<>(self, clock, codec, crdtStats);
    this.liveness = new Liveness(self, incarnation, config.liveness());
    this.overlay = new OverlaySearch(self, config.overlay(), random);
    this.removals = new RemovalDuty(self, liveness, config.liveness().heartbeatInterval(), random);
  }

  // ------------------------------------------------------------------ inputs

  /**
   * Arms the timers. Nothing is broadcast yet: this life announces itself with its first delta
   * (see {@link #publish}), and to each neighbour with its first digest.
   */
  public List<RegistryEffect> start(long now) {
    RegistryOutbox out = new RegistryOutbox();
    out.schedule(RegistryTimer.Periodic.HEARTBEAT, config.liveness().heartbeatInterval());
    out.schedule(RegistryTimer.Periodic.EXPIRY_CHECK, expiryPeriod());
    out.schedule(RegistryTimer.Periodic.ANTI_ENTROPY, config.antiEntropyInterval());
    out.schedule(RegistryTimer.Periodic.ROUTE_SWEEP, config.overlay().routeCacheSweep());
    return out.effects();
  }

  /**
   * A new registration of this node, not yet registered: hand it to {@link #register}.
   *
   * @throws IllegalArgumentException when the name or metadata cannot travel (over the CRDT bounds)
   */
  public ServiceInstance newInstance(String service, ServiceMetadata metadata) {
    String id = Long.toString(liveness.incarnation(), 36) + "-" + (instanceCounter + 1);
    ServiceInstance instance = new ServiceInstance(service, self, liveness.incarnation(), id, metadata);
    codec.checkEntry(service, instance);
    instanceCounter++;
    return instance;
  }

  /** Registers {@code instance}, made by {@link #newInstance}: visible here at once, everywhere soon. */
  public List<RegistryEffect> register(ServiceInstance instance, long now) {
    if (!instance.node().equals(self) || instance.incarnation() != liveness.incarnation()) {
      throw new IllegalArgumentException(instance + " is not an instance of this life of " + self);
    }
    if (local.containsKey(instance.instanceId())) {
      throw new IllegalArgumentException(instance.instanceId() + " is already registered");
    }
    RegistryOutbox out = new RegistryOutbox();
    local.put(instance.instanceId(), instance);
    startHeartbeats(out);
    OrMapUpdate<ServiceInstance> update = map.add(instance.service(), instance);
    publish(update.delta(), out);
    applyChange(update.change(), self, now, out);
    return out.effects();
  }

  /** True while {@code instance} is one of this node's registrations. */
  public boolean isRegistered(ServiceInstance instance) {
    return instance.equals(local.get(instance.instanceId()));
  }

  /** Removes this node's registration {@code instance} everywhere; nothing when it is not registered. */
  public List<RegistryEffect> unregister(ServiceInstance instance, long now) {
    RegistryOutbox out = new RegistryOutbox();
    if (isRegistered(instance)) {
      removeOwn(instance, now, out);
    }
    return out.effects();
  }

  /** Removes every registration of this node (a graceful leave). */
  public List<RegistryEffect> unregisterAll(long now) {
    RegistryOutbox out = new RegistryOutbox();
    emptySince = now;
    for (ServiceInstance instance : List.copyOf(local.values())) {
      removeOwn(instance, now, out);
    }
    return out.effects();
  }

  private void removeOwn(ServiceInstance instance, long now, RegistryOutbox out) {
    local.remove(instance.instanceId());
    emptySince = now;
    OrMapUpdate<ServiceInstance> update = map.remove(instance.service(),
        e -> e.value().node().equals(self) && e.value().instanceId().equals(instance.instanceId()));
    publish(update.delta(), out);
    applyChange(update.change(), self, now, out);
  }

  /** A registry broadcast from {@code origin} (delta or heartbeat) arrived. */
  public List<RegistryEffect> onBroadcast(NodeName origin, byte[] payload, long now) {
    RegistryOutbox out = new RegistryOutbox();
    RegistryMessage message;
    try {
      message = RegistryMessage.decode(payload);
    } catch (IllegalArgumentException e) {
      out.add(new RegistryEffect.Malformed(origin, e.getMessage(), false));
      return out.effects();
    }
    if (message instanceof RegistryMessage.Delta delta) {
      ingest(delta.bytes(), origin, origin, delta.incarnation(), now, out);
    } else if (message instanceof RegistryMessage.Heartbeat heartbeat) {
      onLease(heartbeat, now, out);
    } else {
      out.add(new RegistryEffect.Malformed(origin, "a " + message.getClass().getSimpleName()
          + " is not broadcast", false));
    }
    return out.effects();
  }

  /** A message from neighbour {@code from} arrived on the registry's control channel. */
  public List<RegistryEffect> onControl(NodeName from, byte[] payload, long now) {
    RegistryOutbox out = new RegistryOutbox();
    RegistryMessage message;
    try {
      message = RegistryMessage.decode(payload);
    } catch (IllegalArgumentException e) {
      out.add(new RegistryEffect.Malformed(from, e.getMessage(), true));
      return out.effects();
    }
    if (message instanceof RegistryMessage.DigestOffer offer) {
      noteLife(from, offer.incarnation(), now, out);
      Digest remote;
      try {
        remote = codec.decodeDigest(offer.bytes());
      } catch (CrdtDecodeException e) {
        out.add(new RegistryEffect.Malformed(from, e.getMessage(), true));
        return out.effects();
      }
      for (byte[] chunk : codec.encodeChunks(map.missingFor(remote))) {
        out.add(new RegistryEffect.Send(from, new RegistryMessage.Chunk(liveness.incarnation(), chunk)));
      }
      if (!offer.reply()) {
        out.add(new RegistryEffect.Send(from, new RegistryMessage.DigestOffer(liveness.incarnation(),
            codec.encode(map.digest()), true)));
      } else {
        // A reply travels behind the chunks its sender sent on the same ordered control stream.
        synced = true;
      }
    } else if (message instanceof RegistryMessage.RouteRequest request) {
      overlay.onRequest(from, request, lookup(request.service(), now), neighbours, now, out);
    } else if (message instanceof RegistryMessage.RouteReply reply) {
      overlay.onReply(from, reply, neighbours, now, out);
    } else if (message instanceof RegistryMessage.Chunk chunk) {
      // The chunk mixes everyone's changes, so it has no author; but it says which life of its
      // sender is speaking, which settles removals of the sender's own earlier life.
      noteLife(from, chunk.incarnation(), now, out);
      ingest(chunk.bytes(), from, null, -1, now, out);
    } else {
      out.add(new RegistryEffect.Malformed(from, "a " + message.getClass().getSimpleName()
          + " does not travel on the control stream", true));
    }
    return out.effects();
  }

  /**
   * {@code peer} joined the active view. A new neighbour may be a late joiner or the other half of a
   * healed partition: the two compare digests at once.
   */
  public List<RegistryEffect> onNeighbourUp(NodeName peer, long now) {
    RegistryOutbox out = new RegistryOutbox();
    if (!neighbours.contains(peer)) {
      neighbours.add(peer);
    }
    offerDigest(peer, out);
    return out.effects();
  }

  /** {@code peer} left the active view: overlay questions to it fail now. */
  public List<RegistryEffect> onNeighbourDown(NodeName peer, long now) {
    RegistryOutbox out = new RegistryOutbox();
    neighbours.remove(peer);
    overlay.onNeighbourDown(peer, neighbours, now, out);
    return out.effects();
  }

  /** The start of an overlay search: its number, and the effects (maybe already its end). */
  public record SearchStart(long search, List<RegistryEffect> effects) {
    /** Copies the effects. */
    public SearchStart {
      effects = List.copyOf(effects);
    }
  }

  /**
   * Looks for a live instance of {@code service} through the overlay ({@link OverlaySearch}): for a
   * {@code whereis} that found none in this node's copy. It ends with a
   * {@link RegistryEffect.SearchDone} carrying the returned number, in these effects already if this
   * node's copy has one after all, the fallback is off, there is no neighbour, or this node takes part
   * in as many searches as it may (then counted as overloaded).
   */
  public SearchStart search(String service, long now) {
    ServiceInstance.checkServiceName(service);
    RegistryOutbox out = new RegistryOutbox();
    List<ServiceInstance> found = lookup(service, now);
    long number = found.isEmpty() ? overlay.start(service, neighbours, now, out)
        : overlay.foundHere(found.get(0), out);
    return new SearchStart(number, out.effects());
  }

  /** A timer asked for by a {@link RegistryEffect.Schedule} fired. */
  public List<RegistryEffect> onTimer(RegistryTimer timer, long now) {
    RegistryOutbox out = new RegistryOutbox();
    if (timer instanceof RegistryTimer.RemoveExpired remove) {
      removeExpired(remove.node(), now, out);
    } else if (timer == RegistryTimer.Periodic.HEARTBEAT) {
      heartbeatTick(now, out);
    } else if (timer == RegistryTimer.Periodic.EXPIRY_CHECK) {
      expiryTick(now, out);
    } else if (timer instanceof RegistryTimer.AskDeadline deadline) {
      overlay.onAskDeadline(deadline, neighbours, now, out);
    } else if (timer == RegistryTimer.Periodic.ROUTE_SWEEP) {
      overlay.sweep(now);
      out.schedule(RegistryTimer.Periodic.ROUTE_SWEEP, config.overlay().routeCacheSweep());
    } else if (timer == RegistryTimer.Periodic.ANTI_ENTROPY) {
      if (!neighbours.isEmpty()) {
        offerDigest(neighbours.get(random.nextInt(neighbours.size())), out);
      }
      out.schedule(RegistryTimer.Periodic.ANTI_ENTROPY, config.antiEntropyInterval());
    } else {
      throw new AssertionError("unhandled registry timer " + timer);
    }
    return out.effects();
  }

  // ------------------------------------------------------------------ reads

  /**
   * True once a neighbour has answered one of this node's digests: by then this replica holds
   * everything that neighbour held. Stays true for the replica's life.
   */
  public boolean synced() {
    return synced;
  }

  /** This node. */
  public NodeName self() {
    return self;
  }

  /** This node's life. */
  public long incarnation() {
    return liveness.incarnation();
  }

  /**
   * Live instances of {@code service} at {@code now}, this node's first: the same answer the
   * driver's snapshot gives other threads.
   */
  public List<ServiceInstance> lookup(String service, long now) {
    List<ServiceInstance> mine = new ArrayList<>(1);
    List<ServiceInstance> others = new ArrayList<>();
    for (ServiceInstance i : shownOf(service)) {
      if (i.node().equals(self)) {
        mine.add(i);
      } else if (liveness.deadline(i.node()).orElse(Long.MIN_VALUE) >= now) {
        others.add(i);
      }
    }
    mine.addAll(others);
    return mine;
  }

  /** Overlay searches this node takes part in now, its own and relayed ones. */
  public int searchesInFlight() {
    return overlay.inFlight();
  }

  /** Services the overlay remembers a route to. */
  public int routes() {
    return overlay.routes();
  }

  /** Every service with at least one instance held (visible or not), sorted. */
  public Set<String> services() {
    return map.keys();
  }

  /**
   * Instances hidden by a removal whose cause is not known yet (learnt by anti-entropy while their
   * node's lease runs): no event has reported them gone; the next heartbeat or the expiry will.
   */
  public List<ServiceInstance> undecided() {
    return shown.undecided();
  }

  /** Instances visible now (reported by a Registered event and not gone since). */
  public int visibleCount() {
    return shown.count();
  }

  /** The counts operators see. */
  public RegistryStats stats() {
    return new RegistryStats(map.size(), shown.count(), local.size(), liveness.trackedNodes(),
        crdtStats.rejectedDeltas(), crdtStats.rejectedTimestamps());
  }

  /** Refused CRDT input; atomic counters, readable from any thread. */
  public CrdtStats crdtStats() {
    return crdtStats;
  }

  // ------------------------------------------------------------------ ingest and leases

  /**
   * @param author the node that made this delta when known (a broadcast's origin), else null (an
   *     anti-entropy chunk mixes everyone's changes)
   * @param authorIncarnation the author's life when it made the delta, when known
   */
  private void ingest(byte[] bytes, NodeName from, NodeName author, long authorIncarnation, long now,
      RegistryOutbox out) {
    OrMapDelta<ServiceInstance> delta;
    try {
      delta = codec.decodeDelta(bytes);
    } catch (CrdtDecodeException e) {
      refuse(from, e.oversized() ? DeltaRejection.OVERSIZED : DeltaRejection.MALFORMED, e.getMessage(), out);
      return;
    }
    for (OrMapEntry<ServiceInstance> entry : delta.entries()) {
      if (!entry.dot().node().equals(entry.value().node())) {
        // Only a node registers its own instances; anything else is forged, and would defeat the
        // per-node index that expiry and restarts rely on.
        refuse(from, DeltaRejection.MALFORMED, "entry " + entry.dot() + " holds an instance of "
            + entry.value().node() + ", written by another node", out);
        return;
      }
    }
    IngestResult<ServiceInstance> result = map.ingest(delta);
    if (result instanceof IngestResult.Rejected<ServiceInstance> rejected) {
      out.add(new RegistryEffect.Rejected(from, rejected.reason(), rejected.detail()));
      return;
    }
    if (author != null) {
      noteLife(author, authorIncarnation, now, out);
    }
    applyChange(((IngestResult.Accepted<ServiceInstance>) result).change(), author, now, out);
  }

  /**
   * A delta from a later life of a node known here is its restart (its start delta usually comes
   * before any heartbeat): the earlier life is dead at once, and the removals the delta brings are
   * reported as such.
   */
  private void noteLife(NodeName author, long incarnation, long now, RegistryOutbox out) {
    OptionalLong known = liveness.incarnationOf(author);
    if (known.isPresent() && incarnation > known.getAsLong() && liveness.track(author, incarnation, now)) {
      out.add(new RegistryEffect.LeaseDeadline(author, liveness.deadline(author).getAsLong()));
      dropOlderLives(author, out);
    }
  }

  private void refuse(NodeName from, DeltaRejection reason, String detail, RegistryOutbox out) {
    crdtStats.deltaRejected(reason);
    out.add(new RegistryEffect.Rejected(from, reason, detail));
  }

  private void onLease(RegistryMessage.Heartbeat heartbeat, long now, RegistryOutbox out) {
    Lease lease = heartbeat.lease();
    Liveness.Update update = liveness.onLease(lease, now);
    if (update == Liveness.Update.STALE) {
      return;
    }
    out.add(new RegistryEffect.LeaseDeadline(lease.node(), liveness.deadline(lease.node()).getAsLong()));
    List<ServiceInstance> pending = shown.undecidedOf(lease.node());
    if (!pending.isEmpty()) {
      decideUndecided(heartbeat, pending, out);
    }
    if (update == Liveness.Update.NEW_INCARNATION) {
      dropOlderLives(lease.node(), out);
    }
    if (update != Liveness.Update.RENEWED) {
      // A node that is (again) alive: its held entries become visible. A renewal changes nothing
      // that is visible, and skipping it keeps heartbeats O(1).
      refreshVisibility(lease.node(), now, out);
    }
  }

  /**
   * Instances of the heartbeat's node hidden by a removal learnt by anti-entropy. Those of an earlier
   * life went with its restart. Those of this life were unregistered if the node agrees they are gone:
   * its summary of its own entries equals what this replica holds of them. Otherwise the node has not
   * learnt of the removal yet (another node expired it during a partition): it will assert them again,
   * which shows them silently, or die, which reports them down.
   */
  private void decideUndecided(RegistryMessage.Heartbeat heartbeat, List<ServiceInstance> pending,
      RegistryOutbox out) {
    long life = heartbeat.lease().incarnation();
    boolean agrees = false;
    if (pending.stream().anyMatch(i -> i.incarnation() >= life)) {
      long count = 0;
      long hash = 0;
      for (OrMapEntry<ServiceInstance> e : map.entriesOf(heartbeat.lease().node())) {
        if (e.value().incarnation() == life) {
          count++;
          hash = Digest.NodeSummary.fingerprint(hash, e.dot().counter());
        }
      }
      agrees = count == heartbeat.entries() && hash == heartbeat.fingerprint();
    }
    for (ServiceInstance i : pending) {
      if (i.incarnation() < life) {
        shown.decided(i);
        out.emit(new ServiceEvent.Down(i, RESTARTED));
      } else if (agrees) {
        shown.decided(i);
        out.emit(new ServiceEvent.Unregistered(i));
      }
    }
  }

  /** This node's heartbeat, with the summary of the entries it holds of its own in this life. */
  private RegistryMessage.Heartbeat heartbeat() {
    long count = 0;
    long hash = 0;
    for (OrMapEntry<ServiceInstance> e : map.entriesOf(self)) {
      if (e.value().incarnation() == liveness.incarnation()) {
        count++;
        hash = Digest.NodeSummary.fingerprint(hash, e.dot().counter());
      }
    }
    return new RegistryMessage.Heartbeat(liveness.nextHeartbeat(), count, hash);
  }

  // ------------------------------------------------------------------ timers

  private void heartbeatTick(long now, RegistryOutbox out) {
    // Heartbeats go on for one lease after the last unregistration, so peers learn of it as an
    // unregistration (the delta) and not as this node going down (its lease running out first).
    boolean recentlyEmptied = now - emptySince < config.liveness().leaseExpiry().toMillis();
    if (!local.isEmpty() || (heartbeating && recentlyEmptied)) {
      out.add(new RegistryEffect.Broadcast(heartbeat()));
    } else {
      heartbeating = false;
    }
    out.schedule(RegistryTimer.Periodic.HEARTBEAT, config.liveness().heartbeatInterval());
  }

  private void startHeartbeats(RegistryOutbox out) {
    if (!heartbeating) {
      heartbeating = true;
      // Before the delta, so peers that expired us see the new entries at once.
      out.add(new RegistryEffect.Broadcast(heartbeat()));
    }
  }

  private Duration expiryPeriod() {
    return config.liveness().heartbeatInterval().dividedBy(2);
  }

  private void expiryTick(long now, RegistryOutbox out) {
    for (NodeName node : liveness.expire(now)) {
      out.add(new RegistryEffect.LeaseExpired(node));
      hideNode(node, LEASE_EXPIRED, out);
      scheduleRemoval(node, 0, now, out);
    }
    for (NodeName node : liveness.forgotten()) {
      out.add(new RegistryEffect.LeaseDeadline(node, Long.MIN_VALUE));
    }
    out.schedule(RegistryTimer.Periodic.EXPIRY_CHECK, expiryPeriod());
  }

  private void scheduleRemoval(NodeName node, long graceMillis, long now, RegistryOutbox out) {
    removals.schedule(node, graceMillis, now, heartbeating, out);
  }

  private void removeExpired(NodeName node, long now, RegistryOutbox out) {
    removals.fired(node);
    OptionalLong incarnation = liveness.incarnationOf(node);
    if (incarnation.isPresent() && liveness.isLive(node, incarnation.getAsLong(), now)) {
      return; // revived meanwhile
    }
    if (!map.entriesOf(node).isEmpty()) {
      OrMapUpdate<ServiceInstance> update = map.removeAllOf(node);
      publish(update.delta(), out);
      applyChange(update.change(), self, now, out);
    }
  }

  private void offerDigest(NodeName peer, RegistryOutbox out) {
    out.add(new RegistryEffect.Send(peer, new RegistryMessage.DigestOffer(liveness.incarnation(),
        codec.encode(map.digest()), false)));
  }

  /**
   * Broadcasts a delta. The first one of this life also carries the start context: every counter of
   * this node below the first it uses is spoken for, so entries an earlier life of this node
   * published vanish wherever it arrives, in the same merge that adds the new ones. A node that never
   * publishes anything costs no broadcast; its earlier life's entries go when that life's lease runs
   * out, or at once on the neighbours it exchanges digests with.
   */
  private void publish(OrMapDelta<ServiceInstance> delta, RegistryOutbox out) {
    if (delta.isEmpty()) {
      return;
    }
    if (!announced) {
      announced = true;
      delta = delta.join(map.startDelta());
    }
    for (byte[] chunk : codec.encodeChunks(delta)) {
      out.add(new RegistryEffect.Broadcast(new RegistryMessage.Delta(liveness.incarnation(), chunk)));
    }
  }

  // ------------------------------------------------------------------ visibility and events

  /**
   * Folds a change of the map into what is visible, emitting one event per instance that appears or
   * disappears, then asserts again any of this node's registrations the change took away.
   *
   * @param author who made the change: this node, a broadcast's origin, or null when unknown. A
   *     removal of a node's instance made by another node is that node's lease expiring somewhere
   *     first (or its restart), so it is reported down, not unregistered, even if this node's own
   *     view of the lease has not run out yet; with no author the event waits for the node's next
   *     heartbeat (unregistered) or its lease expiry (down).
   */
  private void applyChange(OrMapChange<ServiceInstance> change, NodeName author, long now, RegistryOutbox out) {
    if (change.isEmpty()) {
      return;
    }
    Set<String> touched = new TreeSet<>();
    boolean lostOwn = false;
    for (OrMapEntry<ServiceInstance> entry : change.removed()) {
      ServiceInstance i = entry.value();
      touched.add(i.service());
      if (i.node().equals(self) && i.equals(local.get(i.instanceId()))) {
        // This node's own live registration, removed by nodes that expired it while they could not
        // hear it: here it never stopped, so no event; it is put back below.
        shown.hide(entry.dot(), self);
        lostOwn = true;
        continue;
      }
      if (shown.hide(entry.dot(), i.node()) != null) {
        if (!i.node().equals(self) && liveness.incarnationOf(i.node()).orElse(0) > i.incarnation()) {
          out.emit(new ServiceEvent.Down(i, RESTARTED));
        } else if (i.node().equals(self) || i.node().equals(author)) {
          out.emit(new ServiceEvent.Unregistered(i));
        } else if (author != null || liveness.deadline(i.node()).orElse(Long.MIN_VALUE) < now) {
          out.emit(new ServiceEvent.Down(i, LEASE_EXPIRED)); // another node removed it: the lease ran out there
        } else {
          // By anti-entropy, author unknown, and the lease still runs here: the node's next heartbeat
          // (it keeps beating for a lease after unregistering) says unregistered, its expiry says down.
          shown.addUndecided(i);
        }
      }
    }
    for (OrMapEntry<ServiceInstance> entry : change.added()) {
      ServiceInstance i = entry.value();
      touched.add(i.service());
      boolean tracked = liveness.deadline(i.node()).isPresent();
      boolean restarted = liveness.track(i.node(), i.incarnation(), now);
      if (restarted || (!tracked && !i.node().equals(self))) {
        out.add(new RegistryEffect.LeaseDeadline(i.node(), liveness.deadline(i.node()).getAsLong()));
      }
      if (restarted) {
        dropOlderLives(i.node(), out);
      }
      if (!tracked && !i.node().equals(self)) {
        // Tracked afresh (never heard of, or forgotten long after it expired): entries of it this
        // replica still holds are of a live node again, not only the ones arriving now.
        refreshVisibility(i.node(), now, out);
      }
      if (i.node().equals(self) && i.incarnation() != liveness.incarnation()) {
        continue; // an earlier life of this node: the start delta removes it everywhere
      }
      if (liveness.isLive(i.node(), i.incarnation(), now)) {
        if (shown.show(entry.dot(), i)) {
          out.emit(new ServiceEvent.Registered(i));
        }
      } else if (liveness.isExpired(i.node())) {
        // An entry of a node already expired here, arriving late (anti-entropy from a node that got
        // it before the death, or from the node itself after a partition): it goes the way the
        // node's other entries went, unless within a lease the node shows it is alive.
        scheduleRemoval(i.node(), config.liveness().leaseExpiry().toMillis(), now, out);
      }
    }
    if (lostOwn) {
      reassertOwn(touched, out);
    }
    touched.forEach(service -> rebuild(service, out));
  }

  /**
   * Puts back this node's registrations that others removed while they could not hear it, under new
   * dots (the old ones are removed for good). Visible here throughout, so silently.
   */
  private void reassertOwn(Set<String> touched, RegistryOutbox out) {
    for (ServiceInstance instance : local.values()) {
      boolean present = map.get(instance.service()).stream()
          .anyMatch(e -> e.value().node().equals(self) && e.value().instanceId().equals(instance.instanceId()));
      if (!present) {
        out.add(new RegistryEffect.Reasserted(instance));
        startHeartbeats(out);
        OrMapUpdate<ServiceInstance> update = map.add(instance.service(), instance);
        publish(update.delta(), out);
        for (OrMapEntry<ServiceInstance> added : update.change().added()) {
          shown.show(added.dot(), added.value());
        }
        touched.add(instance.service());
      }
    }
  }

  /**
   * Entries of {@code node}'s earlier lives: hidden as down at once and removed here. Not broadcast:
   * every node learns of the new life itself (its heartbeat, its first delta, which carries the same
   * removal, or its digests), so one restart is not a removal broadcast from every node.
   */
  private void dropOlderLives(NodeName node, RegistryOutbox out) {
    long current = liveness.incarnationOf(node).orElse(0);
    List<Dot> old = new ArrayList<>();
    Set<String> touched = new TreeSet<>();
    for (OrMapEntry<ServiceInstance> e : map.entriesOf(node)) {
      if (e.value().incarnation() < current) {
        old.add(e.dot());
        touched.add(e.value().service());
        ServiceInstance i = shown.hide(e.dot(), node);
        if (i != null) {
          out.emit(new ServiceEvent.Down(i, RESTARTED));
        }
      }
    }
    if (old.isEmpty()) {
      return;
    }
    map.remove(old);
    touched.forEach(service -> rebuild(service, out));
  }

  private void hideNode(NodeName node, String reason, RegistryOutbox out) {
    for (ServiceInstance i : shown.takeUndecided(node)) {
      if (!shown.isShown(i)) {
        out.emit(new ServiceEvent.Down(i, reason));
      }
    }
    Set<String> touched = new TreeSet<>();
    for (ServiceInstance i : shown.hideAll(node)) {
      out.emit(new ServiceEvent.Down(i, reason));
      touched.add(i.service());
    }
    touched.forEach(service -> rebuild(service, out));
  }

  /** A node alive again: its held entries of the current life become visible. */
  private void refreshVisibility(NodeName node, long now, RegistryOutbox out) {
    Set<String> touched = new TreeSet<>();
    for (OrMapEntry<ServiceInstance> e : map.entriesOf(node)) {
      ServiceInstance i = e.value();
      if (liveness.isLive(node, i.incarnation(), now) && shown.show(e.dot(), i)) {
        out.emit(new ServiceEvent.Registered(i));
        touched.add(i.service());
      }
    }
    touched.forEach(service -> rebuild(service, out));
  }

  private void rebuild(String service, RegistryOutbox out) {
    out.add(new RegistryEffect.Visible(service, List.copyOf(shownOf(service))));
  }

  /**
   * The visible instances of {@code service}, each once, in dot order: by node, then in the order
   * the node registered them. Stable, so callers that pick by position (load balancers) stay put.
   */
  private java.util.LinkedHashSet<ServiceInstance> shownOf(String service) {
    java.util.LinkedHashSet<ServiceInstance> instances = new java.util.LinkedHashSet<>();
    for (OrMapEntry<ServiceInstance> e : map.entriesAt(service)) {
      if (shown.isShown(e.dot(), e.value().node())) {
        instances.add(e.value());
      }
    }
    return instances;
  }
}
