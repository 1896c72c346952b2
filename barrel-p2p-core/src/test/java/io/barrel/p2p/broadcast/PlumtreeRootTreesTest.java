package io.barrel.p2p.broadcast;

import static io.barrel.p2p.broadcast.PlumtreeFixture.A;
import static io.barrel.p2p.broadcast.PlumtreeFixture.B;
import static io.barrel.p2p.broadcast.PlumtreeFixture.C;
import static io.barrel.p2p.broadcast.PlumtreeFixture.SELF;
import static io.barrel.p2p.broadcast.PlumtreeFixture.T0;
import static io.barrel.p2p.broadcast.PlumtreeFixture.TOPIC;
import static io.barrel.p2p.broadcast.PlumtreeFixture.at;
import static io.barrel.p2p.broadcast.PlumtreeFixture.atMillis;
import static io.barrel.p2p.broadcast.PlumtreeFixture.bytes;
import static io.barrel.p2p.broadcast.PlumtreeFixture.id;
import static io.barrel.p2p.broadcast.PlumtreeFixture.ihave;
import static io.barrel.p2p.broadcast.PlumtreeFixture.makeLazyFor;
import static io.barrel.p2p.broadcast.PlumtreeFixture.node;
import static io.barrel.p2p.broadcast.PlumtreeFixture.sends;
import static io.barrel.p2p.broadcast.PlumtreeFixture.sentTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.barrel.p2p.NodeName;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * One spanning tree per root (broadcast origin): what one root's PRUNE, GRAFT and duplicates do to
 * another root's links, how a new root starts, and the bounds on how many roots a node keeps.
 */
class PlumtreeRootTreesTest {

  private static final NodeName X = NodeName.of("x@far");
  private static final NodeName Y = NodeName.of("y@far");
  private static final NodeName Z = NodeName.of("z@far");

  private static BroadcastMessage.Gossip gossipFrom(NodeName origin, long n, int hops) {
    return new BroadcastMessage.Gossip(id(n), TOPIC, bytes("from " + origin + " " + n), hops, origin);
  }

  @Test
  void aPruneForOneRootLeavesTheLinkEagerInAnotherRootsTree() {
    Plumtree node = node(A, B);

    node.onMessage(A, new BroadcastMessage.Prune(X), T0);

    assertThat(node.eagerPeers(X)).containsExactly(B);
    assertThat(node.lazyPeers(X)).containsExactly(A);
    assertThat(node.eagerPeers(Y)).containsExactly(A, B);
    assertThat(node.lazyPeers(Y)).isEmpty();
  }

  @Test
  void aRootNotSeenYetStartsWithEveryNeighbourEager() {
    Plumtree node = node(A, B, C);
    makeLazyFor(node, X, A, B);

    List<PlumtreeEffect> effects = node.onMessage(C, gossipFrom(Z, 1, 1), T0);

    assertThat(node.eagerPeers(Z)).containsExactly(A, B, C);
    assertThat(sends(effects)).extracting(PlumtreeEffect.Send::peer).containsExactly(A, B);
    assertThat(node.stats().trackedRoots()).as("only X's tree differs from the default").isEqualTo(1);
  }

  /**
   * The scenario that broke a tree shared by all origins: m1 from X reaches this node first through
   * B, m2 from Y first through C. Each duplicate prunes the late link in its own origin's tree only,
   * so both trees keep the link they arrived on.
   */
  @Test
  void duplicatesOfTwoOriginsPruneTwoDifferentTreesAndEachKeepsItsPath() {
    Plumtree node = node(B, C);

    node.onMessage(B, gossipFrom(X, 1, 2), T0);
    List<PlumtreeEffect> dupX = node.onMessage(C, gossipFrom(X, 1, 3), atMillis(1));
    node.onMessage(C, gossipFrom(Y, 2, 2), atMillis(2));
    List<PlumtreeEffect> dupY = node.onMessage(B, gossipFrom(Y, 2, 3), atMillis(3));

    assertThat(sends(dupX)).containsExactly(new PlumtreeEffect.Send(C, new BroadcastMessage.Prune(X)));
    assertThat(sends(dupY)).containsExactly(new PlumtreeEffect.Send(B, new BroadcastMessage.Prune(Y)));
    assertThat(node.eagerPeers(X)).containsExactly(B);
    assertThat(node.eagerPeers(Y)).containsExactly(C);
    List<PlumtreeEffect> nextOfX = node.onMessage(A, gossipFrom(X, 3, 1), atMillis(4));
    assertThat(sentTo(nextOfX, B)).containsExactly(gossipFrom(X, 3, 2));
    assertThat(sentTo(nextOfX, C)).as("C is lazy for X: announced, not pushed").isEmpty();
  }

