package io.barrel.p2p.membership;

import static io.barrel.p2p.membership.NodeProbe.dialed;
import static io.barrel.p2p.membership.NodeProbe.events;
import static io.barrel.p2p.membership.NodeProbe.peer;
import static io.barrel.p2p.membership.NodeProbe.peers;
import static io.barrel.p2p.membership.NodeProbe.sentTo;
import static org.assertj.core.api.Assertions.assertThat;

import io.barrel.p2p.NodeName;
import io.barrel.p2p.membership.MembershipMessage.Neighbor;
import io.barrel.p2p.membership.MembershipMessage.NeighborReply;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** NEIGHBOR_REPLY: an acceptance is always matched (link taken) or undone (DISCONNECT). */
class HyParViewNeighborReplyTest {

  private final NodeName candidate = peer("p");

  /** A node with {@code active} neighbours whose only passive peer is being promoted. */
  private static NodeProbe promoting(NodeName candidate, int active) {
    return promoting(MembershipConfig.defaults(), candidate, active);
  }

  private static NodeProbe promoting(MembershipConfig config, NodeName candidate, int active) {
    NodeProbe node = NodeProbe.member(config).linkedWith(peers("a", active)).knowing(List.of(candidate));
    assertThat(dialed(node.fire(new MembershipTimer.Repair()))).containsExactly(candidate);
    return node;
  }

  @Test
  void completingAPromotionSendsTheNeighborRequestInsteadOfCrashing() {
    NodeProbe node = promoting(candidate, 3); // at the active floor (3 of 5): room is asked for, not forced
    assertThat(sentTo(node.connected(candidate), candidate)).containsExactly(new Neighbor(NeighborPriority.LOW));
  }

  @Test
  void promotionFromAnEmptyViewAsksWithHighPriority() {
    NodeProbe node = promoting(candidate, 0);
    assertThat(sentTo(node.connected(candidate), candidate)).containsExactly(new Neighbor(NeighborPriority.HIGH));
  }

  @Test
  void promotionBelowTheActiveFloorAsksWithHighPriority() {
    NodeProbe node = promoting(candidate, 2); // 2 of 5: below the default floor of 3
    assertThat(sentTo(node.connected(candidate), candidate)).containsExactly(new Neighbor(NeighborPriority.HIGH));
  }

  @Test
  void withTheFloorAtOneOnlyAnEmptyViewForcesALinkAsInThePaper() {
    MembershipConfig paper = MembershipConfig.builder().activeFloor(1).build();
    NodeProbe node = promoting(paper, candidate, 1);
    assertThat(sentTo(node.connected(candidate), candidate)).containsExactly(new Neighbor(NeighborPriority.LOW));
  }

  @Test
  void aPromotionStartedBelowTheFloorAsksWithLowPriorityIfTheFloorWasReachedWhileDialing() {
    NodeProbe node = promoting(candidate, 2);
    NodeName asker = peer("asker");
    node.receive(asker, new Neighbor(NeighborPriority.LOW)); // accepted: 3 neighbours now
    assertThat(node.node.activeView()).hasSize(3);
    assertThat(sentTo(node.connected(candidate), candidate)).containsExactly(new Neighbor(NeighborPriority.LOW));
  }

  @Test
  void acceptedReplyToAPromotionAddsThePeer() {
    NodeProbe node = promoting(candidate, 2);
    node.connected(candidate);
    List<MembershipEffect> effects = node.receive(candidate, new NeighborReply(true));
    assertThat(node.node.activeView()).contains(candidate);
    assertThat(node.node.passiveView()).doesNotContain(candidate);
    assertThat(events(effects)).containsExactly(new MembershipEvent.PeerUp(candidate));
  }

  @Test
  void acceptedReplyToAPromotionWhoseRoomIsGoneIsUndoneWithDisconnect() {
    NodeProbe node = promoting(candidate, 4);
    node.connected(candidate);
    node.linkedWith(List.of(peer("late"))); // fills the last slot while the request is out
    List<MembershipEffect> effects = node.receive(candidate, new NeighborReply(true));
    assertThat(node.node.activeView()).doesNotContain(candidate).hasSize(5);
    assertThat(sentTo(effects, candidate)).containsExactly(new MembershipMessage.Disconnect(true));
    assertThat(node.node.passiveView()).contains(candidate);
    assertThat(events(effects)).isEmpty();
  }

  @Test
  void acceptedReplyToNothingThisNodeAskedIsUndoneWithDisconnect() {
    NodeProbe node = NodeProbe.member().linkedWith(peers("a", 2));
    List<MembershipEffect> effects = node.receive(candidate, new NeighborReply(true));
    assertThat(sentTo(effects, candidate)).containsExactly(new MembershipMessage.Disconnect(true));
    assertThat(node.node.activeView()).doesNotContain(candidate);
  }

