package io.barrel.p2p.broadcast;

import static io.barrel.p2p.broadcast.PlumtreeFixture.A;
import static io.barrel.p2p.broadcast.PlumtreeFixture.B;
import static io.barrel.p2p.broadcast.PlumtreeFixture.C;
import static io.barrel.p2p.broadcast.PlumtreeFixture.D;
import static io.barrel.p2p.broadcast.PlumtreeFixture.SELF;
import static io.barrel.p2p.broadcast.PlumtreeFixture.T0;
import static io.barrel.p2p.broadcast.PlumtreeFixture.TOPIC;
import static io.barrel.p2p.broadcast.PlumtreeFixture.bytes;
import static io.barrel.p2p.broadcast.PlumtreeFixture.id;
import static io.barrel.p2p.broadcast.PlumtreeFixture.makeLazy;
import static io.barrel.p2p.broadcast.PlumtreeFixture.node;
import static io.barrel.p2p.broadcast.PlumtreeFixture.sends;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** PRUNE and the membership inputs: how the eager and lazy sets follow the overlay. */
class PlumtreeNeighbourTest {

  @Test
  void initialNeighboursAllStartEager() {
    Plumtree node = node(A, B, C);

    assertThat(node.eagerPeers()).containsExactly(A, B, C);
    assertThat(node.lazyPeers()).isEmpty();
  }

  @Test
  void pruneMovesTheSenderToLazy() {
    Plumtree node = node(A, B);

    List<PlumtreeEffect> effects = node.onMessage(A, new BroadcastMessage.Prune(), T0);

    assertThat(effects).isEmpty();
    assertThat(node.eagerPeers()).containsExactly(B);
    assertThat(node.lazyPeers()).containsExactly(A);
  }

  @Test
  void pruneFromANonNeighbourChangesNothing() {
    Plumtree node = node(A);

    node.onMessage(D, new BroadcastMessage.Prune(), T0);

    assertThat(node.eagerPeers()).containsExactly(A);
    assertThat(node.lazyPeers()).isEmpty();
  }

  @Test
  void neighbourUpStartsEager() {
    Plumtree node = node(A);

    assertThat(node.neighbourUp(B, T0)).isEmpty();

    assertThat(node.eagerPeers()).containsExactly(A, B);
  }

  @Test
  void neighbourUpOfALazyPeerMakesItEagerAgainBecauseTheLinkIsNew() {
    Plumtree node = node(A, B);
    makeLazy(node, B);

    node.neighbourUp(B, T0);

    assertThat(node.eagerPeers()).containsExactly(A, B);
    assertThat(node.lazyPeers()).isEmpty();
  }

  @Test
  void neighbourDownForgetsThePeerWhicheverSetItWasIn() {
    Plumtree node = node(A, B, C);
    makeLazy(node, C);

    node.neighbourDown(A, T0);
    node.neighbourDown(C, T0);

    assertThat(node.eagerPeers()).containsExactly(B);
    assertThat(node.lazyPeers()).isEmpty();
    assertThat(sends(node.broadcast(id(1), TOPIC, bytes("x"), T0))).extracting(PlumtreeEffect.Send::peer)
        .containsExactly(B);
  }

  @Test
  void selfIsNeverANeighbour() {
    Plumtree node = node(SELF, A);
    node.neighbourUp(SELF, T0);

    assertThat(node.eagerPeers()).containsExactly(A);
  }

  @Test
  void aPeerThatCameBackAfterGoingDownIsEagerAgain() {
    Plumtree node = node(A, B);
    makeLazy(node, A);

    node.neighbourDown(A, T0);
    node.neighbourUp(A, T0);

    assertThat(node.eagerPeers()).containsExactly(B, A);
  }

  @Test
  void statsCountTheTwoSets() {
    Plumtree node = node(A, B, C);
    makeLazy(node, C);

    assertThat(node.stats().eagerPeers()).isEqualTo(2);
    assertThat(node.stats().lazyPeers()).isEqualTo(1);
  }
}
