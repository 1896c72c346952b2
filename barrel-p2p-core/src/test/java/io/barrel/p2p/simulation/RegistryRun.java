package io.barrel.p2p.simulation;

import io.barrel.p2p.NodeName;
import io.barrel.p2p.broadcast.MessageId;
import io.barrel.p2p.broadcast.Plumtree;
import io.barrel.p2p.broadcast.PlumtreeConfig;
import io.barrel.p2p.registry.RegistryConfig;
import io.barrel.p2p.registry.RegistryMessage;
import io.barrel.p2p.registry.RegistryReplica;
import io.barrel.p2p.registry.ServiceEvent;
import io.barrel.p2p.registry.ServiceInstance;
import io.barrel.p2p.registry.ServiceMetadata;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * The service registry at scale, in the simulator: the production {@link RegistryReplica} on every
 * node of a HyParView + Plumtree overlay built the papers' way (joins one by one, then membership
 * cycles), links of 20–40 ms, the registry's default leases (heartbeat 2 s, lease 8 s).
 *
 * <ol>
 *   <li><b>Spread</b>: {@code registrations} registrations on {@code registeringNodes} random nodes
 *       at random instants over two seconds; for each, when the last live node showed it (its
 *       {@code Registered} event).
 *   <li><b>Quiet</b>: a few seconds without change.
 *   <li><b>Kills</b>: {@code kills} registering nodes crash at once. Every live node must report each
 *       of their instances {@code Down} inside its own lease band: not before the victim's last
 *       heartbeat plus the lease (nobody may give up on a node earlier), and not after its own lease
 *       deadline for the victim (when the last heartbeat reached it, plus the lease) plus one expiry
 *       check period. Then every replica must have removed their entries.
 *   <li><b>Late joiner</b>: a fresh node joins through one contact; when its view equals the
 *       registrations of the live nodes.
 *   <li><b>End</b>: every live node's view equals the registrations of the live nodes.
 * </ol>
 *
 * <p>Throughout: no instance of a live node may ever be reported gone (no false removal).
 */
final class RegistryRun {

  /**
   * @param nodes overlay size (the late joiner comes on top)
   * @param seed root of every random choice
   * @param registeringNodes nodes that register services (each heartbeats every 2 s)
   * @param registrations registrations made, over the registering nodes
   * @param services distinct service names
   * @param kills registering nodes crashed in the kill phase
   * @param cycles membership cycles run after the joins, before the registry starts
   * @param quietMillis the quiet phase
   * @param registry every node's registry settings
   */
  record Settings(int nodes, long seed, int registeringNodes, int registrations, int services, int kills, int cycles,
      long quietMillis, RegistryConfig registry) {

    /** 1,000 nodes, 40 of them registering 160 instances of 40 services, 10 killed, default leases. */
    static Settings standard(long seed) {
      return new Settings(1_000, seed, 40, 160, 40, 10, 10, 3_000, RegistryConfig.defaults());
    }
  }

  /**
   * What one run measured; times in virtual milliseconds.
   *
   * @param spreadMillis per registration, from the call until the last live node showed it, sorted
   * @param missedRegistrations registrations some live node had not shown by the end of the phase
   * @param broadcastMillis per registry broadcast of the spread and quiet phases, from its start to
   *     its last delivery (Plumtree's own latency), sorted
   * @param broadcastHops the same broadcasts' longest path, sorted
   * @param grafts GRAFTs sent per registry broadcast over the spread and quiet phases
   * @param falseRemovals Down or Unregistered events about instances of live nodes, whole run
   * @param downEarliestAfterKill first Down of a victim's instance on any node, after the kill
   * @param downLatestAfterKill last Down of a victim's instance on any node, after the kill
   * @param downsBeforeBand Downs no later than the earliest lease deadline any live node held for the
   *     victim (nobody may give up on a node before its lease ran out somewhere)
   * @param downsAfterBand Downs after the reporting node's own lease deadline plus a check period
   * @param missingDowns (live node, victim instance) pairs without a Down by the end of the phase
   * @param victimEntriesLeft victims' entries still held by live replicas at the end of the phase
   * @param removedEverywhereMillis from the kill until no live replica held a victim's entry (checked
   *     every 500 ms from lease + 3 s on), or -1 when that did not happen within 30 s more
   * @param removalDeltas deltas broadcast during the kill phase (each a removal of victims' entries)
   * @param lateJoinerMillis from the late joiner's join until its view equals the live
   *     registrations, or -1 when it never did
   * @param divergentNodes live nodes whose view differs from the live registrations at the end
   * @param liveRegistrations registrations of live nodes at the end
   * @param virtualMillis virtual time the registry ran
   * @param events simulator events handled (a cost measure)
   * @param controlMessages registry control messages sent (anti-entropy)
   * @param wallMillis real time the run took
   */
  record Result(long[] spreadMillis, int missedRegistrations, long[] broadcastMillis, int[] broadcastHops,
      double grafts, int falseRemovals, long downEarliestAfterKill, long downLatestAfterKill, int downsBeforeBand,
      int downsAfterBand, int missingDowns, int victimEntriesLeft, long removedEverywhereMillis, int removalDeltas,
      long lateJoinerMillis,
      int divergentNodes, int liveRegistrations, long virtualMillis, long events, long controlMessages,
      long wallMillis) {

    static long percentile(long[] sorted, double p) {
      if (sorted.length == 0) {
        return 0;
      }
      int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
      return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }
  }

