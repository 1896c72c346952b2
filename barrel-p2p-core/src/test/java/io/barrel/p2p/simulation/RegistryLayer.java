package io.barrel.p2p.simulation;

import io.barrel.p2p.NodeName;
import io.barrel.p2p.broadcast.MessageId;
import io.barrel.p2p.broadcast.PlumtreeEffect;
import io.barrel.p2p.broadcast.Topic;
import io.barrel.p2p.registry.Registry;
import io.barrel.p2p.registry.RegistryConfig;
import io.barrel.p2p.registry.RegistryEffect;
import io.barrel.p2p.registry.RegistryMessage;
import io.barrel.p2p.registry.RegistryReplica;
import io.barrel.p2p.registry.ServiceEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;

/**
 * The production {@link RegistryReplica} on every simulated node, driven the way the
 * {@link Registry} driver drives it over QUIC: broadcasts go through the node's Plumtree (topic
 * {@value Registry#TOPIC}), control messages to a neighbour arrive one link latency later if it is
 * alive and on the same side, membership events and deliveries come from the {@link Simulator}
 * through {@link SimLayer}, and timers fire in virtual time.
 *
 * <p>The layer keeps its timers and control messages in its own queue and runs the simulator in
 * steps no longer than the shortest link latency: whatever the simulator's events ask of the layer
 * during a step (a control message) is due one latency later at the earliest, so nothing the layer
 * queues is ever run late. Events with equal times run in the order they were queued; same seed,
 * same run.
 */
final class RegistryLayer implements SimLayer {

  /** Wall-clock time at virtual time 0, for the replicas' hybrid logical clocks and incarnations. */
  static final long WALL_EPOCH = 1_700_000_000_000L;
  private static final Topic TOPIC = Topic.of(Registry.TOPIC);

  /** What a run wants to know of the layer's work. */
  interface Observer {
    /** {@code node} emitted {@code event} at {@code time}. */
    void event(int node, ServiceEvent event, long time);

    /** {@code node} broadcast {@code message} at {@code time}. */
    default void broadcast(int node, RegistryMessage message, long time) {}

    /** {@code node} now holds the lease of {@code leaseNode} until {@code deadline}. */
    default void deadline(int node, NodeName leaseNode, long deadline) {}
  }

  private record Pending(long at, long seq, int node, RegistryReplica life, Runnable action) {}

  private final Simulator sim;
  private final RegistryConfig config;
  private final Observer observer;
  private final RegistryReplica[] replicas;
  private final PriorityQueue<Pending> queue = new PriorityQueue<>((a, b) -> a.at != b.at
      ? Long.compare(a.at, b.at) : Long.compare(a.seq, b.seq));
  private final int stepMillis;
  private long seq;
  private long controlMessages;
  private final List<MessageId> broadcasts = new ArrayList<>();

  /**
   * @param stepMillis the shortest one-way link latency of the simulator's network
   */
  RegistryLayer(Simulator sim, RegistryConfig config, int stepMillis, Observer observer) {
    this.sim = sim;
    this.config = config;
    this.observer = observer;
    this.stepMillis = stepMillis;
    this.replicas = new RegistryReplica[sim.size()];
    sim.attachLayer(this);
  }

  /**
   * Starts a replica on node {@code index} now (it must have its Plumtree); its current neighbours
   * come up at once, later ones through membership events.
   */
  void attach(int index) {
    SimNode node = sim.node(index);
    RegistryReplica replica = new RegistryReplica(node.name, WALL_EPOCH + sim.now(), config,
        () -> WALL_EPOCH + sim.now(), sim.nodeRandom(index, 3));
    replicas[index] = replica;
    apply(index, replica.start(sim.now()));
    for (int peer : node.neighbours()) {
      apply(index, replica.onNeighbourUp(sim.node(peer).name, sim.now()));
    }
  }

  RegistryReplica replica(int index) {
    return replicas[index];
  }

  /** The ids of every registry broadcast so far, for the simulator's ledger. */
  List<MessageId> broadcasts() {
    return broadcasts;
  }

  /** Control messages sent so far (digests, chunks). */
  long controlMessages() {
    return controlMessages;
  }

  /** Hands {@code effects} of node {@code index}'s replica to the layer, as the driver would. */
  void apply(int index, List<RegistryEffect> effects) {
    RegistryReplica life = replicas[index];
    for (RegistryEffect effect : effects) {
      if (effect instanceof RegistryEffect.Broadcast b) {
        observer.broadcast(index, b.message(), sim.now());
        broadcasts.add(sim.broadcast(index, TOPIC, RegistryMessage.encode(b.message())));
      } else if (effect instanceof RegistryEffect.Send send) {
        SimNode to = sim.node(send.peer());
        controlMessages++;
        if (to.alive && sim.network().sameSide(index, to.index) && replicas[to.index] != null) {
          byte[] bytes = RegistryMessage.encode(send.message());
          NodeName from = sim.node(index).name;
          later(sim.network().latency(index, to.index), to.index,
              () -> apply(to.index, replicas[to.index].onControl(from, bytes, sim.now())));
        }
      } else if (effect instanceof RegistryEffect.Schedule schedule) {
        later(schedule.delay().toMillis(), index, () -> apply(index, life.onTimer(schedule.timer(), sim.now())));
      } else if (effect instanceof RegistryEffect.Emit emit) {
        observer.event(index, emit.event(), sim.now());
      } else if (effect instanceof RegistryEffect.LeaseDeadline d) {
        observer.deadline(index, d.node(), d.deadlineMillis());
      }
      // Snapshots and log notices are for other threads and operators: the run reads the replica.
    }
  }

  private void later(long delay, int node, Runnable action) {
    queue.add(new Pending(sim.now() + delay, seq++, node, replicas[node], action));
  }

  /** Runs the simulator and the layer together until {@code end}. */
  void runUntil(long end) {
    while (true) {
      long now = sim.now();
      long next = queue.isEmpty() ? Long.MAX_VALUE : queue.peek().at;
      long stepEnd = Math.min(end, Math.min(next, now + stepMillis));
      sim.runUntil(stepEnd);
      while (!queue.isEmpty() && queue.peek().at <= stepEnd) {
        Pending p = queue.poll();
        if (sim.node(p.node).alive && replicas[p.node] == p.life) {
          p.action.run();
        }
      }
      if (stepEnd >= end) {
        return;
      }
    }
  }

  void runFor(long millis) {
    runUntil(sim.now() + millis);
  }

  // ------------------------------------------------------------------ SimLayer

  @Override
  public void delivered(SimNode node, PlumtreeEffect.Deliver deliver) {
    RegistryReplica replica = replicas[node.index];
    if (replica != null && deliver.topic().equals(TOPIC)) {
      apply(node.index, replica.onBroadcast(deliver.origin(), deliver.payload(), sim.now()));
    }
  }

  @Override
  public void neighbour(SimNode node, SimNode peer, boolean up) {
    RegistryReplica replica = replicas[node.index];
    if (replica == null) {
      return;
    }
    apply(node.index, up ? replica.onNeighbourUp(peer.name, sim.now()) : replica.onNeighbourDown(peer.name,
        sim.now()));
  }
}
