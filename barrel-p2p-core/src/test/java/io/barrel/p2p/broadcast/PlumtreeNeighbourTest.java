package io.barrel.p2p.broadcast;

import static io.barrel.p2p.broadcast.PlumtreeFixture.A;
import static io.barrel.p2p.broadcast.PlumtreeFixture.B;
import static io.barrel.p2p.broadcast.PlumtreeFixture.C;
import static io.barrel.p2p.broadcast.PlumtreeFixture.D;
import static io.barrel.p2p.broadcast.PlumtreeFixture.ORIGIN;
import static io.barrel.p2p.broadcast.PlumtreeFixture.SELF;
import static io.barrel.p2p.broadcast.PlumtreeFixture.T0;
import static io.barrel.p2p.broadcast.PlumtreeFixture.TOPIC;
import static io.barrel.p2p.broadcast.PlumtreeFixture.bytes;
import static io.barrel.p2p.broadcast.PlumtreeFixture.eager;
import static io.barrel.p2p.broadcast.PlumtreeFixture.id;
import static io.barrel.p2p.broadcast.PlumtreeFixture.lazy;
import static io.barrel.p2p.broadcast.PlumtreeFixture.makeLazy;
import static io.barrel.p2p.broadcast.PlumtreeFixture.node;
import static io.barrel.p2p.broadcast.PlumtreeFixture.sends;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** PRUNE and the membership inputs: how the eager and lazy sets of a root follow the overlay. */
class PlumtreeNeighbourTest {

  @Test
  void initialNeighboursAllStartEager() {
    Plumtree node = node(A, B, C);

    assertThat(node.neighbours()).containsExactly(A, B, C);
    assertThat(eager(node)).containsExactly(A, B, C);
    assertThat(lazy(node)).isEmpty();
  }

  @Test
  void pruneMovesTheSenderToLazyInTheNamedRootsTree() {
    Plumtree node = node(A, B);

    List<PlumtreeEffect> effects = node.onMessage(A, new BroadcastMessage.Prune(ORIGIN), T0);

    assertThat(effects).isEmpty();
    assertThat(eager(node)).containsExactly(B);
    assertThat(lazy(node)).containsExactly(A);
  }

  @Test
  void pruneFromANonNeighbourChangesNothing() {
    Plumtree node = node(A);

    node.onMessage(D, new BroadcastMessage.Prune(ORIGIN), T0);

    assertThat(eager(node)).containsExactly(A);
    assertThat(lazy(node)).isEmpty();
    assertThat(node.stats().trackedRoots()).isZero();
  }

  @Test
  void neighbourUpStartsEager() {
    Plumtree node = node(A);

    assertThat(node.neighbourUp(B, T0)).isEmpty();

    assertThat(eager(node)).containsExactly(A, B);
  }

  @Test
  void neighbourUpOfALazyPeerMakesItEagerAgainInEveryTreeBecauseTheLinkIsNew() {
    Plumtree node = node(A, B);
    makeLazy(node, B);

    node.neighbourUp(B, T0);

    assertThat(eager(node)).containsExactly(A, B);
    assertThat(lazy(node)).isEmpty();
    assertThat(node.lazyPeers(SELF)).isEmpty();
  }

  @Test
  void neighbourDownForgetsThePeerWhicheverSetItWasIn() {
    Plumtree node = node(A, B, C);
    makeLazy(node, C);

    node.neighbourDown(A, T0);
    node.neighbourDown(C, T0);

    assertThat(eager(node)).containsExactly(B);
    assertThat(lazy(node)).isEmpty();
    assertThat(sends(node.broadcast(id(1), TOPIC, bytes("x"), T0))).extracting(PlumtreeEffect.Send::peer)
        .containsExactly(B);
  }

  @Test
  void selfIsNeverANeighbour() {
    Plumtree node = node(SELF, A);
    node.neighbourUp(SELF, T0);

    assertThat(node.neighbours()).containsExactly(A);
    assertThat(eager(node)).containsExactly(A);
  }

  @Test
  void aPeerThatCameBackAfterGoingDownIsEagerAgain() {
    Plumtree node = node(A, B);
    makeLazy(node, A);

    node.neighbourDown(A, T0);
    node.neighbourUp(A, T0);

    assertThat(eager(node)).containsExactly(B, A);
  }

  @Test
  void statsCountNeighboursTrackedRootsAndLazyLinks() {
    Plumtree node = node(A, B, C);
    makeLazy(node, C); // in SELF's and ORIGIN's trees

    assertThat(node.stats().neighbours()).isEqualTo(3);
    assertThat(node.stats().trackedRoots()).isEqualTo(2);
    assertThat(node.stats().lazyLinks()).isEqualTo(2);
    assertThat(node.stats().evictedRoots()).isZero();
  }
}