  static final int MIN_LATENCY = 20;
  static final int MAX_LATENCY = 40;

  private RegistryRun() {}

  /** What a run sees of the registry's events, broadcasts and leases. */
  private static final class Watch implements RegistryLayer.Observer {
    final Map<ServiceInstance, Integer> shownBy = new HashMap<>();
    final Map<ServiceInstance, Long> lastShown = new HashMap<>();
    final Map<ServiceInstance, Integer> downs = new HashMap<>();
    /** Each Down of a victim's instance: reporting node, victim index, time. */
    final List<long[]> downEvents = new ArrayList<>();
    final Map<NodeName, Integer> victims = new HashMap<>();
    final Set<ServiceInstance> victimInstances = new HashSet<>();
    /** Per node, the lease deadlines it holds for the victims. */
    final Map<Integer, Map<NodeName, Long>> deadlines = new HashMap<>();
    final long checkPeriod;
    int falseRemovals;
    int deltas;
    int beforeBand;
    int afterBand;
    long earliestDown = Long.MAX_VALUE;
    long latestDown = Long.MIN_VALUE;

    Watch(long checkPeriod) {
      this.checkPeriod = checkPeriod;
    }

    @Override
    public void event(int node, ServiceEvent event, long time) {
      ServiceInstance i = event.instance();
      if (event instanceof ServiceEvent.Registered) {
        shownBy.merge(i, 1, Integer::sum);
        lastShown.merge(i, time, Math::max);
        return;
      }
      Integer owner = victims.get(i.node());
      if (owner == null || !(event instanceof ServiceEvent.Down)) {
        falseRemovals++;
        return;
      }
      downs.merge(i, 1, Integer::sum);
      earliestDown = Math.min(earliestDown, time);
      latestDown = Math.max(latestDown, time);
      downEvents.add(new long[] {node, owner, time});
    }

    /**
     * Checks every Down against its band. A node judges by the heartbeats it received: its own
     * deadline for the victim is the last one it got plus the lease, and the victim's very last
     * heartbeat may not reach everyone (the victim is not there to answer a GRAFT for it). So a Down
     * may come no earlier than the earliest deadline any node held (the first node to expire the
     * victim may tell the others by its removal), and no later than the reporting node's own
     * deadline plus one expiry check period.
     */
    void checkBands(Map<NodeName, Integer> victimsByName, Simulator sim) {
      Map<Integer, Long> earliestDeadline = new HashMap<>();
      deadlines.forEach((node, held) -> held.forEach((leaseNode, deadline) -> {
        Integer victim = victimsByName.get(leaseNode);
        if (victim != null && sim.node(node).alive) {
          earliestDeadline.merge(victim, deadline, Math::min);
        }
      }));
      for (long[] d : downEvents) {
        int node = (int) d[0];
        int victim = (int) d[1];
        long time = d[2];
        long own = deadlines.getOrDefault(node, Map.of()).getOrDefault(sim.node(victim).name, Long.MIN_VALUE);
        if (time <= earliestDeadline.getOrDefault(victim, Long.MAX_VALUE)) {
          beforeBand++;
        } else if (time > own + checkPeriod) {
          afterBand++;
        }
      }
    }

