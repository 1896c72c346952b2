package io.barrel.p2p.broadcast;

import static io.barrel.p2p.broadcast.PlumtreeFixture.A;
import static io.barrel.p2p.broadcast.PlumtreeFixture.B;
import static io.barrel.p2p.broadcast.PlumtreeFixture.C;
import static io.barrel.p2p.broadcast.PlumtreeFixture.D;
import static io.barrel.p2p.broadcast.PlumtreeFixture.ORIGIN;
import static io.barrel.p2p.broadcast.PlumtreeFixture.T0;
import static io.barrel.p2p.broadcast.PlumtreeFixture.atMillis;
import static io.barrel.p2p.broadcast.PlumtreeFixture.delivers;
import static io.barrel.p2p.broadcast.PlumtreeFixture.eager;
import static io.barrel.p2p.broadcast.PlumtreeFixture.gossip;
import static io.barrel.p2p.broadcast.PlumtreeFixture.id;
import static io.barrel.p2p.broadcast.PlumtreeFixture.ihave;
import static io.barrel.p2p.broadcast.PlumtreeFixture.makeLazy;
import static io.barrel.p2p.broadcast.PlumtreeFixture.node;
import static io.barrel.p2p.broadcast.PlumtreeFixture.sends;
import static io.barrel.p2p.broadcast.PlumtreeFixture.sentTo;
import static org.assertj.core.api.Assertions.assertThat;

