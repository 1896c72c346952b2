package io.barrel.p2p.membership;

import static io.barrel.p2p.membership.NodeProbe.dialed;
import static io.barrel.p2p.membership.NodeProbe.events;
import static io.barrel.p2p.membership.NodeProbe.peer;
import static io.barrel.p2p.membership.NodeProbe.peers;
import static io.barrel.p2p.membership.NodeProbe.sends;
import static io.barrel.p2p.membership.NodeProbe.sentTo;
import static org.assertj.core.api.Assertions.assertThat;

import io.barrel.p2p.NodeName;
import io.barrel.p2p.membership.MembershipMessage.Disconnect;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** DISCONNECT: the sender is dropped, kept as a replacement unless it is leaving, and the slot refilled. */
class HyParViewDisconnectTest {

  private final NodeName neighbour = peer("a0");

  @Test
  void disconnectFromALiveNeighbourKeepsItAsPassiveAndReportsEvicted() {
    NodeProbe node = NodeProbe.member().linkedWith(peers("a", 3));
    List<MembershipEffect> effects = node.receive(neighbour, new Disconnect(true));
    assertThat(node.node.activeView()).doesNotContain(neighbour);
    assertThat(node.node.passiveView()).contains(neighbour);
    assertThat(events(effects)).containsExactly(new MembershipEvent.PeerDown(neighbour, DownReason.EVICTED));
    assertThat(sends(effects)).isEmpty(); // no answer: the sender already dropped the link
  }

  @Test
  void disconnectFromALeavingNeighbourForgetsItAndReportsGraceful() {
    NodeProbe node = NodeProbe.member().linkedWith(peers("a", 3));
    List<MembershipEffect> effects = node.receive(neighbour, new Disconnect(false));
    assertThat(node.node.activeView()).doesNotContain(neighbour);
    assertThat(node.node.passiveView()).doesNotContain(neighbour);
    assertThat(node.node.lostPeers()).doesNotContain(neighbour);
    assertThat(events(effects)).containsExactly(new MembershipEvent.PeerDown(neighbour, DownReason.GRACEFUL));
  }

  @Test
  void disconnectFreesASlotThatIsRefilledFromThePassiveView() {
    NodeName spare = peer("spare");
    NodeProbe node = NodeProbe.member().linkedWith(peers("a", 5)).knowing(List.of(spare));
    List<MembershipEffect> effects = node.receive(neighbour, new Disconnect(false));
    assertThat(dialed(effects)).containsExactly(spare);
    assertThat(sentTo(node.connected(spare), spare))
        .containsExactly(new MembershipMessage.Neighbor(NeighborPriority.LOW));
  }

  @Test
  void losingTheLastNeighbourMakesThePromotionHighPriority() {
    NodeName spare = peer("spare");
    NodeProbe node = NodeProbe.member().linkedWith(List.of(neighbour)).knowing(List.of(spare));
    // the neighbour that evicted us is held off even for HIGH: it would only evict another peer
    assertThat(dialed(node.receive(neighbour, new Disconnect(true)))).containsExactly(spare);
    assertThat(node.node.passiveView()).contains(neighbour);
    assertThat(sentTo(node.connected(spare), spare))
        .containsExactly(new MembershipMessage.Neighbor(NeighborPriority.HIGH));
  }

  @Test
  void aNodeFallingBelowTheActiveFloorAsksAPeerThatRefusedItBeforeWithHighPriorityAtOnce() {
    NodeName full = peer("full");
    List<NodeName> neighbours = peers("a", 4);
    NodeProbe node = NodeProbe.member().linkedWith(neighbours).knowing(List.of(full));
    assertThat(dialed(node.fire(new MembershipTimer.Repair()))).containsExactly(full);
    node.connected(full);
    node.receive(full, new MembershipMessage.NeighborReply(false)); // LOW refused: full is full
    // 3 neighbours left, at the floor (3 of 5): still deferred for LOW
    assertThat(dialed(node.receive(neighbours.get(0), new Disconnect(false)))).isEmpty();
    // 2 left, below the floor: a HIGH request cannot be refused for being full, so it goes out at once
    assertThat(dialed(node.receive(neighbours.get(1), new Disconnect(false)))).containsExactly(full);
    assertThat(sentTo(node.connected(full), full))
        .containsExactly(new MembershipMessage.Neighbor(NeighborPriority.HIGH));
  }

