package io.barrel.p2p.membership;

import static io.barrel.p2p.membership.NodeProbe.events;
import static io.barrel.p2p.membership.NodeProbe.peer;
import static io.barrel.p2p.membership.NodeProbe.peers;
import static io.barrel.p2p.membership.NodeProbe.sendsOf;
import static io.barrel.p2p.membership.NodeProbe.sentTo;
import static org.assertj.core.api.Assertions.assertThat;

import io.barrel.p2p.NodeName;
import io.barrel.p2p.membership.MembershipMessage.Neighbor;
import io.barrel.p2p.membership.MembershipMessage.NeighborReply;
import java.util.List;
import org.junit.jupiter.api.Test;

/** NEIGHBOR: who gets a link, and how the reply always says what this node did. */
class HyParViewNeighborTest {

  private final NodeName asker = peer("asker");

  @Test
  void lowPriorityNeighborIsAcceptedWhenThereIsRoom() {
    NodeProbe node = NodeProbe.member().linkedWith(peers("a", 4));
    List<MembershipEffect> effects = node.receive(asker, new Neighbor(NeighborPriority.LOW));
    assertThat(node.node.activeView()).contains(asker).hasSize(5);
    assertThat(sentTo(effects, asker)).containsExactly(new NeighborReply(true));
    assertThat(events(effects)).containsExactly(new MembershipEvent.PeerUp(asker));
  }

  @Test
  void lowPriorityNeighborIsRefusedWhenTheViewIsFull() {
    NodeProbe node = NodeProbe.member().linkedWith(peers("a", 5));
    List<MembershipEffect> effects = node.receive(asker, new Neighbor(NeighborPriority.LOW));
    assertThat(node.node.activeView()).doesNotContain(asker).hasSize(5);
    assertThat(sentTo(effects, asker)).containsExactly(new NeighborReply(false));
    assertThat(events(effects)).isEmpty();
  }

  @Test
  void highPriorityNeighborIsAcceptedEvenWhenFullByEvictingAPeerThatIsTold() {
    NodeProbe node = NodeProbe.member().linkedWith(peers("a", 5));
    List<MembershipEffect> effects = node.receive(asker, new Neighbor(NeighborPriority.HIGH));
    assertThat(node.node.activeView()).contains(asker).hasSize(5);
    assertThat(sendsOf(effects, MembershipMessage.Disconnect.class)).hasSize(1);
    assertThat(sentTo(effects, asker)).containsExactly(new NeighborReply(true));
    // the eviction reaches the victim before the newcomer hears it is in
    assertThat(NodeProbe.sends(effects).get(0).message()).isEqualTo(new MembershipMessage.Disconnect(true));
  }

  @Test
  void neighborFromAnExistingNeighbourIsConfirmedWithoutASecondPeerUp() {
    NodeProbe node = NodeProbe.member().linkedWith(peers("a", 5));
    NodeName existing = peer("a2");
    List<MembershipEffect> effects = node.receive(existing, new Neighbor(NeighborPriority.LOW));
    assertThat(sentTo(effects, existing)).containsExactly(new NeighborReply(true));
    assertThat(events(effects)).isEmpty();
  }

  @Test
  void acceptingANeighborAlsoSettlesThisNodesOwnAttemptToIt() {
    NodeProbe node = NodeProbe.member().knowing(List.of(asker));
    node.fire(new MembershipTimer.Repair()); // promotes the only passive peer: the asker
    assertThat(node.node.pendingLinks()).containsExactly(asker);
    node.receive(asker, new Neighbor(NeighborPriority.LOW));
    assertThat(node.node.pendingLinks()).isEmpty();
    assertThat(node.node.activeView()).containsExactly(asker);
    // our own request crossed theirs; their acceptance of it changes nothing
    assertThat(node.receive(asker, new NeighborReply(true))).isEmpty();
    assertThat(node.node.activeView()).containsExactly(asker);
  }

  @Test
  void neighborToANodeThatHasNotJoinedIsRefused() {
    NodeProbe fresh = new NodeProbe(MembershipConfig.defaults(), 1);
    List<MembershipEffect> effects = fresh.receive(asker, new Neighbor(NeighborPriority.HIGH));
    assertThat(sentTo(effects, asker)).containsExactly(new NeighborReply(false));
  }

  @Test
  void neighborToANodeThatLeftIsRefusedAndTheAskerToldToForgetIt() {
    NodeProbe gone = NodeProbe.member();
    gone.leave();
    List<MembershipEffect> effects = gone.receive(asker, new Neighbor(NeighborPriority.HIGH));
    assertThat(sentTo(effects, asker)).containsExactly(new MembershipMessage.Disconnect(false),
        new NeighborReply(false));
  }
}
