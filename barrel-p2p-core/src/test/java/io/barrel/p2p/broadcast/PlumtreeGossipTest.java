package io.barrel.p2p.broadcast;

import static io.barrel.p2p.broadcast.PlumtreeFixture.A;
import static io.barrel.p2p.broadcast.PlumtreeFixture.B;
import static io.barrel.p2p.broadcast.PlumtreeFixture.C;
import static io.barrel.p2p.broadcast.PlumtreeFixture.D;
import static io.barrel.p2p.broadcast.PlumtreeFixture.ORIGIN;
import static io.barrel.p2p.broadcast.PlumtreeFixture.T0;
import static io.barrel.p2p.broadcast.PlumtreeFixture.TOPIC;
import static io.barrel.p2p.broadcast.PlumtreeFixture.bytes;
import static io.barrel.p2p.broadcast.PlumtreeFixture.delivers;
import static io.barrel.p2p.broadcast.PlumtreeFixture.eager;
import static io.barrel.p2p.broadcast.PlumtreeFixture.gossip;
import static io.barrel.p2p.broadcast.PlumtreeFixture.id;
import static io.barrel.p2p.broadcast.PlumtreeFixture.lazy;
import static io.barrel.p2p.broadcast.PlumtreeFixture.makeLazy;
import static io.barrel.p2p.broadcast.PlumtreeFixture.node;
import static io.barrel.p2p.broadcast.PlumtreeFixture.sends;
import static io.barrel.p2p.broadcast.PlumtreeFixture.sentTo;
import static org.assertj.core.api.Assertions.assertThat;

import io.barrel.p2p.NodeName;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class PlumtreeGossipTest {

  @Test
  void newGossipIsDeliveredWithItsTopicOriginAndHopCount() {
    Plumtree node = node(A, B);

    List<PlumtreeEffect> effects = node.onMessage(A, gossip(id(1), 4), T0);

    assertThat(delivers(effects)).containsExactly(
        new PlumtreeEffect.Deliver(TOPIC, bytes("payload-1"), id(1), ORIGIN, 4));
  }

  @Test
  void newGossipIsForwardedWithOneMoreHopToEagerPeersButTheSender() {
    Plumtree node = node(A, B, C);

    List<PlumtreeEffect> effects = node.onMessage(B, gossip(id(1), 4), T0);

    assertThat(sentTo(effects, B)).isEmpty();
    assertThat(sentTo(effects, A)).containsExactly(gossip(id(1), 5));
    assertThat(sentTo(effects, C)).containsExactly(gossip(id(1), 5));
  }

  @Test
  void newGossipAnnouncesToLazyPeersButTheSender() {
    Plumtree node = node(PlumtreeConfig.defaults().withIHaveBatching(Duration.ZERO, 16), A, B, C);
    makeLazy(node, B, C);

    List<PlumtreeEffect> effects = node.onMessage(B, gossip(id(1), 2), T0);

    assertThat(sentTo(effects, B)).isEmpty();
    assertThat(sentTo(effects, C)).containsExactly(new BroadcastMessage.IHave(
        List.of(new BroadcastMessage.Announcement(id(1), ORIGIN, 3))));
  }

  @Test
  void newGossipFromALazyPeerPromotesItToEager() {
    Plumtree node = node(A, B);
    makeLazy(node, A);

    node.onMessage(A, gossip(id(1), 1), T0);

    assertThat(eager(node)).containsExactlyInAnyOrder(A, B);
    assertThat(lazy(node)).isEmpty();
  }

  @Test
  void duplicateGossipPrunesTheSenderToLazy() {
    Plumtree node = node(A, B, C);
    node.onMessage(A, gossip(id(1), 2), T0);

    List<PlumtreeEffect> effects = node.onMessage(B, gossip(id(1), 3), T0 + 1);

    assertThat(delivers(effects)).isEmpty();
    assertThat(sends(effects)).containsExactly(new PlumtreeEffect.Send(B, new BroadcastMessage.Prune(ORIGIN)));
    assertThat(eager(node)).containsExactly(A, C);
    assertThat(lazy(node)).containsExactly(B);
  }

  @Test
  void neverDeliversTheSameMessageTwice() {
    Plumtree node = node(A, B, C);

    int deliveries = 0;
    for (NodeName peer : List.of(A, B, C, A)) {
      deliveries += delivers(node.onMessage(peer, gossip(id(1), 3), T0)).size();
    }

    assertThat(deliveries).isEqualTo(1);
  }

  @Test
  void gossipFromANonNeighbourIsDeliveredButDoesNotJoinThePeerSets() {
    Plumtree node = node(A);

    List<PlumtreeEffect> effects = node.onMessage(D, gossip(id(1), 1), T0);

    assertThat(delivers(effects)).hasSize(1);
    assertThat(sentTo(effects, A)).containsExactly(gossip(id(1), 2));
    assertThat(eager(node)).containsExactly(A);
    assertThat(lazy(node)).isEmpty();
  }

  @Test
  void duplicateFromANonNeighbourIsDroppedWithoutAPrune() {
    Plumtree node = node(A);
    node.onMessage(A, gossip(id(1), 1), T0);

    List<PlumtreeEffect> effects = node.onMessage(D, gossip(id(1), 1), T0);

    assertThat(effects).isEmpty();
    assertThat(lazy(node)).isEmpty();
  }

  @Test
  void messagesClaimingToComeFromSelfAreIgnored() {
    Plumtree node = node(A);

    assertThat(node.onMessage(PlumtreeFixture.SELF, gossip(id(1), 1), T0)).isEmpty();
    assertThat(node.stats().seenMessages()).isZero();
  }
}