  @Test
  void withTheFloorAtOneANodeWaitsUntilItHasNoNeighbourBeforeForcingALink() {
    NodeName full = peer("full");
    List<NodeName> neighbours = peers("a", 4);
    NodeProbe node = NodeProbe.member(MembershipConfig.builder().activeFloor(1).build()).linkedWith(neighbours)
        .knowing(List.of(full));
    assertThat(dialed(node.fire(new MembershipTimer.Repair()))).containsExactly(full);
    node.connected(full);
    node.receive(full, new MembershipMessage.NeighborReply(false));
    for (NodeName n : neighbours.subList(0, 3)) {
      assertThat(dialed(node.receive(n, new Disconnect(false)))).isEmpty(); // still deferred for LOW
    }
    assertThat(dialed(node.receive(neighbours.get(3), new Disconnect(false)))).containsExactly(full);
    assertThat(sentTo(node.connected(full), full))
        .containsExactly(new MembershipMessage.Neighbor(NeighborPriority.HIGH));
  }

  @Test
  void aPeerThatRefusesEvenAHighRequestIsHeldOffNotAskedAgainAtOnce() {
    NodeName notJoined = peer("new");
    NodeProbe node = NodeProbe.member().knowing(List.of(notJoined));
    node.fire(new MembershipTimer.Repair());
    node.connected(notJoined);
    assertThat(dialed(node.receive(notJoined, new MembershipMessage.NeighborReply(false)))).isEmpty();
    assertThat(dialed(node.advance(Duration.ofSeconds(2)).fire(new MembershipTimer.Repair()))).containsExactly(notJoined);
  }

  @Test
  void aPeerThatEvictedUsIsNotAskedStraightBackWhileWeStillHaveNeighbours() {
    NodeName spare = peer("spare");
    NodeProbe node = NodeProbe.member().linkedWith(peers("a", 3)).knowing(List.of(spare));
    assertThat(dialed(node.receive(neighbour, new Disconnect(true)))).containsExactly(spare);
    assertThat(node.node.passiveView()).contains(neighbour);
  }

  @Test
  void onlyOneHighPriorityRequestIsOutAtATime() {
    NodeProbe node = NodeProbe.member().knowing(peers("p", 5));
    List<NodeName> asked = dialed(node.fire(new MembershipTimer.Repair()));
    assertThat(asked).hasSize(5);
    long high = asked.stream().map(node::connected).flatMap(List::stream)
        .filter(e -> e instanceof MembershipEffect.Send s
            && s.message().equals(new MembershipMessage.Neighbor(NeighborPriority.HIGH)))
        .count();
    assertThat(high).isEqualTo(1);
  }

  @Test
  void disconnectFromANonNeighbourThatIsLeavingRemovesItFromThePassiveView() {
    NodeName passive = peer("p");
    NodeProbe node = NodeProbe.member().linkedWith(peers("a", 5)).knowing(List.of(passive));
    List<MembershipEffect> effects = node.receive(passive, new Disconnect(false));
    assertThat(node.node.passiveView()).doesNotContain(passive);
    assertThat(events(effects)).isEmpty();
  }

  @Test
  void disconnectFromANonNeighbourThatStaysChangesNothing() {
    NodeName passive = peer("p");
    NodeProbe node = NodeProbe.member().linkedWith(peers("a", 5)).knowing(List.of(passive));
    assertThat(node.receive(passive, new Disconnect(true))).isEmpty();
    assertThat(node.node.passiveView()).contains(passive);
  }
}
