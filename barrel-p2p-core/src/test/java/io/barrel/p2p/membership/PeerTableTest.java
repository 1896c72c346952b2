package io.barrel.p2p.membership;

import static io.barrel.p2p.membership.NodeProbe.peer;
import static io.barrel.p2p.membership.NodeProbe.peers;
import static org.assertj.core.api.Assertions.assertThat;

import io.barrel.p2p.NodeName;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The flat peer table under the views: lookups, both removals, attributes, growth and sampling. */
class PeerTableTest {

  private static PeerTable<Void> tableOf(List<NodeName> names, int columns) {
    PeerTable<Void> table = new PeerTable<>(columns, 2);
    for (NodeName name : names) {
      table.add(name, null);
    }
    return table;
  }

  private static List<NodeName> all(PeerTable<?> table) {
    return table.names(slot -> true);
  }

  @Test
  void aNameIsFoundByAnEqualInstanceNotOnlyTheSameOne() {
    PeerTable<Void> table = tableOf(peers("p", 5), 0);
    assertThat(table.indexOf(NodeName.of("p3@h"))).isEqualTo(3);
    assertThat(table.contains(NodeName.of("q3@h"))).isFalse();
    assertThat(table.holdsAny(2, new NodeName[] {NodeName.of("x@h"), NodeName.of("p2@h")})).isTrue();
  }

  @Test
  void removeAtKeepsTheOrderOfTheRestAndTheirAttributes() {
    PeerTable<Void> table = tableOf(peers("p", 5), 2);
    for (int slot = 0; slot < 5; slot++) {
      table.set(slot, 1, 100 + slot);
    }
    table.removeAt(1);
    assertThat(all(table)).containsExactly(peer("p0"), peer("p2"), peer("p3"), peer("p4"));
    assertThat(table.get(1, 1)).isEqualTo(102);
    assertThat(table.get(3, 1)).isEqualTo(104);
  }

  @Test
  void removeSwappingMovesTheLastPeerWithItsAttributesIntoTheSlot() {
    PeerTable<Void> table = tableOf(peers("p", 5), 2);
    for (int slot = 0; slot < 5; slot++) {
      table.set(slot, 0, slot);
    }
    assertThat(table.removeSwapping(1)).isEqualTo(4);
    assertThat(all(table)).containsExactly(peer("p0"), peer("p4"), peer("p2"), peer("p3"));
    assertThat(table.get(1, 0)).isEqualTo(4);
    assertThat(table.removeSwapping(3)).isEqualTo(3); // the last one itself
    assertThat(all(table)).containsExactly(peer("p0"), peer("p4"), peer("p2"));
  }

  @Test
  void growingKeepsEveryPeerAndAttributeAndANewPeerStartsAtZero() {
    PeerTable<Void> table = new PeerTable<>(3, 1);
    List<NodeName> names = peers("p", 40);
    for (int i = 0; i < names.size(); i++) {
      int slot = table.add(names.get(i), null);
      table.set(slot, 2, i * 7L);
      assertThat(table.get(slot, 0)).isZero();
    }
    assertThat(all(table)).containsExactlyElementsOf(names);
    for (int i = 0; i < names.size(); i++) {
      assertThat(table.get(table.indexOf(names.get(i)), 2)).isEqualTo(i * 7L);
    }
  }

  @Test
  void valuesTravelWithTheirPeers() {
    PeerTable<String> table = new PeerTable<>(0, 1, true);
    table.add(peer("a"), "A");
    table.add(peer("b"), "B");
    table.add(peer("c"), "C");
    table.removeSwapping(0);
    assertThat(table.value(table.indexOf(peer("c")))).isEqualTo("C");
    table.removeAt(0);
    assertThat(table.value(table.indexOf(peer("b")))).isEqualTo("B");
  }

  @Test
  void aRandomPeerIsDrawnUniformlyAmongThoseThatPassTheFilterAndNoneWhenNonePasses() {
    PeerTable<Void> table = tableOf(peers("p", 6), 0);
    SplittableRandom random = new SplittableRandom(1);
    int[] drawn = new int[6];
    for (int i = 0; i < 6_000; i++) {
      drawn[table.randomSlot(random, slot -> slot % 2 == 0)]++;
    }
    assertThat(drawn[1] + drawn[3] + drawn[5]).isZero();
    assertThat(drawn[0]).isBetween(1_800, 2_200);
    assertThat(drawn[2]).isBetween(1_800, 2_200);
    assertThat(table.random(random, slot -> false)).isEmpty();
  }

  @Test
  void aSampleHoldsDistinctPeersThatPassTheFilterAndAtMostWhatIsThere() {
    PeerTable<Void> table = tableOf(peers("p", 10), 0);
    SplittableRandom random = new SplittableRandom(2);
    List<NodeName> sample = table.sample(4, random, slot -> slot != 3);
    assertThat(sample).hasSize(4).doesNotHaveDuplicates().doesNotContain(peer("p3"));
    assertThat(table.sample(20, random, slot -> slot < 3)).containsExactlyInAnyOrder(peer("p0"), peer("p1"),
        peer("p2"));
    List<NodeName> again = new ArrayList<>(table.sample(4, new SplittableRandom(2), slot -> slot != 3));
    assertThat(again).isEqualTo(sample); // the same seed draws the same peers
  }
}
