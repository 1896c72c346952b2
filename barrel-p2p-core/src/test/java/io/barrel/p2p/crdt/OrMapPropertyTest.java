package io.barrel.p2p.crdt;

import static org.assertj.core.api.Assertions.assertThat;

import io.barrel.p2p.crdt.Crdts.Replica;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * The OR-Map's laws over seeded random histories of three or four replicas (see {@link Simulation}):
 * every kind of write, deltas delivered in any order, duplicated or not at all.
 */
class OrMapPropertyTest {

  @Property(tries = 500)
  void mergeIsCommutative(@ForAll long seed) {
    Simulation sim = Simulation.run(seed, 3, 60);
    OrMapDelta<ServiceInstance> a = sim.replicas.get(0).map.state();
    OrMapDelta<ServiceInstance> b = sim.replicas.get(1).map.state();
    assertThat(a.join(b)).isEqualTo(b.join(a));
  }

  @Property(tries = 500)
  void mergeIsAssociative(@ForAll long seed) {
    Simulation sim = Simulation.run(seed, 3, 60);
    OrMapDelta<ServiceInstance> a = sim.replicas.get(0).map.state();
    OrMapDelta<ServiceInstance> b = sim.replicas.get(1).map.state();
    OrMapDelta<ServiceInstance> c = sim.anyDelta();
    assertThat(a.join(b).join(c)).isEqualTo(a.join(b.join(c)));
    OrMapDelta<ServiceInstance> d = sim.replicas.get(2).map.state();
    assertThat(a.join(b).join(d)).isEqualTo(a.join(b.join(d)));
  }

  @Property(tries = 500)
  void mergeIsIdempotent(@ForAll long seed) {
    Simulation sim = Simulation.run(seed, 3, 60);
    OrMapDelta<ServiceInstance> a = sim.replicas.get(0).map.state();
    OrMapDelta<ServiceInstance> b = sim.anyDelta();
    assertThat(a.join(a)).isEqualTo(a);
    assertThat(a.join(b).join(b)).isEqualTo(a.join(b));
    assertThat(a.join(b).join(a)).isEqualTo(a.join(b));
  }

  @Property(tries = 500)
  void aReplicasMergeIsTheJoinAndReportsExactlyTheDifference(@ForAll long seed) {
    Simulation sim = Simulation.run(seed, 3, 60);
    Replica replica = sim.any();
    OrMapDelta<ServiceInstance> incoming = sim.random.nextBoolean() ? sim.anyDelta() : sim.any().map.state();
    OrMapDelta<ServiceInstance> before = replica.map.state();

    OrMapChange<ServiceInstance> change = replica.map.merge(incoming);
    OrMapDelta<ServiceInstance> after = replica.map.state();

    assertThat(after).isEqualTo(before.join(incoming));
    assertThat(change.added()).containsExactlyElementsOf(minus(after.entries(), before.entries()));
    assertThat(change.removed()).containsExactlyElementsOf(minus(before.entries(), after.entries()));
    assertThat(replica.map.merge(incoming).isEmpty()).as("merging the same thing again").isTrue();
    assertThat(replica.map.state()).isEqualTo(after);
  }

  @Property(tries = 500)
  void aLocalWriteChangesTheStateExactlyAsMergingItsDeltaWould(@ForAll long seed) {
    Simulation sim = Simulation.run(seed, 3, 40);
    Replica replica = sim.any();
    OrMapDelta<ServiceInstance> before = replica.map.state();

    OrMapUpdate<ServiceInstance> update = sim.write(replica);

    OrMapDelta<ServiceInstance> after = replica.map.state();
    assertThat(after).isEqualTo(before.join(update.delta()));
    assertThat(before.context().covers(update.delta().context().union(after.context())))
        .as("a write's delta speaks only for dots its writer observed, plus its new dot")
        .isEqualTo(update.change().added().isEmpty());
    assertThat(update.change().added()).containsExactlyElementsOf(minus(after.entries(), before.entries()));
    assertThat(update.change().removed()).containsExactlyElementsOf(minus(before.entries(), after.entries()));
    assertThat(replica.map.merge(update.delta()).isEmpty()).as("own delta echoed back").isTrue();
  }

  @Property(tries = 500)
  void anyDeliveryOrderWithDuplicatesConvergesToTheFullMerge(@ForAll long seed,
      @ForAll @IntRange(min = 2, max = 4) int size) {
    Simulation sim = Simulation.run(seed, size, 80);
    OrMapDelta<ServiceInstance> full = sim.fullMerge();

    for (Replica replica : sim.replicas) {
      sim.deliverEverything(replica);
      assertThat(replica.map.state()).isEqualTo(full);
      assertThat(replica.map.context().cloudRanges()).as("every gap filled, the cloud is empty").isZero();
    }
  }

