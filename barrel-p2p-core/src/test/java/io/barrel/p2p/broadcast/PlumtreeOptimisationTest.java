package io.barrel.p2p.broadcast;

import static io.barrel.p2p.broadcast.PlumtreeFixture.A;
import static io.barrel.p2p.broadcast.PlumtreeFixture.B;
import static io.barrel.p2p.broadcast.PlumtreeFixture.C;
import static io.barrel.p2p.broadcast.PlumtreeFixture.ORIGIN;
import static io.barrel.p2p.broadcast.PlumtreeFixture.T0;
import static io.barrel.p2p.broadcast.PlumtreeFixture.atMillis;
import static io.barrel.p2p.broadcast.PlumtreeFixture.delivers;
import static io.barrel.p2p.broadcast.PlumtreeFixture.eager;
import static io.barrel.p2p.broadcast.PlumtreeFixture.gossip;
import static io.barrel.p2p.broadcast.PlumtreeFixture.id;
import static io.barrel.p2p.broadcast.PlumtreeFixture.ihave;
import static io.barrel.p2p.broadcast.PlumtreeFixture.lazy;
import static io.barrel.p2p.broadcast.PlumtreeFixture.makeLazy;
import static io.barrel.p2p.broadcast.PlumtreeFixture.node;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The paper's optional step: a lazy link with a much shorter path replaces the eager one. */
class PlumtreeOptimisationTest {

  private static final PlumtreeConfig SWAPPING = PlumtreeConfig.defaults().withTreeOptimisation(true, 3);

  @Test
  void optimisationIsOffByDefault() {
    Plumtree node = node(A, B);
    makeLazy(node, B);
    node.onMessage(A, gossip(id(1), 9), T0);

    assertThat(PlumtreeConfig.defaults().treeOptimisation()).isFalse();
    assertThat(node.onMessage(B, ihave(id(1), 2), atMillis(60))).isEmpty();
    assertThat(eager(node)).containsExactly(A);
  }

  @Test
  void muchShorterLazyPathAnnouncedAfterDeliveryReplacesTheEagerOne() {
    Plumtree node = node(SWAPPING, A, B);
    makeLazy(node, B);
    node.onMessage(A, gossip(id(1), 9), T0);

    List<PlumtreeEffect> effects = node.onMessage(B, ihave(id(1), 6), atMillis(60));

    assertThat(effects).containsExactly(
        new PlumtreeEffect.Send(B, new BroadcastMessage.Graft(id(1), ORIGIN, 6, false)),
        new PlumtreeEffect.Send(A, new BroadcastMessage.Prune(ORIGIN)));
    assertThat(eager(node)).containsExactly(B);
    assertThat(lazy(node)).containsExactly(A);
  }

  @Test
  void muchShorterPathAnnouncedBeforeTheGossipArrivedReplacesTheEagerOne() {
    Plumtree node = node(SWAPPING, A, B);
    makeLazy(node, B);
    node.onMessage(B, ihave(id(1), 2), T0);

    List<PlumtreeEffect> effects = node.onMessage(A, gossip(id(1), 7), atMillis(100));

    assertThat(delivers(effects)).hasSize(1);
    assertThat(effects).contains(
        new PlumtreeEffect.Send(B, new BroadcastMessage.Graft(id(1), ORIGIN, 2, false)),
        new PlumtreeEffect.Send(A, new BroadcastMessage.Prune(ORIGIN)));
    assertThat(eager(node)).containsExactly(B);
  }

  @Test
  void pathShorterByLessThanTheThresholdKeepsTheTree() {
    Plumtree node = node(SWAPPING, A, B);
    makeLazy(node, B);
    node.onMessage(A, gossip(id(1), 9), T0);

    assertThat(node.onMessage(B, ihave(id(1), 7), atMillis(60))).isEmpty();
    assertThat(eager(node)).containsExactly(A);
  }

  @Test
  void swapHappensOncePerMessage() {
    Plumtree node = node(SWAPPING, A, B, C);
    makeLazy(node, B, C);
    node.onMessage(A, gossip(id(1), 9), T0);
    node.onMessage(B, ihave(id(1), 5), atMillis(60));

    List<PlumtreeEffect> second = node.onMessage(C, ihave(id(1), 4), atMillis(70));

    assertThat(second).isEmpty();
    assertThat(eager(node)).containsExactly(B);
    assertThat(lazy(node)).containsExactlyInAnyOrder(A, C);
  }

  @Test
  void ownBroadcastsAreNeverSwapped() {
    Plumtree node = node(SWAPPING, A, B);
    makeLazy(node, B);
    node.broadcast(id(1), PlumtreeFixture.TOPIC, PlumtreeFixture.bytes("mine"), T0);

    assertThat(node.onMessage(B, ihave(id(1), PlumtreeFixture.SELF, 1), atMillis(60))).isEmpty();
  }
}