  @Test
  void acceptedReplyToARequestSinceUndoneByOurDisconnectIsVoid() {
    // Crossed requests: each side accepts the other's; then this node evicts the peer. The peer's
    // acceptance of our own request, answered before it read the eviction, must not re-link it.
    NodeProbe node = promoting(candidate, 4);
    node.connected(candidate); // our NEIGHBOR is out
    node.receive(candidate, new Neighbor(NeighborPriority.HIGH)); // theirs crossed it: linked
    assertThat(node.node.activeView()).contains(candidate);
    node.receive(peer("joiner"), new MembershipMessage.Join()); // full: may evict the candidate
    while (node.node.activeView().contains(candidate)) {
      node.receive(peer("joiner" + node.now++), new MembershipMessage.Join());
    }
    List<MembershipEffect> effects = node.receive(candidate, new NeighborReply(true));
    assertThat(effects).isEmpty();
    assertThat(node.node.activeView()).doesNotContain(candidate);
  }

  @Test
  void acceptedReplyLostWithItsConnectionIsNotExpectedAnyMore() {
    NodeProbe node = promoting(candidate, 2);
    node.connected(candidate);
    node.closed(candidate);
    List<MembershipEffect> effects = node.receive(candidate, new NeighborReply(true));
    assertThat(sentTo(effects, candidate)).containsExactly(new MembershipMessage.Disconnect(true));
    assertThat(node.node.activeView()).doesNotContain(candidate);
  }

  @Test
  void acceptedReplyAfterThePeerEvictedUsAndTookUsBackIsTaken() {
    // The peer evicted us, then read our request and accepted it: its DISCONNECT comes first,
    // then the acceptance, which is current, so the link is taken again.
    NodeProbe node = NodeProbe.member().linkedWith(peers("a", 2)).knowing(List.of(candidate));
    node.fire(new MembershipTimer.Repair());
    node.connected(candidate);
    node.receive(candidate, new Neighbor(NeighborPriority.HIGH));
    node.receive(candidate, new MembershipMessage.Disconnect(true));
    assertThat(node.node.activeView()).doesNotContain(candidate);
    List<MembershipEffect> effects = node.receive(candidate, new NeighborReply(true));
    assertThat(node.node.activeView()).contains(candidate);
    assertThat(events(effects)).containsExactly(new MembershipEvent.PeerUp(candidate));
  }

  @Test
  void acceptedReplyAfterLeavingIsUndoneWithADisconnectThatSaysGoodbye() {
    NodeProbe node = promoting(candidate, 2);
    node.connected(candidate);
    node.leave();
    List<MembershipEffect> effects = node.receive(candidate, new NeighborReply(true));
    assertThat(sentTo(effects, candidate)).containsExactly(new MembershipMessage.Disconnect(false));
  }

  @Test
  void refusedReplyDefersThePeerWithoutCountingAFailureAndTriesAnotherCandidate() {
    NodeName other = peer("q");
    NodeProbe node = NodeProbe.member().linkedWith(peers("a", 4)).knowing(List.of(candidate, other));
    List<NodeName> first = dialed(node.fire(new MembershipTimer.Repair()));
    assertThat(first).hasSize(1);
    NodeName asked = first.get(0);
    node.connected(asked);
    List<MembershipEffect> effects = node.receive(asked, new NeighborReply(false));
    assertThat(node.node.passiveView()).contains(asked);
    assertThat(node.node.passiveFailures(asked)).isZero();
    assertThat(dialed(effects)).containsExactly(asked.equals(candidate) ? other : candidate);
  }

  @Test
  void aPeerThatKeepsRefusingIsAskedLessAndLessOften() {
    NodeProbe node = NodeProbe.member().linkedWith(peers("a", 4)).knowing(List.of(candidate));
    long[] gaps = new long[4];
    long last = node.now;
    for (int i = 0; i < gaps.length; i++) {
      while (dialed(node.fire(new MembershipTimer.Repair())).isEmpty()) {
        node.advance(Duration.ofMillis(500));
      }
      gaps[i] = node.now - last;
      last = node.now;
      node.connected(candidate);
      node.receive(candidate, new NeighborReply(false));
    }
    assertThat(gaps[2]).isGreaterThan(gaps[1]);
    assertThat(gaps[3]).isGreaterThan(gaps[2]);
    assertThat(node.node.passiveView()).contains(candidate);
  }

  @Test
  void replyFromAPeerLinkedMeanwhileChangesNothing() {
    NodeProbe node = promoting(candidate, 2);
    node.connected(candidate);
    node.receive(candidate, new Neighbor(NeighborPriority.LOW)); // their own request crossed ours
    assertThat(node.receive(candidate, new NeighborReply(false))).isEmpty();
    assertThat(node.node.activeView()).contains(candidate);
  }

  @Test
  void refusedJoinCountsAgainstTheContact() {
    NodeProbe joiner = new NodeProbe(MembershipConfig.defaults(), 5);
    NodeName contact = peer("contact");
    joiner.join(List.of(contact));
    joiner.connected(contact);
    List<MembershipEffect> effects = joiner.receive(contact, new NeighborReply(false));
    assertThat(dialed(effects)).isEmpty(); // the only contact is in backoff now
    assertThat(dialed(joiner.advance(Duration.ofSeconds(2)).fire(new MembershipTimer.Repair())))
        .containsExactly(contact);
  }
}