  @Test
  void aGraftPromotesTheSenderInTheNamedRootsTreeOnly() {
    Plumtree node = node(A, B);
    makeLazyFor(node, X, B);
    makeLazyFor(node, Y, B);

    node.onMessage(B, new BroadcastMessage.Graft(id(1), X, 2, false), T0);

    assertThat(node.eagerPeers(X)).containsExactly(A, B);
    assertThat(node.lazyPeers(Y)).containsExactly(B);
  }

  @Test
  void aMissingBroadcastIsGraftedInItsAnnouncedRootsTree() {
    Plumtree node = node(A, B);
    makeLazyFor(node, X, B);
    makeLazyFor(node, Y, B);
    node.onMessage(B, ihave(id(7), X, 3), T0);

    List<PlumtreeEffect> effects = node.onTimer(new PlumtreeTimer.GraftTimer(id(7), 0), atMillis(1000));

    assertThat(sentTo(effects, B)).containsExactly(new BroadcastMessage.Graft(id(7), X, 3, true));
    assertThat(node.eagerPeers(X)).containsExactly(A, B);
    assertThat(node.lazyPeers(Y)).containsExactly(B);
  }

  @Test
  void ownBroadcastsUseTheNodesOwnTree() {
    Plumtree node = node(A, B);
    makeLazyFor(node, X, A);
    makeLazyFor(node, SELF, B);

    List<PlumtreeEffect> effects = node.broadcast(id(1), TOPIC, bytes("mine"), T0);

    assertThat(sends(effects)).extracting(PlumtreeEffect.Send::peer).containsExactly(A);
  }

  @Test
  void aNeighbourThatGoesDownLeavesEveryRootsTree() {
    Plumtree node = node(A, B, C);
    makeLazyFor(node, X, A, B);
    makeLazyFor(node, Y, B);
    makeLazyFor(node, Z, C);

    node.neighbourDown(B, T0);

    assertThat(node.lazyPeers(X)).containsExactly(A);
    assertThat(node.eagerPeers(X)).containsExactly(C);
    assertThat(node.lazyPeers(Y)).isEmpty();
    assertThat(node.eagerPeers(Y)).containsExactly(A, C);
    assertThat(node.lazyPeers(Z)).containsExactly(C);
    assertThat(node.stats().trackedRoots()).as("Y is back to the default, all eager").isEqualTo(2);
  }

  @Test
  void aNeighbourThatComesUpIsEagerInEveryRootsTree() {
    Plumtree node = node(A, B);
    makeLazyFor(node, X, A);
    makeLazyFor(node, Y, B);

    node.neighbourUp(C, T0);

    assertThat(node.eagerPeers(X)).containsExactly(B, C);
    assertThat(node.eagerPeers(Y)).containsExactly(A, C);
    assertThat(node.eagerPeers(Z)).containsExactly(A, B, C);
  }

