package io.barrel.p2p.membership;

import static io.barrel.p2p.membership.NodeProbe.deadlineArmed;
import static io.barrel.p2p.membership.NodeProbe.dialed;
import static io.barrel.p2p.membership.NodeProbe.events;
import static io.barrel.p2p.membership.NodeProbe.peer;
import static io.barrel.p2p.membership.NodeProbe.peers;
import static io.barrel.p2p.membership.NodeProbe.sentTo;
import static org.assertj.core.api.Assertions.assertThat;

import io.barrel.p2p.NodeName;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Connection failures, backoff, deadlines, lost links and ageing. */
class HyParViewFailureTest {

  private final NodeName neighbour = peer("a0");
  private final NodeName spare = peer("spare");

  /** A node with one neighbour (so the pending promotion is the only dial) and one passive peer. */
  private NodeProbe promotingSpare() {
    NodeProbe node = NodeProbe.member().knowing(List.of(spare));
    assertThat(dialed(node.fire(new MembershipTimer.Repair()))).containsExactly(spare);
    return node;
  }

  @Test
  void closedConnectionToANeighbourReportsFailedAndPromotesAPassivePeer() {
    NodeProbe node = NodeProbe.member().linkedWith(peers("a", 5)).knowing(List.of(spare));
    List<MembershipEffect> effects = node.closed(neighbour);
    assertThat(events(effects)).containsExactly(new MembershipEvent.PeerDown(neighbour, DownReason.FAILED));
    assertThat(node.node.activeView()).doesNotContain(neighbour);
    assertThat(dialed(effects)).containsExactly(spare);
    // a failed neighbour is not a replacement; it is retried as a lost link instead
    assertThat(node.node.passiveView()).doesNotContain(neighbour);
    assertThat(node.node.lostPeers()).containsExactly(neighbour);
  }

  @Test
  void failedDialToANeighbourCountsAsItsFailure() {
    NodeProbe node = NodeProbe.member().linkedWith(peers("a", 3));
    assertThat(events(node.connectFailed(neighbour)))
        .containsExactly(new MembershipEvent.PeerDown(neighbour, DownReason.FAILED));
  }

  @Test
  void failedPromotionIsRetriedWithExponentialBackoffAndForgottenAfterMaxFailCount() {
    NodeProbe node = promotingSpare();
    long[] expected = {2_000, 4_000, 8_000, 16_000};
    for (int failure = 1; failure <= 4; failure++) {
      node.connectFailed(spare);
      assertThat(node.node.passiveFailures(spare)).isEqualTo(failure);
      long wait = expected[failure - 1];
      assertThat(dialed(node.advance(Duration.ofMillis(wait - 1)).fire(new MembershipTimer.Repair()))).isEmpty();
      assertThat(dialed(node.advance(Duration.ofMillis(1)).fire(new MembershipTimer.Repair()))).containsExactly(spare);
    }
    node.connectFailed(spare); // the fifth failure
    assertThat(node.node.passiveView()).doesNotContain(spare);
  }

  @Test
  void backoffDoublesFromTheBaseAndStopsAtTheCap() {
    Backoff backoff = Backoff.of(MembershipConfig.defaults());
    assertThat(backoff.delayAfter(0)).isZero();
    assertThat(backoff.delayAfter(1)).isEqualTo(2_000);
    assertThat(backoff.delayAfter(4)).isEqualTo(16_000);
    assertThat(backoff.delayAfter(8)).isEqualTo(256_000);
    assertThat(backoff.delayAfter(9)).isEqualTo(300_000);
    assertThat(backoff.delayAfter(Integer.MAX_VALUE)).isEqualTo(300_000);
  }

  @Test
  void attemptDeadlineAbandonsTheAttemptAndHangsUp() {
    NodeProbe node = NodeProbe.member().knowing(List.of(spare));
    assertThat(deadlineArmed(node.fire(new MembershipTimer.Repair()))).isEqualTo(Duration.ofSeconds(30));
    node.connected(spare); // request sent, no answer ever comes
    List<MembershipEffect> effects = node.advance(Duration.ofSeconds(30)).fire(new MembershipTimer.AttemptDeadline());
    assertThat(effects).contains(new MembershipEffect.Disconnect(spare));
    assertThat(node.node.pendingLinks()).isEmpty();
    assertThat(node.node.passiveFailures(spare)).isEqualTo(1);
  }

