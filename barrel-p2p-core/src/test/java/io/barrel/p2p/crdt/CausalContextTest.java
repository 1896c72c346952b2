package io.barrel.p2p.crdt;

import static io.barrel.p2p.crdt.Crdts.node;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.barrel.p2p.NodeName;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CausalContextTest {

  private static final NodeName A = node("a");
  private static final NodeName B = node("b");

  private static CausalContext dots(NodeName node, long... counters) {
    CausalContext out = CausalContext.EMPTY;
    for (long counter : counters) {
      out = out.union(CausalContext.of(new Dot(node, counter)));
    }
    return out;
  }

  @Test
  void contiguousDotsFoldIntoTheVersionVector() {
    CausalContext context = dots(A, 1, 2, 3);

    assertThat(context.versionVector()).containsExactly(Map.entry(A, 3L));
    assertThat(context.cloudRanges()).isZero();
    assertThat(context.rangeCount()).isEqualTo(1);
  }

  @Test
  void aDotSeenOutOfOrderWaitsInTheCloudUntilTheGapFills() {
    CausalContext context = dots(A, 1, 2, 5);

    assertThat(context.prefix(A)).isEqualTo(2);
    assertThat(context.cloudRanges()).isEqualTo(1);
    assertThat(context.contains(new Dot(A, 5))).isTrue();
    assertThat(context.contains(new Dot(A, 4))).isFalse();

    CausalContext filled = context.union(dots(A, 3, 4));

    assertThat(filled.prefix(A)).isEqualTo(5);
    assertThat(filled.cloudRanges()).isZero();
  }

  @Test
  void aNodeSeenOnlyOutOfOrderHasNoVersionVectorEntry() {
    CausalContext context = dots(B, 7);

    assertThat(context.versionVector()).isEmpty();
    assertThat(context.prefix(B)).isZero();
    assertThat(context.max(B)).isEqualTo(7);
    assertThat(context.nodes()).containsExactly(B);
  }

  @Test
  void aLongGapCostsOneRangeNotOneEntryPerDot() {
    CausalContext context = CausalContext.of(A, 1, 10).union(CausalContext.of(A, 1_000_000, 2_000_000));

    assertThat(context.ranges(A)).containsExactly(new CounterRange(1, 10), new CounterRange(1_000_000, 2_000_000));
    assertThat(context.cloudRanges()).isEqualTo(1);
  }

  @Test
  void rangesGivenInAnyShapeAreStoredCanonically() {
    CausalContext messy = CausalContext.ofRanges(Map.of(A, List.of(
        new CounterRange(5, 9), new CounterRange(1, 3), new CounterRange(4, 4), new CounterRange(7, 12),
        new CounterRange(20, 20))));

    assertThat(messy.ranges(A)).containsExactly(new CounterRange(1, 12), new CounterRange(20, 20));
    assertThat(messy).isEqualTo(CausalContext.of(A, 1, 12).union(CausalContext.of(new Dot(A, 20))));
  }

  @Test
  void unionIsEverythingEitherSideObserved() {
    CausalContext left = dots(A, 1, 2).union(dots(B, 4));
    CausalContext right = dots(A, 3).union(dots(B, 1));

    CausalContext union = left.union(right);

    assertThat(union.versionVector()).containsExactly(Map.entry(A, 3L), Map.entry(B, 1L));
    assertThat(union.contains(new Dot(B, 4))).isTrue();
    assertThat(union.covers(left)).isTrue();
    assertThat(union.covers(right)).isTrue();
    assertThat(left.covers(union)).isFalse();
  }

  @Test
  void unionWithSomethingAlreadyCoveredReturnsTheSameContext() {
    CausalContext context = CausalContext.of(A, 1, 100);
    assertThat(context.union(dots(A, 5, 6))).isSameAs(context);
    assertThat(context.union(CausalContext.EMPTY)).isSameAs(context);
  }

  @Test
  void theHighestCounterIsTracked() {
    assertThat(dots(A, 1, 9).union(dots(B, 30)).maxCounter()).isEqualTo(30);
    assertThat(CausalContext.EMPTY.maxCounter()).isZero();
    assertThat(CausalContext.EMPTY.isEmpty()).isTrue();
  }

  @Test
  void rangesAndDotsRefuseNonPositiveCounters() {
    assertThatThrownBy(() -> new Dot(A, 0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new CounterRange(0, 3)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new CounterRange(4, 3)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> CausalContext.of(A, 5, 4)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void rangesUpToTheLargestCounterMerge() {
    CausalContext context = CausalContext.of(A, Long.MAX_VALUE - 1, Long.MAX_VALUE)
        .union(CausalContext.of(A, 1, Long.MAX_VALUE - 2));

    assertThat(context.ranges(A)).containsExactly(new CounterRange(1, Long.MAX_VALUE));
    assertThat(new CounterRange(1, Long.MAX_VALUE).size()).isEqualTo(Long.MAX_VALUE);
  }
}
