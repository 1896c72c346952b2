package io.barrel.p2p.membership;

import static io.barrel.p2p.membership.NodeProbe.peer;
import static io.barrel.p2p.membership.NodeProbe.peers;
import static io.barrel.p2p.membership.NodeProbe.schedules;
import static io.barrel.p2p.membership.NodeProbe.sends;
import static io.barrel.p2p.membership.NodeProbe.sentTo;
import static org.assertj.core.api.Assertions.assertThat;

import io.barrel.p2p.NodeName;
import io.barrel.p2p.membership.MembershipMessage.Shuffle;
import io.barrel.p2p.membership.MembershipMessage.ShuffleReply;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The shuffle timer, SHUFFLE and SHUFFLE_REPLY. */
class HyParViewShuffleTest {

  private final List<NodeName> active = peers("a", 5);
  private final List<NodeName> passive = peers("p", 10);
  private final NodeName origin = peer("origin");

  @Test
  void shuffleTimerSendsItselfThreeActiveAndFourPassivePeersToARandomNeighbour() {
    NodeProbe node = NodeProbe.member().linkedWith(active).knowing(passive);
    List<MembershipEffect> effects = node.fire(new MembershipTimer.Shuffle());
    assertThat(sends(effects)).hasSize(1);
    MembershipEffect.Send send = sends(effects).get(0);
    assertThat(send.peer()).isIn(active);
    Shuffle shuffle = (Shuffle) send.message();
    assertThat(shuffle.origin()).isEqualTo(NodeProbe.SELF);
    assertThat(shuffle.ttl()).isEqualTo(3);
    assertThat(shuffle.ids()).hasSize(8).doesNotHaveDuplicates().doesNotContain(send.peer());
    assertThat(shuffle.ids().get(0)).isEqualTo(NodeProbe.SELF);
    assertThat(shuffle.ids().subList(1, 4)).isSubsetOf(active);
    assertThat(shuffle.ids().subList(4, 8)).isSubsetOf(passive);
  }

  @Test
  void shuffleTimerIsReArmedEvenWithoutNeighbours() {
    NodeProbe node = NodeProbe.member();
    List<MembershipEffect> effects = node.fire(new MembershipTimer.Shuffle());
    assertThat(sends(effects)).isEmpty();
    assertThat(schedules(effects)).extracting(MembershipEffect.Schedule::timer)
        .containsExactly(new MembershipTimer.Shuffle());
  }

  @Test
  void shuffleTimerRunsFasterWhileMembershipChurns() {
    NodeProbe node = NodeProbe.member().linkedWith(active);
    Duration calm = schedules(node.fire(new MembershipTimer.Shuffle())).get(0).delay();
    assertThat(calm).isEqualTo(Duration.ofSeconds(10));
    for (NodeName joiner : peers("j", 6)) {
      node.receive(joiner, new MembershipMessage.Join());
    }
    assertThat(schedules(node.fire(new MembershipTimer.Shuffle())).get(0).delay()).isEqualTo(Duration.ofSeconds(5));
    for (NodeName joiner : peers("k", 5)) {
      node.receive(joiner, new MembershipMessage.Join());
    }
    assertThat(schedules(node.fire(new MembershipTimer.Shuffle())).get(0).delay()).isEqualTo(Duration.ofSeconds(2));
    node.advance(Duration.ofSeconds(31));
    assertThat(schedules(node.fire(new MembershipTimer.Shuffle())).get(0).delay()).isEqualTo(Duration.ofSeconds(10));
  }

  @Test
  void shuffleWithTtlLeftIsForwardedToANeighbourOtherThanSenderAndOrigin() {
    NodeProbe node = NodeProbe.member().linkedWith(active).linkedWith(List.of(origin));
    NodeName sender = active.get(0);
    Shuffle shuffle = new Shuffle(origin, 2, List.of(origin, peer("x")));
    for (int i = 0; i < 20; i++) {
      List<MembershipEffect> effects = node.receive(sender, shuffle);
      assertThat(sends(effects)).hasSize(1);
      assertThat(sends(effects).get(0).peer()).isIn(active).isNotEqualTo(sender).isNotEqualTo(origin);
      assertThat(sends(effects).get(0).message()).isEqualTo(new Shuffle(origin, 1, shuffle.ids()));
    }
    assertThat(node.node.passiveView()).doesNotContain(peer("x"));
  }