  @Test
  void deadlineAfterEveryAttemptEndedDoesNothingAndIsNotArmedAgain() {
    NodeProbe node = NodeProbe.member().knowing(List.of(spare));
    node.fire(new MembershipTimer.Repair());
    node.connected(spare);
    node.receive(spare, new MembershipMessage.NeighborReply(true));
    assertThat(node.advance(Duration.ofSeconds(30)).fire(new MembershipTimer.AttemptDeadline())).isEmpty();
    assertThat(node.node.activeView()).containsExactly(spare);
  }

  @Test
  void oneDeadlineTimerServesEveryAttemptAndIsArmedAgainForTheEarliestLeft() {
    List<NodeName> spares = NodeProbe.peers("spare", 3);
    NodeProbe node = NodeProbe.member().knowing(spares.subList(0, 1));
    assertThat(deadlineArmed(node.fire(new MembershipTimer.Repair()))).isEqualTo(Duration.ofSeconds(30));
    node.advance(Duration.ofSeconds(12)).knowing(spares.subList(1, 3));
    // Two more attempts start while the first is still waiting: no timer of their own.
    List<MembershipEffect> more = node.fire(new MembershipTimer.Repair());
    assertThat(NodeProbe.dialed(more)).containsExactlyInAnyOrderElementsOf(spares.subList(1, 3));
    assertThat(NodeProbe.schedules(more)).noneMatch(s -> s.timer() instanceof MembershipTimer.AttemptDeadline);
    // At 30 s only the first is overdue; the timer is armed again for the others' deadline, 12 s on.
    List<MembershipEffect> fired = node.advance(Duration.ofSeconds(18)).fire(new MembershipTimer.AttemptDeadline());
    assertThat(fired).contains(new MembershipEffect.Disconnect(spares.get(0)));
    assertThat(fired).doesNotContain(new MembershipEffect.Disconnect(spares.get(1)),
        new MembershipEffect.Disconnect(spares.get(2)));
    assertThat(deadlineArmed(fired)).isEqualTo(Duration.ofSeconds(12));
    assertThat(node.node.pendingLinks()).containsExactlyInAnyOrderElementsOf(spares.subList(1, 3));
    // A timer fired early (a driver's extra one) ends nothing that is not overdue.
    assertThat(node.advance(Duration.ofSeconds(1)).fire(new MembershipTimer.AttemptDeadline())).isEmpty();
    List<MembershipEffect> last = node.advance(Duration.ofSeconds(11)).fire(new MembershipTimer.AttemptDeadline());
    assertThat(last).contains(new MembershipEffect.Disconnect(spares.get(1)),
        new MembershipEffect.Disconnect(spares.get(2)));
  }

  @Test
  void closeOfAnOlderConnectionWhileStillDialingDoesNotEndTheAttempt() {
    NodeProbe node = promotingSpare();
    assertThat(node.closed(spare)).isEmpty();
    assertThat(node.node.pendingLinks()).containsExactly(spare);
  }

  @Test
  void connectionClosedAfterTheRequestWasSentEndsTheAttempt() {
    NodeProbe node = promotingSpare();
    node.connected(spare);
    node.closed(spare);
    assertThat(node.node.pendingLinks()).isEmpty();
    assertThat(node.node.passiveFailures(spare)).isEqualTo(1);
  }

  @Test
  void lostNeighbourIsAskedBackWithHighPriorityOnceItsBackoffEnds() {
    NodeProbe node = NodeProbe.member().linkedWith(peers("a", 5));
    node.closed(neighbour);
    node.linkedWith(List.of(peer("replacement")));
    assertThat(dialed(node.advance(Duration.ofMillis(1_999)).fire(new MembershipTimer.Repair()))).isEmpty();
    assertThat(dialed(node.advance(Duration.ofMillis(1)).fire(new MembershipTimer.Repair()))).containsExactly(neighbour);
    assertThat(sentTo(node.connected(neighbour), neighbour))
        .containsExactly(new MembershipMessage.Neighbor(NeighborPriority.HIGH));
    // restoring a lost link is taken even into a full view, evicting someone who is told
    List<MembershipEffect> effects = node.receive(neighbour, new MembershipMessage.NeighborReply(true));
    assertThat(node.node.activeView()).contains(neighbour).hasSize(5);
    assertThat(node.node.lostPeers()).isEmpty();
    assertThat(NodeProbe.sendsOf(effects, MembershipMessage.Disconnect.class)).hasSize(1);
  }