  @Property(tries = 500)
  void addThenRemoveRemovesWhereverBothArriveInWhateverOrder(@ForAll long seed) {
    Simulation sim = Simulation.run(seed, 3, 40);
    Replica writer = sim.any();
    String key = sim.anyKey();
    OrMapDelta<ServiceInstance> add = writer.map.add(key, sim.anyInstance()).delta();
    OrMapDelta<ServiceInstance> remove = writer.map.remove(key).delta();
    Dot dot = add.entries().get(0).dot();
    assertThat(writer.map.get(key)).isEmpty();

    Replica other = sim.any();
    List<OrMapDelta<ServiceInstance>> deliveries = new ArrayList<>(List.of(add, remove, sim.anyDelta()));
    Collections.shuffle(deliveries, new Random(seed));
    for (OrMapDelta<ServiceInstance> delta : deliveries) {
      other.map.merge(delta);
      other.map.merge(sim.anyDelta());
    }
    assertThat(other.map.entries()).noneMatch(e -> e.dot().equals(dot));
  }

  @Property(tries = 500)
  void aStaleAddNeverResurrectsARemovedEntry(@ForAll long seed) {
    Simulation sim = Simulation.run(seed, 3, 40);
    Replica writer = sim.any();
    String key = sim.anyKey();
    OrMapDelta<ServiceInstance> add = writer.map.add(key, sim.anyInstance()).delta();
    sim.record(add);
    Dot dot = add.entries().get(0).dot();
    Replica remover = sim.any();
    remover.map.merge(add);
    OrMapDelta<ServiceInstance> remove = sim.random.nextBoolean()
        ? remover.map.remove(key).delta() : remover.map.removeAllOf(writer.name()).delta();
    sim.record(remove);

    Replica late = sim.any();
    late.map.merge(remove);
    for (int i = 0; i < 5; i++) {
      late.map.merge(sim.anyDelta());
    }
    late.map.merge(add);
    assertThat(late.map.entries()).noneMatch(e -> e.dot().equals(dot));

    for (Replica replica : sim.replicas) {
      sim.deliverEverything(replica);
      assertThat(replica.map.entries()).noneMatch(e -> e.dot().equals(dot));
    }
  }

  @Property(tries = 500)
  void aConcurrentAddAndRemoveOfDifferentDotsKeepsTheAdd(@ForAll long seed) {
    Simulation sim = Simulation.run(seed, 3, 40);
    Replica writer = sim.replicas.get(0);
    Replica remover = sim.replicas.get(1 + sim.random.nextInt(2));
    String key = sim.anyKey();
    OrMapDelta<ServiceInstance> first = writer.map.add(key, sim.anyInstance()).delta();
    sim.record(first);
    remover.map.merge(first);
    // Concurrent: the writer adds again before hearing of the remove, which has not seen the new dot.
    OrMapDelta<ServiceInstance> second = writer.map.add(key, sim.anyInstance()).delta();
    OrMapDelta<ServiceInstance> remove = remover.map.remove(key).delta();
    sim.record(second);
    sim.record(remove);

    for (Replica replica : sim.replicas) {
      sim.deliverEverything(replica);
      assertThat(replica.map.get(key)).extracting(OrMapEntry::dot)
          .contains(second.entries().get(0).dot())
          .doesNotContain(first.entries().get(0).dot());
    }
  }

  @Property(tries = 500)
  void splitFragmentsJoinBackToTheOriginalAndEachIsValidAlone(@ForAll long seed,
      @ForAll @IntRange(min = 1, max = 5) int maxEntries, @ForAll @IntRange(min = 1, max = 5) int maxRanges) {
    Simulation sim = Simulation.run(seed, 3, 60);
    Replica source = sim.any();
    Replica target = sim.any();
    OrMapDelta<ServiceInstance> state = source.map.state();

    List<OrMapDelta<ServiceInstance>> chunks = state.split(maxEntries, maxRanges);

    assertThat(Crdts.joinAll(chunks)).isEqualTo(state);
    OrMapDelta<ServiceInstance> goal = target.map.state().join(state);
    for (OrMapDelta<ServiceInstance> chunk : chunks) {
      assertThat(chunk.entries().size()).isLessThanOrEqualTo(maxEntries);
      assertThat(chunk.context().rangeCount()).isLessThanOrEqualTo(maxRanges);
      assertThat(state.join(chunk)).as("a chunk is below the state it came from").isEqualTo(state);
    }
    // Any subset of chunks leaves the target between where it was and where all chunks take it.
    for (OrMapDelta<ServiceInstance> chunk : chunks) {
      if (sim.random.nextBoolean()) {
        target.map.merge(chunk);
        assertThat(target.map.state().join(goal)).isEqualTo(goal);
      }
    }
  }

  private static <T> List<T> minus(List<T> from, List<T> removed) {
    Set<T> gone = new HashSet<>(removed);
    List<T> out = new ArrayList<>();
    for (T t : from) {
      if (!gone.contains(t)) {
        out.add(t);
      }
    }
    return out;
  }
}
