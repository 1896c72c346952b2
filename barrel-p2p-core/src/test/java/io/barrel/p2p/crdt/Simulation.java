package io.barrel.p2p.crdt;

import io.barrel.p2p.crdt.Crdts.Replica;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;

/**
 * A seeded history of several replicas: random writes of every kind, and random deliveries of the
 * deltas written so far (in any order, some twice, some never). Every delta ever written, each
 * replica's start delta included, stays in {@link #deltas} so a test can deliver the rest later.
 */
final class Simulation {

  static final List<String> KEYS = List.of("orders", "billing", "search", "mail");
  private static final List<String> IDS = List.of("i0", "i1", "i2", "i3");

  final SplittableRandom random;
  final List<Replica> replicas = new ArrayList<>();
  final List<OrMapDelta<ServiceInstance>> deltas = new ArrayList<>();

  Simulation(long seed, int size, OrMapCodec<ServiceInstance> codec) {
    random = new SplittableRandom(seed);
    for (int i = 0; i < size; i++) {
      Replica replica = new Replica("n" + i, Crdts.EPOCH + random.nextInt(-2_000, 2_000), codec);
      replicas.add(replica);
      deltas.add(replica.map.startDelta());
    }
  }

  static Simulation run(long seed, int size, int steps) {
    Simulation sim = new Simulation(seed, size, Crdts.CODEC);
    sim.run(steps);
    return sim;
  }

  void run(int steps) {
    for (int i = 0; i < steps; i++) {
      step();
    }
  }

  /** One random write or one random delivery. */
  void step() {
    Replica replica = any();
    replica.time.advance(random.nextInt(3));
    if (random.nextInt(100) < 55) {
      write(replica);
    } else {
      replica.map.merge(anyDelta());
    }
  }

  Replica any() {
    return replicas.get(random.nextInt(replicas.size()));
  }

  OrMapDelta<ServiceInstance> anyDelta() {
    return deltas.get(random.nextInt(deltas.size()));
  }

  String anyKey() {
    return KEYS.get(random.nextInt(KEYS.size()));
  }

  ServiceInstance anyInstance() {
    return new ServiceInstance(IDS.get(random.nextInt(IDS.size())), random.nextInt(4));
  }

  /** A random write at {@code replica}; its delta joins the pool when it says anything. */
  OrMapUpdate<ServiceInstance> write(Replica replica) {
    int kind = random.nextInt(100);
    OrMapUpdate<ServiceInstance> update;
    if (kind < 45) {
      update = replica.map.add(anyKey(), anyInstance());
    } else if (kind < 60) {
      update = replica.map.remove(anyKey());
    } else if (kind < 70) {
      int port = random.nextInt(4);
      update = replica.map.remove(anyKey(), e -> e.value().port() == port);
    } else if (kind < 82) {
      String id = IDS.get(random.nextInt(IDS.size()));
      update = replica.map.replace(anyKey(), e -> e.value().id().equals(id), anyInstance());
    } else if (kind < 88) {
      update = replica.map.removeAllOf(any().name());
    } else {
      List<Dot> dots = new ArrayList<>();
      for (OrMapEntry<ServiceInstance> entry : replica.map.entries()) {
        if (random.nextBoolean()) {
          dots.add(entry.dot());
        }
      }
      update = replica.map.remove(dots);
    }
    record(update.delta());
    return update;
  }

  void record(OrMapDelta<ServiceInstance> delta) {
    if (!delta.isEmpty()) {
      deltas.add(delta);
    }
  }

  /** Every delta, shuffled, about a third of them twice. */
  List<OrMapDelta<ServiceInstance>> everythingShuffled() {
    List<OrMapDelta<ServiceInstance>> out = new ArrayList<>(deltas);
    for (OrMapDelta<ServiceInstance> delta : deltas) {
      if (random.nextInt(3) == 0) {
        out.add(delta);
      }
    }
    Collections.shuffle(out, new Random(random.nextLong()));
    return out;
  }

  void deliverEverything(Replica replica) {
    for (OrMapDelta<ServiceInstance> delta : everythingShuffled()) {
      replica.map.merge(delta);
    }
  }

  /** The join of every replica's state: what everyone must end up with. */
  OrMapDelta<ServiceInstance> fullMerge() {
    return Crdts.joinAll(states());
  }

  List<OrMapDelta<ServiceInstance>> states() {
    List<OrMapDelta<ServiceInstance>> out = new ArrayList<>();
    for (Replica replica : replicas) {
      out.add(replica.map.state());
    }
    return out;
  }
}