import io.barrel.p2p.NodeName;
import io.barrel.p2p.broadcast.BroadcastMessage.Graft;
import io.barrel.p2p.broadcast.PlumtreeTimer.GraftTimer;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class PlumtreeGraftTest {

  private static final Duration FIRST = Duration.ofSeconds(1);
  private static final Duration RETRY = Duration.ofMillis(500);

  @Test
  void missingMessageGraftsTheFirstAnnouncerAndMovesItToEager() {
    Plumtree node = node(A, B, C);
    makeLazy(node, B, C);
    node.onMessage(B, ihave(id(1), 2), T0);
    node.onMessage(C, ihave(id(1), 3), atMillis(5));

    List<PlumtreeEffect> effects = node.onTimer(new GraftTimer(id(1), 0), atMillis(1000));

    assertThat(effects).containsExactly(
        new PlumtreeEffect.Send(B, new Graft(id(1), ORIGIN, 2, true)),
        new PlumtreeEffect.Schedule(new GraftTimer(id(1), 1), RETRY));
    assertThat(eager(node)).containsExactly(A, B);
  }

  @Test
  void missingMessageGraftsTheNextAnnouncerWhenTheFirstFails() {
    Plumtree node = node(A, B, C);
    makeLazy(node, B, C);
    node.onMessage(B, ihave(id(1), 2), T0);
    node.onMessage(C, ihave(id(1), 3), atMillis(5));
    node.onTimer(new GraftTimer(id(1), 0), atMillis(1000));

    List<PlumtreeEffect> retry = node.onTimer(new GraftTimer(id(1), 1), atMillis(1500));

    assertThat(retry).containsExactly(
        new PlumtreeEffect.Send(C, new Graft(id(1), ORIGIN, 3, true)),
        new PlumtreeEffect.Schedule(new GraftTimer(id(1), 2), RETRY));
    assertThat(eager(node)).containsExactly(A, B, C);
  }

  @Test
  void graftsGoToTheAnnouncersInTurnUntilTheAttemptsRunOut() {
    Plumtree node = node(PlumtreeConfig.defaults().withGrafting(FIRST, RETRY, 3, 8), A, B);
    node.onMessage(A, ihave(id(1), 2), T0);
    node.onMessage(B, ihave(id(1), 2), T0);

    List<PlumtreeEffect> first = node.onTimer(new GraftTimer(id(1), 0), atMillis(1000));
    List<PlumtreeEffect> second = node.onTimer(new GraftTimer(id(1), 1), atMillis(1500));
    List<PlumtreeEffect> third = node.onTimer(new GraftTimer(id(1), 2), atMillis(2000));
    List<PlumtreeEffect> last = node.onTimer(new GraftTimer(id(1), 3), atMillis(2500));

    assertThat(sends(first)).extracting(PlumtreeEffect.Send::peer).containsExactly(A);
    assertThat(sends(second)).extracting(PlumtreeEffect.Send::peer).containsExactly(B);
    assertThat(sends(third)).extracting(PlumtreeEffect.Send::peer).containsExactly(A);
    assertThat(last).isEmpty();
    assertThat(node.stats().missingMessages()).isZero();
  }

  @Test
  void gossipArrivingBeforeTheTimerEndsTheRepair() {
    Plumtree node = node(A, B);
    makeLazy(node, B);
    node.onMessage(B, ihave(id(1), 2), T0);

    List<PlumtreeEffect> arrival = node.onMessage(A, gossip(id(1), 5), atMillis(300));
    List<PlumtreeEffect> fired = node.onTimer(new GraftTimer(id(1), 0), atMillis(1000));

    assertThat(delivers(arrival)).hasSize(1);
    assertThat(fired).isEmpty();
    assertThat(node.stats().missingMessages()).isZero();
  }

  @Test
  void answerToTheGraftIsDeliveredAndTheRetryThenDoesNothing() {
    Plumtree node = node(A, B);
    makeLazy(node, B);
    node.onMessage(B, ihave(id(1), 2), T0);
    node.onTimer(new GraftTimer(id(1), 0), atMillis(1000));

    List<PlumtreeEffect> answer = node.onMessage(B, gossip(id(1), 2), atMillis(1020));

    assertThat(delivers(answer)).hasSize(1);
    assertThat(node.onTimer(new GraftTimer(id(1), 1), atMillis(1500))).isEmpty();
  }

  @Test
  void staleGraftTimerIsIgnored() {
    Plumtree node = node(A, B);
    node.onMessage(B, ihave(id(1), 2), T0);
    node.onTimer(new GraftTimer(id(1), 0), atMillis(1000));

    assertThat(node.onTimer(new GraftTimer(id(1), 0), atMillis(1001))).isEmpty();
    assertThat(node.onTimer(new GraftTimer(id(9), 0), atMillis(1001))).isEmpty();
  }

  @Test
  void announcerThatWentDownIsNotGrafted() {
    Plumtree node = node(A, B, C);
    node.onMessage(B, ihave(id(1), 2), T0);
    node.onMessage(C, ihave(id(1), 2), T0);

    node.neighbourDown(B, atMillis(100));
    List<PlumtreeEffect> effects = node.onTimer(new GraftTimer(id(1), 0), atMillis(1000));

    assertThat(sends(effects)).containsExactly(new PlumtreeEffect.Send(C, new Graft(id(1), ORIGIN, 2, true)));
  }

  @Test
  void missingMessageWhoseAnnouncersAllWentDownIsGivenUp() {
    Plumtree node = node(A, B);
    node.onMessage(B, ihave(id(1), 2), T0);

    node.neighbourDown(B, atMillis(100));

    assertThat(node.onTimer(new GraftTimer(id(1), 0), atMillis(1000))).isEmpty();
    assertThat(node.stats().missingMessages()).isZero();
  }

  @Test
  void announcersPerMessageAreBounded() {
    Plumtree node = node(PlumtreeConfig.defaults().withGrafting(FIRST, RETRY, 5, 2), A, B, C);
    node.onMessage(A, ihave(id(1), 2), T0);
    node.onMessage(B, ihave(id(1), 2), T0);
    node.onMessage(C, ihave(id(1), 2), T0);

    List<NodeName> grafted = List.of(
        graftedPeer(node.onTimer(new GraftTimer(id(1), 0), atMillis(1000))),
        graftedPeer(node.onTimer(new GraftTimer(id(1), 1), atMillis(1500))),
        graftedPeer(node.onTimer(new GraftTimer(id(1), 2), atMillis(2000))));

    assertThat(grafted).containsExactly(A, B, A);
  }

  @Test
  void missingMessagesAreBoundedInCount() {
    Plumtree node = node(PlumtreeConfig.defaults().withMaxMissingMessages(2), A);

    node.onMessage(A, ihave(id(1), 1), T0);
    node.onMessage(A, ihave(id(2), 1), T0);
    node.onMessage(A, ihave(id(3), 1), T0);

    assertThat(node.stats().missingMessages()).isEqualTo(2);
    assertThat(node.onTimer(new GraftTimer(id(1), 0), atMillis(1000))).isEmpty();
    assertThat(sends(node.onTimer(new GraftTimer(id(3), 0), atMillis(1000)))).hasSize(1);
  }

  @Test
  void graftIsAnsweredFromThePayloadCacheAndPromotesTheSender() {
    Plumtree node = node(A, B);
    makeLazy(node, B);
    node.onMessage(A, gossip(id(1), 3), T0);

    List<PlumtreeEffect> effects = node.onMessage(B, new Graft(id(1), ORIGIN, 4, true), atMillis(1200));

    assertThat(sentTo(effects, B)).containsExactly(gossip(id(1), 4));
    assertThat(eager(node)).containsExactly(A, B);
  }

  @Test
  void graftForAPayloadNoLongerCachedOnlyPromotes() {
    Plumtree node = node(PlumtreeConfig.defaults().withPayloadCache(10, Duration.ofSeconds(6), 1 << 20), A, B);
    makeLazy(node, B);
    node.onMessage(A, gossip(id(1), 3), T0);

    List<PlumtreeEffect> effects = node.onMessage(B, new Graft(id(1), ORIGIN, 4, true), atMillis(6000));

    assertThat(effects).isEmpty();
    assertThat(eager(node)).contains(B);
  }

  @Test
  void graftWithoutResendOnlyPromotes() {
    Plumtree node = node(A, B);
    makeLazy(node, B);
    node.onMessage(A, gossip(id(1), 3), T0);

    assertThat(node.onMessage(B, new Graft(id(1), ORIGIN, 4, false), atMillis(10))).isEmpty();
    assertThat(eager(node)).contains(B);
  }

  @Test
  void graftFromANonNeighbourIsAnsweredWithoutJoiningThePeerSets() {
    Plumtree node = node(A);
    node.onMessage(A, gossip(id(1), 3), T0);

    List<PlumtreeEffect> effects = node.onMessage(D, new Graft(id(1), ORIGIN, 4, true), atMillis(10));

    assertThat(sentTo(effects, D)).containsExactly(gossip(id(1), 4));
    assertThat(eager(node)).containsExactly(A);
  }

  private static NodeName graftedPeer(List<PlumtreeEffect> effects) {
    List<PlumtreeEffect.Send> sends = sends(effects);
    assertThat(sends).hasSize(1);
    assertThat(sends.get(0).message()).isInstanceOf(Graft.class);
    return sends.get(0).peer();
  }
}
