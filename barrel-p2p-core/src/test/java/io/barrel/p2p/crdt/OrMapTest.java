package io.barrel.p2p.crdt;

import static io.barrel.p2p.crdt.Crdts.instance;
import static io.barrel.p2p.crdt.Crdts.replica;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.barrel.p2p.crdt.Crdts.Replica;
import java.util.List;
import org.junit.jupiter.api.Test;

class OrMapTest {

  private final Replica a = replica("a");
  private final Replica b = replica("b");
  private final Replica c = replica("c");

  @Test
  void anAddIsVisibleUnderItsKeyWithADotOfTheWriterAndItsClockReading() {
    OrMapUpdate<ServiceInstance> update = a.map.add("orders", instance("o1"));

    OrMapEntry<ServiceInstance> entry = update.delta().entries().get(0);
    assertThat(a.map.values("orders")).containsExactly(instance("o1"));
    assertThat(a.map.keys()).containsExactly("orders");
    assertThat(entry.dot().node()).isEqualTo(a.name());
    assertThat(entry.timestamp()).isEqualTo(a.clock.last());
    assertThat(update.change().added()).containsExactly(entry);
    assertThat(update.change().removed()).isEmpty();
  }

  @Test
  void anAddDeltaSpeaksOnlyForItsOwnDot() {
    a.map.add("orders", instance("o1"));
    OrMapDelta<ServiceInstance> delta = a.map.add("orders", instance("o2")).delta();

    assertThat(delta.entries()).hasSize(1);
    assertThat(delta.context()).isEqualTo(CausalContext.of(delta.entries().get(0).dot()));
  }

  @Test
  void dotsOfOneReplicaAreConsecutiveAndStartAboveItsClockReadingAtCreation() {
    long start = a.map.context().max(a.name());
    Dot first = a.map.add("k", instance("1")).delta().entries().get(0).dot();
    Dot second = a.map.add("k", instance("2")).delta().entries().get(0).dot();

    assertThat(start).isGreaterThanOrEqualTo(new HlcTimestamp(Crdts.EPOCH, 0).packed());
    assertThat(first.counter()).isEqualTo(start + 1);
    assertThat(second.counter()).isEqualTo(start + 2);
  }

  @Test
  void entriesOfOneWriterComeFromTheDotIndexInDotOrder() {
    a.map.add("x", instance("a1"));
    b.map.merge(a.map.state());
    b.map.add("y", instance("b1"));
    b.map.add("x", instance("b2"));
    a.map.add("z", instance("a2"));
    b.map.merge(a.map.state());

    assertThat(b.map.entriesOf(a.name())).extracting(OrMapEntry::value).containsExactly(instance("a1"), instance("a2"));
    assertThat(b.map.entriesOf(b.name())).extracting(OrMapEntry::value).containsExactly(instance("b1"), instance("b2"));
    assertThat(b.map.entriesOf(c.name())).isEmpty();
  }

  @Test
  void concurrentAddsOfTheSameKeyKeepBoth() {
    OrMapDelta<ServiceInstance> fromA = a.map.add("orders", instance("a1")).delta();
    OrMapDelta<ServiceInstance> fromB = b.map.add("orders", instance("b1")).delta();

    a.map.merge(fromB);
    b.map.merge(fromA);

    assertThat(a.map.values("orders")).containsExactlyInAnyOrder(instance("a1"), instance("b1"));
    assertThat(a.map.entries()).isEqualTo(b.map.entries());
  }

  @Test
  void theSameValueAddedTwiceIsTwoEntries() {
    a.map.add("orders", instance("o1"));
    a.map.add("orders", instance("o1"));
    assertThat(a.map.get("orders")).hasSize(2);
  }

  @Test
  void addThenRemoveRemovesHereAndWhereverBothArrive() {
    OrMapDelta<ServiceInstance> add = a.map.add("orders", instance("o1")).delta();
    OrMapUpdate<ServiceInstance> remove = a.map.remove("orders");

    assertThat(a.map.get("orders")).isEmpty();
    assertThat(a.map.keys()).isEmpty();
    assertThat(remove.change().removed()).containsExactlyElementsOf(add.entries());
    assertThat(remove.delta().entries()).isEmpty();
    assertThat(remove.delta().context()).isEqualTo(add.context());

    b.map.merge(add);
    b.map.merge(remove.delta());
    c.map.merge(remove.delta());
    c.map.merge(add);
    assertThat(b.map.isEmpty()).isTrue();
    assertThat(c.map.isEmpty()).isTrue();
  }