  @Test
  void lostNeighbourIsRetriedLessAndLessOftenAndForgottenAfterTheRetention() {
    NodeProbe node = NodeProbe.member().linkedWith(peers("a", 2));
    node.closed(neighbour);
    int dials = 0;
    for (int tick = 0; tick < 360; tick++) { // 30 minutes of 5 s repair ticks
      List<NodeName> dialedNow = dialed(node.advance(Duration.ofSeconds(5)).fire(new MembershipTimer.Repair()));
      if (dialedNow.contains(neighbour)) {
        dials++;
        node.connectFailed(neighbour);
      }
    }
    assertThat(dials).isBetween(8, 16); // 2, 4, 8, ... s, then every 5 min
    node.fire(new MembershipTimer.PassiveCleanup());
    assertThat(node.node.lostPeers()).isEmpty();
  }

  @Test
  void lostNeighbourThatSaysItLeftIsForgotten() {
    NodeProbe node = NodeProbe.member().linkedWith(peers("a", 2));
    node.closed(neighbour);
    node.advance(Duration.ofSeconds(2)).fire(new MembershipTimer.Repair());
    node.connected(neighbour);
    node.receive(neighbour, new MembershipMessage.Disconnect(false));
    node.receive(neighbour, new MembershipMessage.NeighborReply(false));
    assertThat(node.node.lostPeers()).isEmpty();
    assertThat(node.node.pendingLinks()).isEmpty();
  }

  @Test
  void passiveEntriesLearnedFromTheWireAgeOutAfterPassiveMaxAge() {
    NodeProbe node = NodeProbe.member().linkedWith(peers("a", 5)).knowing(List.of(spare, peer("other")));
    node.advance(Duration.ofMinutes(4));
    node.receive(peer("other"), new MembershipMessage.Disconnect(true)); // news of "other" refreshes it
    node.advance(Duration.ofMinutes(1)).fire(new MembershipTimer.PassiveCleanup());
    assertThat(node.node.passiveView()).doesNotContain(spare).contains(peer("other"));
  }

  @Test
  void hearsayDoesNotRefreshAPassiveEntry() {
    NodeProbe node = NodeProbe.member().linkedWith(peers("a", 5)).knowing(List.of(spare));
    node.advance(Duration.ofMinutes(4)).knowing(List.of(spare));
    node.advance(Duration.ofMinutes(1)).fire(new MembershipTimer.PassiveCleanup());
    assertThat(node.node.passiveView()).doesNotContain(spare);
  }

  @Test
  void aNodeWithAnEmptyViewKeepsTryingContactsAndPassivePeersOnEveryRepairTick() {
    NodeProbe node = new NodeProbe(MembershipConfig.defaults(), 9);
    NodeName contact = peer("contact");
    node.join(List.of(contact));
    node.connectFailed(contact);
    node.knowing(List.of(spare));
    List<NodeName> dialedNow = dialed(node.advance(Duration.ofSeconds(5)).fire(new MembershipTimer.Repair()));
    assertThat(dialedNow).containsExactlyInAnyOrder(contact, spare);
  }

  @Test
  void repairTimerIsReArmedEveryContactRetryPeriodWhileItHasWork() {
    NodeProbe node = NodeProbe.member(); // an empty view: always work for the tick
    assertThat(repairTicks(node.advance(Duration.ofSeconds(5)).fire(new MembershipTimer.Repair())))
        .containsExactly(Duration.ofSeconds(5));
    assertThat(repairTicks(node.advance(Duration.ofSeconds(5)).fire(new MembershipTimer.Repair())))
        .containsExactly(Duration.ofSeconds(5));
  }

  @Test
  void aSettledNodeLetsTheRepairTickLapseAndArmsItAgainOnItsPhaseWhenALinkIsLost() {
    NodeProbe node = NodeProbe.member().linkedWith(peers("a", 5)); // joined at 100 s: ticks at 105, 110, ... s
    // a full view and nothing lost: the tick due at 105 s finds nothing to do and asks for no other
    assertThat(repairTicks(node.advance(Duration.ofSeconds(5)).fire(new MembershipTimer.Repair()))).isEmpty();
    // at 107 s a link fails: the next tick is the one of 110 s, on the old phase
    assertThat(repairTicks(node.advance(Duration.ofSeconds(2)).closed(neighbour)))
        .containsExactly(Duration.ofSeconds(3));
    // it has work (the lost link, retried with backoff): it re-arms one period later
    assertThat(repairTicks(node.advance(Duration.ofSeconds(3)).fire(new MembershipTimer.Repair())))
        .containsExactly(Duration.ofSeconds(5));
  }

