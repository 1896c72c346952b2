package io.barrel.p2p.crdt;

import static io.barrel.p2p.crdt.Crdts.node;
import static org.assertj.core.api.Assertions.assertThat;

import io.barrel.p2p.NodeName;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class CausalContextPropertyTest {

  private static final List<NodeName> NODES = List.of(node("a"), node("b"), node("c"));

  @Provide
  Arbitrary<Set<Dot>> dotSets() {
    Arbitrary<Dot> dot = Combinators.combine(Arbitraries.of(NODES), Arbitraries.longs().between(1, 40)).as(Dot::new);
    return dot.set().ofMaxSize(60);
  }

  @Property(tries = 1000)
  void containsExactlyTheDotsItWasBuiltFrom(@ForAll("dotSets") Set<Dot> dots) {
    CausalContext context = CausalContext.of(dots);
    for (NodeName node : NODES) {
      for (long counter = 1; counter <= 41; counter++) {
        Dot dot = new Dot(node, counter);
        assertThat(context.contains(dot)).isEqualTo(dots.contains(dot));
      }
    }
  }

  @Property(tries = 1000)
  void theFormIsCanonicalWhateverTheOrderOfInsertion(@ForAll("dotSets") Set<Dot> dots, @ForAll long seed) {
    List<Dot> shuffled = new ArrayList<>(dots);
    Collections.shuffle(shuffled, new Random(seed));
    CausalContext oneByOne = CausalContext.EMPTY;
    for (Dot dot : shuffled) {
      oneByOne = oneByOne.union(CausalContext.of(dot));
    }
    assertThat(oneByOne).isEqualTo(CausalContext.of(dots));
    assertThat(oneByOne.hashCode()).isEqualTo(CausalContext.of(dots).hashCode());
  }

  @Property(tries = 1000)
  void theVersionVectorIsTheLongestRunFromOne(@ForAll("dotSets") Set<Dot> dots) {
    CausalContext context = CausalContext.of(dots);
    for (NodeName node : NODES) {
      long run = 0;
      while (dots.contains(new Dot(node, run + 1))) {
        run++;
      }
      assertThat(context.prefix(node)).isEqualTo(run);
      assertThat(context.versionVector().getOrDefault(node, 0L)).isEqualTo(run);
    }
  }

  @Property(tries = 1000)
  void theCloudHoldsOnlyRealGaps(@ForAll("dotSets") Set<Dot> dots) {
    CausalContext context = CausalContext.of(dots);
    for (NodeName node : NODES) {
      List<CounterRange> ranges = context.ranges(node);
      for (int i = 1; i < ranges.size(); i++) {
        assertThat(ranges.get(i).first()).isGreaterThan(ranges.get(i - 1).last() + 1);
      }
    }
    boolean allContiguous = NODES.stream().allMatch(n -> context.ranges(n).size() <= 1 && context.prefix(n)
        == context.max(n));
    assertThat(context.cloudRanges() == 0).isEqualTo(allContiguous);
  }

  @Property(tries = 1000)
  void unionIsCommutativeAssociativeAndIdempotent(@ForAll("dotSets") Set<Dot> a, @ForAll("dotSets") Set<Dot> b,
      @ForAll("dotSets") Set<Dot> c) {
    CausalContext x = CausalContext.of(a);
    CausalContext y = CausalContext.of(b);
    CausalContext z = CausalContext.of(c);
    assertThat(x.union(y)).isEqualTo(y.union(x));
    assertThat(x.union(y).union(z)).isEqualTo(x.union(y.union(z)));
    assertThat(x.union(x)).isEqualTo(x);
    Set<Dot> all = new HashSet<>(a);
    all.addAll(b);
    assertThat(x.union(y)).isEqualTo(CausalContext.of(all));
  }

  @Property(tries = 1000)
  void coversIsSubsetOfDots(@ForAll("dotSets") Set<Dot> a, @ForAll("dotSets") Set<Dot> b) {
    assertThat(CausalContext.of(a).covers(CausalContext.of(b))).isEqualTo(a.containsAll(b));
  }

  @Property(tries = 1000)
  void clipMinusAndGapsKeepExactlyTheCountersTheySay(@ForAll("dotSets") Set<Dot> dots,
      @ForAll("counters") long from, @ForAll("counters") long to, @ForAll("dotSets") Set<Dot> holes) {
    NodeName a = NODES.get(0);
    RangeSet set = CausalContext.of(dots).rangeSet(a);
    long[] removed = holes.stream().filter(d -> d.node().equals(a)).mapToLong(Dot::counter).sorted().toArray();
    Set<Long> removedSet = new HashSet<>();
    for (long counter : removed) {
      removedSet.add(counter);
    }
    RangeSet clipped = set.clip(from, to);
    RangeSet punched = set.minus(removed);
    RangeSet gaps = set.gaps();
    for (long counter = 1; counter <= 41; counter++) {
      boolean in = dots.contains(new Dot(a, counter));
      assertThat(gaps.contains(counter)).isEqualTo(!in && counter < set.max());
      assertThat(clipped.contains(counter)).isEqualTo(in && counter >= from && counter <= to);
      assertThat(punched.contains(counter)).isEqualTo(in && !removedSet.contains(counter));
    }
    assertThat(canonical(clipped)).isTrue();
    assertThat(canonical(punched)).isTrue();
    assertThat(canonical(gaps)).isTrue();
  }

  @Provide
  Arbitrary<Long> counters() {
    return Arbitraries.longs().between(0, 42);
  }

  private static boolean canonical(RangeSet set) {
    for (int i = 0; i < set.size(); i++) {
      if (set.first(i) > set.last(i) || (i > 0 && set.first(i) <= set.last(i - 1) + 1)) {
        return false;
      }
    }
    return true;
  }
}
