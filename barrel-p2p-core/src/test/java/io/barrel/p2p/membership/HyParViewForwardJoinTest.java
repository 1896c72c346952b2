package io.barrel.p2p.membership;

import static io.barrel.p2p.membership.NodeProbe.dialed;
import static io.barrel.p2p.membership.NodeProbe.events;
import static io.barrel.p2p.membership.NodeProbe.peer;
import static io.barrel.p2p.membership.NodeProbe.peers;
import static io.barrel.p2p.membership.NodeProbe.sends;
import static io.barrel.p2p.membership.NodeProbe.sendsOf;
import static io.barrel.p2p.membership.NodeProbe.sentTo;
import static org.assertj.core.api.Assertions.assertThat;

import io.barrel.p2p.NodeName;
import io.barrel.p2p.membership.MembershipMessage.ForwardJoin;
import io.barrel.p2p.membership.MembershipMessage.Neighbor;
import io.barrel.p2p.membership.MembershipMessage.NeighborReply;
import java.util.List;
import org.junit.jupiter.api.Test;

/** FORWARD_JOIN: the walk, its end, and the link it creates only with the new node's agreement. */
class HyParViewForwardJoinTest {

  private final NodeName newNode = peer("new");
  private final List<NodeName> neighbours = peers("a", 4);
  private final NodeName sender = neighbours.get(0);

  @Test
  void forwardJoinWithHopsLeftGoesToANeighbourOtherThanTheSenderWithOneHopLess() {
    NodeProbe node = NodeProbe.member().linkedWith(neighbours);
    for (int i = 0; i < 20; i++) {
      List<MembershipEffect> effects = node.receive(sender, new ForwardJoin(newNode, 6));
      assertThat(sends(effects)).hasSize(1);
      MembershipEffect.Send forward = sends(effects).get(0);
      assertThat(forward.peer()).isIn(neighbours).isNotEqualTo(sender);
      assertThat(forward.message()).isEqualTo(new ForwardJoin(newNode, 5));
    }
    assertThat(node.node.passiveView()).doesNotContain(newNode);
    assertThat(node.node.activeView()).doesNotContain(newNode);
  }

  @Test
  void forwardJoinAtThePassiveWalkLengthKeepsTheNewNodeAsPassiveAndWalksOn() {
    NodeProbe node = NodeProbe.member().linkedWith(neighbours);
    List<MembershipEffect> effects = node.receive(sender, new ForwardJoin(newNode, 3));
    assertThat(node.node.passiveView()).contains(newNode);
    assertThat(sendsOf(effects, ForwardJoin.class)).extracting(MembershipEffect.Send::message)
        .containsExactly(new ForwardJoin(newNode, 2));
  }

  @Test
  void forwardJoinAtZeroTtlAsksTheNewNodeForALinkWithHighPriority() {
    NodeProbe node = NodeProbe.member().linkedWith(neighbours);
    List<MembershipEffect> effects = node.receive(sender, new ForwardJoin(newNode, 0));
    assertThat(dialed(effects)).containsExactly(newNode);
    assertThat(sends(effects)).isEmpty();
    assertThat(sentTo(node.connected(newNode), newNode)).containsExactly(new Neighbor(NeighborPriority.HIGH));
  }

  @Test
  void forwardJoinAtZeroTtlAddsToActiveViewOnceTheNewNodeAccepts() {
    NodeProbe node = NodeProbe.member().linkedWith(neighbours);
    node.receive(sender, new ForwardJoin(newNode, 0));
    node.connected(newNode);
    assertThat(node.node.activeView()).doesNotContain(newNode); // not before the new node agreed
    List<MembershipEffect> effects = node.receive(newNode, new NeighborReply(true));
    assertThat(node.node.activeView()).contains(newNode);
    assertThat(events(effects)).containsExactly(new MembershipEvent.PeerUp(newNode));
  }

  @Test
  void walkEndIntoAFullViewEvictsAndTellsTheEvictedPeer() {
    NodeProbe node = NodeProbe.member().linkedWith(peers("a", 5));
    node.receive(sender, new ForwardJoin(newNode, 0));
    node.connected(newNode);
    List<MembershipEffect> effects = node.receive(newNode, new NeighborReply(true));
    assertThat(node.node.activeView()).hasSize(5).contains(newNode);
    assertThat(sendsOf(effects, MembershipMessage.Disconnect.class)).hasSize(1)
        .allMatch(s -> s.message().equals(new MembershipMessage.Disconnect(true)));
  }

  @Test
  void forwardJoinAtANodeWithOneNeighbourEndsTheWalkWhateverItsTtl() {
    NodeProbe node = NodeProbe.member().linkedWith(List.of(sender));
    List<MembershipEffect> effects = node.receive(sender, new ForwardJoin(newNode, 6));
    assertThat(dialed(effects)).containsExactly(newNode);
    assertThat(sendsOf(effects, ForwardJoin.class)).isEmpty();
  }

  @Test
  void forwardJoinWithNowhereElseToGoEndsTheWalk() {
    // two neighbours: the sender and the new node itself, so no one to forward to
    NodeProbe node = NodeProbe.member().linkedWith(List.of(sender, peer("b")));
    node.receive(peer("b"), new MembershipMessage.Disconnect(true));
    node.linkedWith(List.of(newNode));
    List<MembershipEffect> effects = node.receive(sender, new ForwardJoin(newNode, 4));
    assertThat(sendsOf(effects, ForwardJoin.class)).isEmpty();
    assertThat(dialed(effects)).isEmpty(); // already a neighbour: nothing to add
  }

  @Test
  void forwardJoinAboutItselfIsIgnored() {
    NodeProbe node = NodeProbe.member().linkedWith(neighbours);
    assertThat(node.receive(sender, new ForwardJoin(NodeProbe.SELF, 0))).isEmpty();
    assertThat(node.receive(sender, new ForwardJoin(NodeProbe.SELF, 5))).isEmpty();
  }

  @Test
  void forwardJoinAboutANodeAlreadyBeingLinkedStartsNoSecondAttempt() {
    NodeProbe node = NodeProbe.member().linkedWith(neighbours);
    node.receive(sender, new ForwardJoin(newNode, 0));
    assertThat(dialed(node.receive(neighbours.get(1), new ForwardJoin(newNode, 0)))).isEmpty();
  }

  @Test
  void forwardJoinFromANonNeighbourIsAnsweredWithDisconnect() {
    NodeProbe node = NodeProbe.member().linkedWith(neighbours);
    NodeName stranger = peer("stranger");
    List<MembershipEffect> effects = node.receive(stranger, new ForwardJoin(newNode, 5));
    assertThat(sentTo(effects, stranger)).containsExactly(new MembershipMessage.Disconnect(true));
    assertThat(node.node.activeView()).doesNotContain(stranger);
  }

  @Test
  void forwardJoinToANodeThatHasNotJoinedIsDropped() {
    NodeProbe fresh = new NodeProbe(MembershipConfig.defaults(), 3);
    assertThat(fresh.receive(sender, new ForwardJoin(newNode, 0))).isEmpty();
  }
}