    @Override
    public void broadcast(int node, RegistryMessage message, long time) {
      if (message instanceof RegistryMessage.Delta) {
        deltas++;
      }
    }

    @Override
    public void deadline(int node, NodeName leaseNode, long deadline) {
      deadlines.computeIfAbsent(node, k -> new HashMap<>()).put(leaseNode, deadline);
    }
  }

  static Result run(Settings s) {
    long wallStart = System.nanoTime();
    SimulationSettings base = SimulationSettings.papers(s.nodes(), 1).withLatency(MIN_LATENCY, MAX_LATENCY);
    Simulator sim = new Simulator(s.nodes() + 1, base.membership(), base.network(s.seed()), s.seed());
    SplittableRandom random = new SplittableRandom(s.seed() ^ 0x5EEDL);
    sim.join(0, List.of());
    for (int i = 1; i < s.nodes(); i++) {
      sim.runUntil(i * base.joinIntervalMillis());
      sim.join(i, List.of(random.nextInt(i)));
    }
    sim.runFor(s.cycles() * base.cycleMillis());
    sim.attachBroadcast(PlumtreeConfig.defaults(), new BroadcastLedger());

    long expiry = s.registry().liveness().leaseExpiry().toMillis();
    Watch watch = new Watch(s.registry().liveness().heartbeatInterval().toMillis() / 2);
    RegistryLayer layer = new RegistryLayer(sim, s.registry(), MIN_LATENCY, watch);
    long registryStart = sim.now();
    for (int i = 0; i < s.nodes(); i++) {
      layer.attach(i);
    }
    layer.runFor(1_000);

    // ---- spread
    int[] registering = pick(random, s.nodes(), s.registeringNodes());
    long[][] schedule = new long[s.registrations()][];
    long start = sim.now();
    for (int r = 0; r < s.registrations(); r++) {
      schedule[r] = new long[] {start + random.nextInt(2_000), registering[r % registering.length],
          random.nextInt(s.services())};
    }
    Arrays.sort(schedule, (a, b) -> Long.compare(a[0], b[0]));
    Map<ServiceInstance, Long> registeredAt = new HashMap<>();
    Map<Integer, List<ServiceInstance>> byNode = new HashMap<>();
    for (long[] r : schedule) {
      layer.runUntil(r[0]);
      int node = (int) r[1];
      RegistryReplica replica = layer.replica(node);
      ServiceInstance instance = replica.newInstance("svc-" + r[2], ServiceMetadata.EMPTY);
      layer.apply(node, replica.register(instance, sim.now()));
      registeredAt.put(instance, sim.now());
      byNode.computeIfAbsent(node, k -> new ArrayList<>()).add(instance);
    }
    layer.runFor(6_000);
    long[] spread = new long[registeredAt.size()];
    int missed = 0;
    int k = 0;
    for (Map.Entry<ServiceInstance, Long> e : registeredAt.entrySet()) {
      if (watch.shownBy.getOrDefault(e.getKey(), 0) < s.nodes()) {
        missed++;
      }
      spread[k++] = watch.lastShown.getOrDefault(e.getKey(), Long.MAX_VALUE) - e.getValue();
    }
    Arrays.sort(spread);

    // ---- quiet
    layer.runFor(s.quietMillis());
    BroadcastStats broadcasts = BroadcastStats.of(sim, layer.broadcasts(), start, sim.now() - 5_000);

    // ---- kills
    int[] victims = Arrays.copyOf(registering, Math.min(s.kills(), registering.length));
    List<Integer> crashed = new ArrayList<>();
    for (int v : victims) {
      crashed.add(v);
      watch.victims.put(sim.node(v).name, v);
      watch.victimInstances.addAll(byNode.getOrDefault(v, List.of()));
    }
    watch.deltas = 0;
    long killedAt = sim.now();
    sim.crash(crashed);
    List<Integer> live = new ArrayList<>();
    for (int i = 0; i < s.nodes(); i++) {
      if (sim.node(i).alive) {
        live.add(i);
      }
    }
    Map<String, Set<ServiceInstance>> expected = new HashMap<>();
    byNode.forEach((node, instances) -> {
      if (sim.node(node).alive) {
        instances.forEach(i -> expected.computeIfAbsent(i.service(), x -> new HashSet<>()).add(i));
      }
    });
    int liveRegistrations = expected.values().stream().mapToInt(Set::size).sum();
    // Every live node reports the victims down within its lease band (by expiry + a check period +
    // the slowest heartbeat); then the removal has to travel.
    layer.runFor(expiry + 3_000);
    long removedAfter = -1;
    for (int step = 0; step < 60 && removedAfter < 0; step++) {
      if (victimEntriesLeft(layer, live, liveRegistrations) == 0) {
        removedAfter = sim.now() - killedAt;
      } else {
        layer.runFor(500);
      }
    }
    int removalDeltas = watch.deltas;
    watch.checkBands(watch.victims, sim);
    int missingDowns = 0;
    for (ServiceInstance v : watch.victimInstances) {
      missingDowns += Math.max(0, live.size() - watch.downs.getOrDefault(v, 0));
    }
    int victimEntriesLeft = victimEntriesLeft(layer, live, liveRegistrations);

    // ---- late joiner
    int late = s.nodes();
    SimNode lateNode = sim.node(late);
    lateNode.broadcast = new Plumtree(lateNode.name, List.of(), sim.broadcastConfig(), sim.nodeRandom(late, 2));
    long joinedAt = sim.now();
    sim.join(late, List.of(live.get(random.nextInt(live.size()))));
    layer.attach(late);
    long lateMillis = -1;
    for (int step = 0; step < 250 && lateMillis < 0; step++) {
      layer.runFor(MIN_LATENCY);
      if (sameView(layer.replica(late), expected, sim.now())) {
        lateMillis = sim.now() - joinedAt;
      }
    }
    layer.runFor(2_000);

    // ---- end
    live.add(late);
    int divergent = 0;
    for (int i : live) {
      if (!sameView(layer.replica(i), expected, sim.now())) {
        divergent++;
      }
    }
    return new Result(spread, missed, broadcasts.millis, broadcasts.hops, broadcasts.graftsPerBroadcast,
        watch.falseRemovals, watch.earliestDown - killedAt, watch.latestDown - killedAt, watch.beforeBand,
        watch.afterBand, missingDowns, victimEntriesLeft, removedAfter, removalDeltas, lateMillis, divergent, liveRegistrations,
        sim.now() - registryStart, sim.events(), layer.controlMessages(), (System.nanoTime() - wallStart) / 1_000_000);
  }