  @Test
  void aStaleAddArrivingAfterItsRemoveNeverResurrects() {
    OrMapDelta<ServiceInstance> add = a.map.add("orders", instance("o1")).delta();
    b.map.merge(add);
    OrMapDelta<ServiceInstance> remove = b.map.remove("orders").delta();

    c.map.merge(remove);
    OrMapChange<ServiceInstance> change = c.map.merge(add);

    assertThat(c.map.get("orders")).isEmpty();
    assertThat(change.isEmpty()).isTrue();
    assertThat(c.map.context().contains(add.entries().get(0).dot())).isTrue();
  }

  @Test
  void aRemoveDeletesOnlyTheDotsItObservedSoAConcurrentAddSurvives() {
    OrMapDelta<ServiceInstance> first = a.map.add("orders", instance("o1")).delta();
    b.map.merge(first);
    OrMapDelta<ServiceInstance> second = a.map.add("orders", instance("o2")).delta();
    OrMapDelta<ServiceInstance> remove = b.map.remove("orders").delta();

    a.map.merge(remove);
    b.map.merge(second);

    assertThat(a.map.values("orders")).containsExactly(instance("o2"));
    assertThat(b.map.values("orders")).containsExactly(instance("o2"));
  }

  @Test
  void removingAKeyThatHoldsNothingProducesAnEmptyDelta() {
    OrMapUpdate<ServiceInstance> update = a.map.remove("nothing");
    assertThat(update.delta().isEmpty()).isTrue();
    assertThat(update.change().isEmpty()).isTrue();
  }

  @Test
  void removalsLeaveNoTombstoneOnlyACompactedContext() {
    for (int i = 0; i < 1_000; i++) {
      b.map.merge(a.map.add("orders", instance("o" + i)).delta());
      b.map.merge(a.map.remove("orders").delta());
    }
    b.map.merge(a.map.startDelta());

    assertThat(b.map.isEmpty()).isTrue();
    assertThat(b.map.context().rangeCount()).as("one version-vector entry per node").isEqualTo(2);
    assertThat(b.map.context().cloudRanges()).isZero();
  }

  @Test
  void deltasArrivingOutOfOrderWaitInTheCloudUntilTheGapFills() {
    OrMapDelta<ServiceInstance> first = a.map.add("orders", instance("o1")).delta();
    OrMapDelta<ServiceInstance> second = a.map.add("orders", instance("o2")).delta();
    b.map.merge(a.map.startDelta());

    b.map.merge(second);
    assertThat(b.map.context().cloudRanges()).isEqualTo(1);
    b.map.merge(first);
    assertThat(b.map.context().cloudRanges()).isZero();
    assertThat(b.map.values("orders")).containsExactlyInAnyOrder(instance("o1"), instance("o2"));
  }

  @Test
  void removeWithAPredicateRemovesOnlyTheMatchingEntries() {
    a.map.add("orders", instance("o1"));
    a.map.add("orders", instance("o2"));

    OrMapUpdate<ServiceInstance> update = a.map.remove("orders", e -> e.value().id().equals("o1"));

    assertThat(a.map.values("orders")).containsExactly(instance("o2"));
    assertThat(update.change().removed()).extracting(OrMapEntry::value).containsExactly(instance("o1"));
  }

  @Test
  void removeByDotIgnoresDotsItDoesNotHold() {
    Dot dot = a.map.add("orders", instance("o1")).delta().entries().get(0).dot();
    Dot unknown = new Dot(b.name(), 42);

    OrMapUpdate<ServiceInstance> update = a.map.remove(List.of(dot, unknown));

    assertThat(update.delta().context()).isEqualTo(CausalContext.of(dot));
    assertThat(a.map.isEmpty()).isTrue();
  }