  @Test
  void theLeastRecentlyUsedRootIsForgottenPastMaxRootsAndStartsAgainAllEager() {
    Plumtree node = node(PlumtreeConfig.defaults().withRootTrees(2, Duration.ofMinutes(10)), A, B);
    makeLazyFor(node, X, A);
    makeLazyFor(node, Y, A);
    node.onMessage(B, gossipFrom(X, 1, 1), atMillis(1)); // X used after Y: Y is now the eldest

    node.onMessage(A, new BroadcastMessage.Prune(Z), atMillis(2));

    assertThat(node.stats().trackedRoots()).isEqualTo(2);
    assertThat(node.stats().evictedRoots()).isEqualTo(1);
    assertThat(node.lazyPeers(X)).containsExactly(A);
    assertThat(node.lazyPeers(Z)).containsExactly(A);
    assertThat(node.eagerPeers(Y)).as("forgotten: back to the initial state").containsExactly(A, B);
  }

  @Test
  void manyRootsNeverHoldMoreThanMaxRootsTrees() {
    Plumtree node = node(PlumtreeConfig.defaults().withRootTrees(16, Duration.ofMinutes(10)), A, B);

    for (int i = 0; i < 1_000; i++) {
      node.onMessage(A, new BroadcastMessage.Prune(NodeName.of("n" + i + "@h")), atMillis(i));
      assertThat(node.stats().trackedRoots()).isLessThanOrEqualTo(16);
    }

    assertThat(node.stats().evictedRoots()).isEqualTo(1_000 - 16);
    assertThat(node.lazyPeers(NodeName.of("n999@h"))).containsExactly(A);
    assertThat(node.lazyPeers(NodeName.of("n983@h"))).as("evicted").isEmpty();
  }

  @Test
  void aRootUnusedForRootMaxAgeIsForgotten() {
    Plumtree node = node(PlumtreeConfig.defaults().withRootTrees(100, Duration.ofMinutes(10)), A, B);
    makeLazyFor(node, X, A);
    makeLazyFor(node, Y, A);
    node.onMessage(B, gossipFrom(Y, 1, 1), at(Duration.ofMinutes(6)));

    node.onTimer(new PlumtreeTimer.IHaveFlush(), at(Duration.ofMinutes(10)));

    assertThat(node.eagerPeers(X)).as("unused for 10 min").containsExactly(A, B);
    assertThat(node.lazyPeers(Y)).as("used 4 min ago").containsExactly(A);
    assertThat(node.stats().trackedRoots()).isEqualTo(1);
    assertThat(node.stats().evictedRoots()).as("age is not eviction").isZero();
  }

  @Test
  void treeOptimisationSwapsLinksInTheBroadcastsRootsTreeOnly() {
    Plumtree node = node(PlumtreeConfig.defaults().withTreeOptimisation(true, 3), A, B);
    makeLazyFor(node, X, B);
    makeLazyFor(node, Y, B);
    node.onMessage(A, gossipFrom(X, 1, 9), T0);

    List<PlumtreeEffect> effects = node.onMessage(B, ihave(id(1), X, 2), atMillis(60));

    assertThat(effects).containsExactly(
        new PlumtreeEffect.Send(B, new BroadcastMessage.Graft(id(1), X, 2, false)),
        new PlumtreeEffect.Send(A, new BroadcastMessage.Prune(X)));
    assertThat(node.eagerPeers(X)).containsExactly(B);
    assertThat(node.eagerPeers(Y)).containsExactly(A);
  }

  @Test
  void rootBoundsAreValidated() {
    PlumtreeConfig defaults = PlumtreeConfig.defaults();

    assertThat(defaults.maxRoots()).isEqualTo(10_000);
    assertThat(defaults.rootMaxAge()).isEqualTo(Duration.ofMinutes(10));
    assertThatThrownBy(() -> defaults.withRootTrees(0, Duration.ofMinutes(1)))
        .hasMessageStartingWith("barrel.p2p.broadcast.max-roots");
    assertThatThrownBy(() -> defaults.withRootTrees(PlumtreeConfig.MAX_ROOTS_LIMIT + 1, Duration.ofMinutes(1)))
        .hasMessageContaining("max-roots must be 1..1000000");
    assertThatThrownBy(() -> defaults.withRootTrees(10, Duration.ZERO))
        .hasMessageStartingWith("barrel.p2p.broadcast.root-max-age");
  }
}