  /** Plumtree's own account of the registry broadcasts started in a window. */
  private record BroadcastStats(long[] millis, int[] hops, double graftsPerBroadcast) {
    static BroadcastStats of(Simulator sim, List<MessageId> ids, long from, long to) {
      long grafts = sim.ledger().control().grafts();
      List<long[]> rows = new ArrayList<>();
      for (MessageId id : ids) {
        BroadcastLedger.Record r = sim.ledger().record(id);
        if (r != null && r.startedAt >= from && r.startedAt <= to) {
          rows.add(new long[] {r.lastDeliveryAt - r.startedAt, r.maxHops});
        }
      }
      long[] millis = rows.stream().mapToLong(r -> r[0]).sorted().toArray();
      int[] hops = rows.stream().mapToInt(r -> (int) r[1]).sorted().toArray();
      return new BroadcastStats(millis, hops, ids.isEmpty() ? 0 : (double) grafts / ids.size());
    }
  }

  private static int victimEntriesLeft(RegistryLayer layer, List<Integer> live, int liveRegistrations) {
    int left = 0;
    for (int i : live) {
      left += layer.replica(i).stats().entries() - liveRegistrations;
    }
    return left;
  }

  private static boolean sameView(RegistryReplica replica, Map<String, Set<ServiceInstance>> expected, long now) {
    Set<String> services = new HashSet<>(expected.keySet());
    services.addAll(replica.services());
    for (String service : services) {
      if (!new HashSet<>(replica.lookup(service, now)).equals(expected.getOrDefault(service, Set.of()))) {
        return false;
      }
    }
    return true;
  }

  private static int[] pick(SplittableRandom random, int n, int count) {
    int[] all = new int[n];
    for (int i = 0; i < n; i++) {
      all[i] = i;
    }
    for (int i = 0; i < count; i++) {
      int j = i + random.nextInt(n - i);
      int t = all[i];
      all[i] = all[j];
      all[j] = t;
    }
    return Arrays.copyOf(all, count);
  }
}