  @Test
  void replaceAddsTheNewValueAndRemovesTheOldOneInOneDelta() {
    OrMapDelta<ServiceInstance> first = a.map.add("orders", new ServiceInstance("o1", 1)).delta();
    b.map.merge(first);

    OrMapUpdate<ServiceInstance> update = a.map.replace("orders", e -> e.value().id().equals("o1"),
        new ServiceInstance("o1", 2));
    OrMapChange<ServiceInstance> seenByB = b.map.merge(update.delta());

    assertThat(a.map.values("orders")).containsExactly(new ServiceInstance("o1", 2));
    assertThat(b.map.values("orders")).containsExactly(new ServiceInstance("o1", 2));
    assertThat(update.delta().entries()).hasSize(1);
    assertThat(seenByB.added()).extracting(OrMapEntry::value).containsExactly(new ServiceInstance("o1", 2));
    assertThat(seenByB.removed()).extracting(OrMapEntry::value).containsExactly(new ServiceInstance("o1", 1));
  }

  @Test
  void removeAllOfDropsEveryObservedEntryOfADeadNodeEverywhereButNotItsLaterOnes() {
    b.map.merge(a.map.add("orders", instance("o1")).delta());
    b.map.merge(a.map.add("billing", instance("b1")).delta());
    c.map.merge(a.map.state());
    b.map.add("orders", instance("mine"));

    OrMapUpdate<ServiceInstance> update = b.map.removeAllOf(a.name());

    assertThat(update.change().removed()).hasSize(2);
    assertThat(update.delta().entries()).isEmpty();
    assertThat(update.delta().context().nodes()).containsExactly(a.name());
    assertThat(b.map.values("orders")).containsExactly(instance("mine"));

    OrMapDelta<ServiceInstance> later = a.map.add("orders", instance("o2")).delta();
    c.map.merge(update.delta());
    c.map.merge(later);
    assertThat(c.map.values("orders")).containsExactly(instance("o2"));
  }

  @Test
  void removeAllOfANodeNeverSeenIsEmpty() {
    assertThat(a.map.removeAllOf(b.name()).delta().isEmpty()).isTrue();
  }

  @Test
  void mergeReportsWhatChangedAndNothingTheSecondTime() {
    OrMapDelta<ServiceInstance> add = a.map.add("orders", instance("o1")).delta();

    OrMapChange<ServiceInstance> first = b.map.merge(add);
    OrMapChange<ServiceInstance> again = b.map.merge(add);

    assertThat(first.added()).containsExactlyElementsOf(add.entries());
    assertThat(again.isEmpty()).isTrue();
  }

  @Test
  void mergingOnesOwnDeltaBackIsNotAChange() {
    OrMapDelta<ServiceInstance> add = a.map.add("orders", instance("o1")).delta();
    OrMapDelta<ServiceInstance> remove = a.map.remove("orders").delta();
    OrMapDelta<ServiceInstance> add2 = a.map.add("orders", instance("o2")).delta();

    assertThat(a.map.merge(add).isEmpty()).isTrue();
    assertThat(a.map.merge(remove).isEmpty()).isTrue();
    assertThat(a.map.merge(add2).isEmpty()).isTrue();
    assertThat(a.map.values("orders")).containsExactly(instance("o2"));
  }

  @Test
  void aFreshReplicaTreatsEveryEarlierDotOfItsNodeAsObservedSoItsStartDeltaRemovesWhatAPreviousLifePublished() {
    Crdts.Replica firstLife = new Crdts.Replica("a", Crdts.EPOCH, Crdts.CODEC);
    b.map.merge(firstLife.map.add("orders", instance("old")).delta());

    Crdts.Replica secondLife = new Crdts.Replica("a", Crdts.EPOCH + 10_000, Crdts.CODEC);
    OrMapChange<ServiceInstance> change = b.map.merge(secondLife.map.startDelta());
    b.map.merge(secondLife.map.add("orders", instance("new")).delta());

    assertThat(change.removed()).extracting(OrMapEntry::value).containsExactly(instance("old"));
    assertThat(b.map.values("orders")).containsExactly(instance("new"));
    assertThat(b.map.context().cloudRanges()).isZero();
  }

  @Test
  void aStartDeltaNeverRemovesWhatTheSameLifeAdded() {
    OrMapDelta<ServiceInstance> start = a.map.startDelta();
    b.map.merge(a.map.add("orders", instance("o1")).delta());
    b.map.merge(start);
    assertThat(b.map.values("orders")).containsExactly(instance("o1"));
  }