  @Test
  void aFullNodeWhoseOnlyWorkIsALostLinkSleepsUntilItsRetryIsDue() {
    NodeProbe node = NodeProbe.member().linkedWith(peers("a", 5)); // joined at 100 s: ticks at 105, 110, ... s
    assertThat(repairTicks(node.closed(neighbour))).isEmpty(); // the tick of 105 s, armed at the join, stays
    List<Duration> armed = new ArrayList<>(List.of(Duration.ofSeconds(5)));
    node.linkedWith(List.of(peer("replacement"))); // full again: retrying the lost link is all that is left
    long end = node.now + Duration.ofMinutes(25).toMillis();
    int ticks = 0;
    int dials = 0;
    while (!armed.isEmpty() && node.now < end) {
      assertThat(armed).hasSize(1);
      List<MembershipEffect> fired = node.advance(armed.get(0)).fire(new MembershipTimer.Repair());
      ticks++;
      assertThat((node.now - 100_000) % 5_000).isZero(); // on the phase of the first join
      armed = new ArrayList<>(repairTicks(fired));
      if (dialed(fired).contains(neighbour)) {
        dials++;
        armed.addAll(repairTicks(node.connectFailed(neighbour)));
      }
    }
    // every tick that fired retried the link; none woke the node for nothing in between
    assertThat(ticks).isEqualTo(dials);
    assertThat(dials).isBetween(8, 16); // 2, 4, 8, ... s, then every 5 min
  }

  @Test
  void aTickSleepingUntilALostLinksRetryIsArmedAgainEarlierWhenASlotFrees() {
    NodeProbe node = NodeProbe.member().linkedWith(peers("a", 5)); // joined at 100 s: ticks at 105, 110, ... s
    node.closed(neighbour);
    node.linkedWith(List.of(peer("replacement")));
    List<Duration> armed = List.of(Duration.ofSeconds(5));
    // let the lost link fail until its next retry is more than a period away
    while (armed.get(0).compareTo(Duration.ofSeconds(5)) <= 0) {
      assertThat(dialed(node.advance(armed.get(0)).fire(new MembershipTimer.Repair()))).containsExactly(neighbour);
      armed = repairTicks(node.connectFailed(neighbour));
      assertThat(armed).hasSize(1);
    }
    // a neighbour fails two seconds later: the free slot needs the next instant on the phase, not the far one
    List<Duration> rearmed = repairTicks(node.advance(Duration.ofSeconds(2)).closed(peer("a1")));
    assertThat(rearmed).containsExactly(Duration.ofSeconds(3));
  }

  @Test
  void anExtraRepairTickDoesTheWorkButNeverDoublesTheArmedOne() {
    NodeProbe node = NodeProbe.member().knowing(List.of(spare)); // the tick of 105 s is armed
    List<MembershipEffect> early = node.advance(Duration.ofSeconds(2)).fire(new MembershipTimer.Repair());
    assertThat(dialed(early)).containsExactly(spare);
    assertThat(repairTicks(early)).isEmpty();
    // a loss at the very instant of an armed tick asks for nothing more either
    node.connectFailed(spare);
    assertThat(repairTicks(node.advance(Duration.ofSeconds(3)).fire(new MembershipTimer.Repair())))
        .containsExactly(Duration.ofSeconds(5));
  }

  @Test
  void aLossAtATickInstantWhoseTickAlreadyFiredWaitsForTheNextInstant() {
    NodeProbe node = NodeProbe.member().linkedWith(peers("a", 5));
    assertThat(repairTicks(node.advance(Duration.ofSeconds(5)).fire(new MembershipTimer.Repair()))).isEmpty();
    // same instant (105 s), after its tick: the next instant is 110 s
    assertThat(repairTicks(node.closed(neighbour))).containsExactly(Duration.ofSeconds(5));
  }

  private static List<Duration> repairTicks(List<MembershipEffect> effects) {
    return NodeProbe.schedules(effects).stream().filter(s -> s.timer() instanceof MembershipTimer.Repair)
        .map(MembershipEffect.Schedule::delay).toList();
  }
}