  @Test
  void shuffleAtTheEndOfItsWalkIsAnsweredToTheOriginAndItsNamesKept() {
    NodeProbe node = NodeProbe.member().linkedWith(active).knowing(passive);
    List<NodeName> ids = List.of(origin, peer("x"), peer("y"), NodeProbe.SELF, active.get(1));
    List<MembershipEffect> effects = node.receive(active.get(0), new Shuffle(origin, 0, ids));
    List<MembershipMessage> toOrigin = sentTo(effects, origin);
    assertThat(toOrigin).hasSize(1);
    ShuffleReply reply = (ShuffleReply) toOrigin.get(0);
    assertThat(reply.ids()).hasSize(ids.size()).isSubsetOf(passive);
    // itself and its neighbours are never kept as passive peers
    assertThat(node.node.passiveView()).contains(origin, peer("x"), peer("y"))
        .doesNotContain(NodeProbe.SELF, active.get(1));
  }

  @Test
  void shuffleAtANodeWithOneNeighbourEndsThereWhateverItsTtl() {
    NodeProbe node = NodeProbe.member().linkedWith(List.of(active.get(0)));
    List<MembershipEffect> effects = node.receive(active.get(0), new Shuffle(origin, 3, List.of(origin)));
    assertThat(sentTo(effects, origin)).singleElement().isInstanceOf(ShuffleReply.class);
  }

  @Test
  void shuffleThatCameBackToItsOriginIsDropped() {
    NodeProbe node = NodeProbe.member().linkedWith(active);
    assertThat(node.receive(active.get(0), new Shuffle(NodeProbe.SELF, 1, List.of(NodeProbe.SELF)))).isEmpty();
  }

  @Test
  void shuffleFromANonNeighbourIsAnsweredWithDisconnect() {
    NodeProbe node = NodeProbe.member().linkedWith(active);
    NodeName stranger = peer("stranger");
    List<MembershipEffect> effects = node.receive(stranger, new Shuffle(stranger, 0, List.of(stranger)));
    assertThat(sentTo(effects, stranger)).startsWith(new MembershipMessage.Disconnect(true));
  }

  @Test
  void shuffleReplyNamesAreKeptMakingRoomWithTheNamesThisNodeSent() {
    MembershipConfig small = MembershipConfig.builder().passiveSize(8).build();
    NodeProbe node = NodeProbe.member(small).linkedWith(active).knowing(peers("p", 8));
    Shuffle sent = (Shuffle) sends(node.fire(new MembershipTimer.Shuffle())).get(0).message();
    List<NodeName> sentPassive = new ArrayList<>(sent.ids());
    sentPassive.retainAll(peers("p", 8));
    assertThat(sentPassive).hasSize(4);
    List<NodeName> fresh = peers("fresh", 4);
    node.receive(peer("end"), new ShuffleReply(fresh));
    assertThat(node.node.passiveView()).hasSize(8).containsAll(fresh).doesNotContainAnyElementsOf(sentPassive);
  }

  @Test
  void passiveViewNeverExceedsItsBoundWhateverTheShufflesBring() {
    MembershipConfig small = MembershipConfig.builder().passiveSize(6).build();
    NodeProbe node = NodeProbe.member(small).linkedWith(active);
    node.knowing(peers("flood", 64));
    assertThat(node.node.passiveView()).hasSize(6);
  }

  @Test
  void shuffleMessagesToANodeThatHasNotJoinedAreDropped() {
    NodeProbe fresh = new NodeProbe(MembershipConfig.defaults(), 1);
    assertThat(fresh.receive(origin, new Shuffle(origin, 0, List.of(origin)))).isEmpty();
    fresh.receive(origin, new ShuffleReply(List.of(peer("x"))));
    assertThat(fresh.node.passiveView()).isEmpty();
  }
}