  @Test
  void aReplicaWhoseDotsWereSeenBeyondItsCounterContinuesAboveThem() {
    // A restart with the wall clock set back: peers have seen higher dots of this node than its
    // fresh counter. Once it merges their context it must not reuse those dots.
    Crdts.Replica firstLife = new Crdts.Replica("a", Crdts.EPOCH + 50_000, Crdts.CODEC);
    OrMapDelta<ServiceInstance> old = firstLife.map.add("orders", instance("old")).delta();
    Crdts.Replica secondLife = new Crdts.Replica("a", Crdts.EPOCH, Crdts.CODEC);

    secondLife.map.merge(old);
    OrMapDelta<ServiceInstance> added = secondLife.map.add("orders", instance("new")).delta();
    Dot next = added.entries().get(0).dot();

    assertThat(next.counter()).isEqualTo(old.entries().get(0).dot().counter() + 1);
    assertThat(added.context().contains(secondLife.name(), next.counter() - 2))
        .as("the skipped counters are claimed in the same delta").isTrue();
    assertThat(secondLife.map.context().ranges(secondLife.name())).hasSize(1);
    // The earlier life's entry is an entry like any other until someone removes it; the owner knows
    // it did not write it in this life and removes it by dot.
    assertThat(secondLife.map.values("orders")).containsExactlyInAnyOrder(instance("old"), instance("new"));
    OrMapDelta<ServiceInstance> cleanup = secondLife.map.remove(old.entries().stream().map(OrMapEntry::dot).toList())
        .delta();
    b.map.merge(old);
    b.map.merge(added);
    b.map.merge(cleanup);
    assertThat(b.map.values("orders")).containsExactly(instance("new"));
    assertThat(b.map.context().ranges(secondLife.name())).hasSize(1);
  }

  @Test
  void getListsOldestTimestampFirst() {
    OrMapDelta<ServiceInstance> older = b.map.add("orders", instance("b1")).delta();
    a.time.advance(5_000);
    a.map.add("orders", instance("a1"));
    a.map.merge(older);

    assertThat(a.map.values("orders")).containsExactly(instance("b1"), instance("a1"));
  }

  @Test
  void keysMustBeNonEmptyWellFormedAndWithinTheLimit() {
    assertThatThrownBy(() -> a.map.add("", instance("x"))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> a.map.add("bad\uD800", instance("x"))).hasMessageContaining("surrogate");
    assertThatThrownBy(() -> a.map.add("k".repeat(256), instance("x"))).hasMessageContaining("max-key-bytes");
    assertThat(a.map.isEmpty()).isTrue();
    assertThat(a.map.add("k".repeat(255), instance("x")).change().added()).hasSize(1);
  }

  @Test
  void valuesMustFitTheValueLimit() {
    Crdts.Replica small = new Crdts.Replica("s", Crdts.EPOCH, Crdts.SMALL_CODEC);
    assertThatThrownBy(() -> small.map.add("k", instance("x".repeat(64)))).isInstanceOf(
        IllegalArgumentException.class).hasMessageContaining("max-value-bytes");
    assertThat(small.map.isEmpty()).isTrue();
  }

  @Test
  void theStateIsAFragmentThatRebuildsTheReplica() {
    a.map.add("orders", instance("o1"));
    a.map.add("billing", instance("b1"));
    a.map.remove("billing");

    b.map.merge(a.map.state());

    assertThat(b.map.entries()).isEqualTo(a.map.entries());
    assertThat(b.map.context().covers(a.map.context())).isTrue();
  }

  @Test
  void aDeltaWhoseEntryLiesOutsideItsContextCannotBeBuilt() {
    OrMapEntry<ServiceInstance> entry = a.map.add("k", instance("x")).delta().entries().get(0);
    assertThatThrownBy(() -> new OrMapDelta<>(List.of(entry), CausalContext.EMPTY))
        .hasMessageContaining("outside");
    assertThatThrownBy(() -> new OrMapDelta<>(List.of(entry, entry), CausalContext.of(entry.dot())))
        .hasMessageContaining("share");
  }
}
