package io.barrel.p2p.membership;

import static io.barrel.p2p.membership.NodeProbe.dialed;
import static io.barrel.p2p.membership.NodeProbe.events;
import static io.barrel.p2p.membership.NodeProbe.peer;
import static io.barrel.p2p.membership.NodeProbe.peers;
import static io.barrel.p2p.membership.NodeProbe.sendsOf;
import static io.barrel.p2p.membership.NodeProbe.sentTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.barrel.p2p.NodeName;
import io.barrel.p2p.membership.MembershipMessage.ForwardJoin;
import io.barrel.p2p.membership.MembershipMessage.Join;
import io.barrel.p2p.membership.MembershipMessage.NeighborReply;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** JOIN, on the contact's side and on the joiner's side. */
class HyParViewJoinTest {

  private final NodeName newcomer = peer("new");

  @Test
  void joinAddsTheNewNodeConfirmsAndForwardsToEveryOtherNeighbour() {
    NodeProbe contact = NodeProbe.member().linkedWith(peers("a", 3));
    List<MembershipEffect> effects = contact.receive(newcomer, new Join());

    assertThat(contact.node.activeView()).contains(newcomer).hasSize(4);
    assertThat(events(effects)).containsExactly(new MembershipEvent.PeerUp(newcomer));
    assertThat(sentTo(effects, newcomer)).containsExactly(new NeighborReply(true));
    assertThat(sendsOf(effects, ForwardJoin.class)).extracting(MembershipEffect.Send::peer)
        .containsExactlyInAnyOrderElementsOf(peers("a", 3));
    assertThat(sendsOf(effects, ForwardJoin.class)).extracting(MembershipEffect.Send::message)
        .containsOnly(new ForwardJoin(newcomer, 6));
  }

  @Test
  void joinWhenActiveViewFullEvictsAndTellsTheEvictedPeer() {
    NodeProbe contact = NodeProbe.member().linkedWith(peers("a", 5));
    List<MembershipEffect> effects = contact.receive(newcomer, new Join());

    assertThat(contact.node.activeView()).hasSize(5).contains(newcomer);
    List<MembershipEffect.Send> disconnects = sendsOf(effects, MembershipMessage.Disconnect.class);
    assertThat(disconnects).hasSize(1);
    NodeName evicted = disconnects.get(0).peer();
    assertThat(disconnects.get(0).message()).isEqualTo(new MembershipMessage.Disconnect(true));
    assertThat(evicted).isIn(peers("a", 5));
    assertThat(contact.node.activeView()).doesNotContain(evicted);
    assertThat(contact.node.passiveView()).contains(evicted);
    assertThat(events(effects)).containsExactly(new MembershipEvent.PeerDown(evicted, DownReason.EVICTED),
        new MembershipEvent.PeerUp(newcomer));
    // the evicted peer gets no walk: it is no longer a neighbour
    assertThat(sendsOf(effects, ForwardJoin.class)).extracting(MembershipEffect.Send::peer)
        .doesNotContain(evicted, newcomer).hasSize(4);
  }

  @Test
  void joinFromAnExistingNeighbourIsConfirmedWithoutASecondPeerUp() {
    NodeProbe contact = NodeProbe.member().linkedWith(List.of(newcomer));
    List<MembershipEffect> effects = contact.receive(newcomer, new Join());
    assertThat(events(effects)).isEmpty();
    assertThat(sentTo(effects, newcomer)).containsExactly(new NeighborReply(true));
  }

  @Test
  void joinToANodeThatHasNotJoinedIsRefused() {
    NodeProbe fresh = new NodeProbe(MembershipConfig.defaults(), 1);
    List<MembershipEffect> effects = fresh.receive(newcomer, new Join());
    assertThat(sentTo(effects, newcomer)).containsExactly(new NeighborReply(false));
    assertThat(fresh.node.activeView()).isEmpty();
  }

  @Test
  void joinToANodeThatLeftIsRefusedAndTheJoinerToldToForgetIt() {
    NodeProbe gone = NodeProbe.member();
    gone.leave();
    List<MembershipEffect> effects = gone.receive(newcomer, new Join());
    assertThat(sentTo(effects, newcomer)).containsExactly(new MembershipMessage.Disconnect(false),
        new NeighborReply(false));
  }

  @Test
  void joiningNodeDialsItsContactFirstAndSendsJoinOnceConnected() {
    NodeProbe joiner = new NodeProbe(MembershipConfig.defaults(), 1);
    NodeName contact = peer("contact");
    List<MembershipEffect> effects = joiner.join(List.of(contact));
    assertThat(dialed(effects)).containsExactly(contact);
    assertThat(NodeProbe.sends(effects)).isEmpty();

    assertThat(sentTo(joiner.connected(contact), contact)).containsExactly(new Join());
    assertThat(joiner.node.activeView()).isEmpty();
    assertThat(joiner.node.pendingLinks()).containsExactly(contact);
  }

  @Test
  void joiningNodeAddsTheContactWhenTheContactAccepts() {
    NodeProbe joiner = new NodeProbe(MembershipConfig.defaults(), 1);
    NodeName contact = peer("contact");
    joiner.join(List.of(contact));
    joiner.connected(contact);
    List<MembershipEffect> effects = joiner.receive(contact, new NeighborReply(true));
    assertThat(joiner.node.activeView()).containsExactly(contact);
    assertThat(events(effects)).containsExactly(new MembershipEvent.PeerUp(contact));
    assertThat(joiner.node.pendingLinks()).isEmpty();
  }

  @Test
  void joiningNodeTriesOneContactAtATimeAndMovesOnWhenOneRefuses() {
    NodeProbe joiner = new NodeProbe(MembershipConfig.defaults(), 1);
    List<NodeName> contacts = peers("c", 3);
    List<NodeName> first = dialed(joiner.join(contacts));
    assertThat(first).hasSize(1);
    joiner.connected(first.get(0));
    List<NodeName> second = dialed(joiner.receive(first.get(0), new NeighborReply(false)));
    assertThat(second).hasSize(1).doesNotContain(first.get(0));
    List<NodeName> third = dialed(joiner.connectFailed(second.get(0)));
    assertThat(third).hasSize(1).doesNotContainAnyElementsOf(first).doesNotContainAnyElementsOf(second);
  }

  @Test
  void joinIgnoresItselfAsAContact() {
    NodeProbe joiner = new NodeProbe(MembershipConfig.defaults(), 1);
    assertThat(dialed(joiner.join(List.of(NodeProbe.SELF)))).isEmpty();
    assertThat(joiner.node.contacts()).isEmpty();
    assertThat(joiner.node.isMember()).isTrue();
  }

  @Test
  void unreachableContactIsRetriedWithGrowingBackoffWhileTheViewIsEmpty() {
    NodeProbe joiner = new NodeProbe(MembershipConfig.defaults(), 1);
    NodeName contact = peer("contact");
    joiner.join(List.of(contact));
    joiner.connectFailed(contact); // 1st failure: 2 s
    assertThat(dialed(joiner.advance(Duration.ofMillis(1_999)).fire(new MembershipTimer.Repair()))).isEmpty();
    assertThat(dialed(joiner.advance(Duration.ofMillis(1)).fire(new MembershipTimer.Repair()))).containsExactly(contact);
    joiner.connectFailed(contact); // 2nd failure: 4 s
    assertThat(dialed(joiner.advance(Duration.ofMillis(3_999)).fire(new MembershipTimer.Repair()))).isEmpty();
    assertThat(dialed(joiner.advance(Duration.ofMillis(1)).fire(new MembershipTimer.Repair()))).containsExactly(contact);
    for (int i = 0; i < 20; i++) {
      joiner.connectFailed(contact);
    }
    // contacts are never given up, only spaced out up to max-backoff
    assertThat(dialed(joiner.advance(Duration.ofMinutes(5)).fire(new MembershipTimer.Repair()))).containsExactly(contact);
  }

  @Test
  void aNodeWithNeighboursDoesNotJoinItsContactsAgain() {
    NodeProbe node = NodeProbe.member().linkedWith(peers("a", 1));
    assertThat(dialed(node.join(List.of(peer("contact"))))).isEmpty();
    assertThat(node.node.contacts()).containsExactly(peer("contact"));
  }

  @Test
  void joinArmsThePeriodicTimersOnce() {
    NodeProbe node = new NodeProbe(MembershipConfig.defaults(), 1);
    List<MembershipEffect> first = node.join(List.of());
    assertThat(NodeProbe.schedules(first)).extracting(MembershipEffect.Schedule::timer)
        .containsExactlyInAnyOrder(new MembershipTimer.Shuffle(), new MembershipTimer.Repair(),
            new MembershipTimer.PassiveCleanup());
    assertThat(NodeProbe.schedules(node.join(List.of()))).isEmpty();
  }

  @Test
  void joinAfterLeavingIsRefusedWithAClearMessage() {
    NodeProbe node = NodeProbe.member();
    node.leave();
    assertThatThrownBy(() -> node.join(List.of())).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("has left the cluster");
  }
}
