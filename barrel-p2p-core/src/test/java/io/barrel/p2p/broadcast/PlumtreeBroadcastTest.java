package io.barrel.p2p.broadcast;

import static io.barrel.p2p.broadcast.PlumtreeFixture.A;
import static io.barrel.p2p.broadcast.PlumtreeFixture.B;
import static io.barrel.p2p.broadcast.PlumtreeFixture.C;
import static io.barrel.p2p.broadcast.PlumtreeFixture.SELF;
import static io.barrel.p2p.broadcast.PlumtreeFixture.T0;
import static io.barrel.p2p.broadcast.PlumtreeFixture.TOPIC;
import static io.barrel.p2p.broadcast.PlumtreeFixture.at;
import static io.barrel.p2p.broadcast.PlumtreeFixture.bytes;
import static io.barrel.p2p.broadcast.PlumtreeFixture.delivers;
import static io.barrel.p2p.broadcast.PlumtreeFixture.id;
import static io.barrel.p2p.broadcast.PlumtreeFixture.makeLazy;
import static io.barrel.p2p.broadcast.PlumtreeFixture.node;
import static io.barrel.p2p.broadcast.PlumtreeFixture.schedules;
import static io.barrel.p2p.broadcast.PlumtreeFixture.sends;
import static io.barrel.p2p.broadcast.PlumtreeFixture.sentTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class PlumtreeBroadcastTest {

  @Test
  void broadcastGossipsToEagerPeersWithHopCountOne() {
    Plumtree node = node(A, B);

    List<PlumtreeEffect> effects = node.broadcast(id(1), TOPIC, bytes("hello"), T0);

    BroadcastMessage.Gossip expected = new BroadcastMessage.Gossip(id(1), TOPIC, bytes("hello"), 1, SELF);
    assertThat(sends(effects)).containsExactly(new PlumtreeEffect.Send(A, expected),
        new PlumtreeEffect.Send(B, expected));
  }

  @Test
  void broadcastQueuesAnIHaveForLazyPeersBehindOneFlushTimer() {
    Plumtree node = node(A, B, C);
    makeLazy(node, B, C);

    List<PlumtreeEffect> effects = node.broadcast(id(1), TOPIC, bytes("x"), T0);

    assertThat(sentTo(effects, B)).isEmpty();
    assertThat(schedules(effects)).containsExactly(
        new PlumtreeEffect.Schedule(new PlumtreeTimer.IHaveFlush(), Duration.ofMillis(50)));
    List<PlumtreeEffect> flushed = node.onTimer(new PlumtreeTimer.IHaveFlush(), at(Duration.ofMillis(50)));
    BroadcastMessage.IHave announcement = new BroadcastMessage.IHave(
        List.of(new BroadcastMessage.Announcement(id(1), SELF, 1)));
    assertThat(sends(flushed)).containsExactly(new PlumtreeEffect.Send(B, announcement),
        new PlumtreeEffect.Send(C, announcement));
  }

  @Test
  void neverDeliversOwnBroadcast() {
    Plumtree node = node(A, B);

    List<PlumtreeEffect> effects = node.broadcast(id(1), TOPIC, bytes("mine"), T0);
    BroadcastMessage.Gossip echo = new BroadcastMessage.Gossip(id(1), TOPIC, bytes("mine"), 3, SELF);
    List<PlumtreeEffect> echoed = node.onMessage(A, echo, T0 + 1);

    assertThat(delivers(effects)).isEmpty();
    assertThat(delivers(echoed)).isEmpty();
    assertThat(sentTo(echoed, A)).containsExactly(new BroadcastMessage.Prune(SELF));
    assertThat(node.lazyPeers(SELF)).containsExactly(A);
  }

  @Test
  void neverDeliversOwnBroadcastEvenAfterItsIdIsForgotten() {
    Plumtree node = node(PlumtreeConfig.defaults().withSeenSet(1, Duration.ofMinutes(5)), A);
    node.broadcast(id(1), TOPIC, bytes("mine"), T0);
    node.broadcast(id(2), TOPIC, bytes("evicts the first id"), T0);

    BroadcastMessage.Gossip echo = new BroadcastMessage.Gossip(id(1), TOPIC, bytes("mine"), 2, SELF);
    List<PlumtreeEffect> echoed = node.onMessage(A, echo, T0 + 1);

    assertThat(delivers(echoed)).isEmpty();
    assertThat(sentTo(echoed, A)).containsExactly(new BroadcastMessage.Prune(SELF));
  }

  @Test
  void broadcastWithAnIdAlreadySeenIsIgnored() {
    Plumtree node = node(A);
    node.broadcast(id(1), TOPIC, bytes("once"), T0);

    assertThat(node.broadcast(id(1), TOPIC, bytes("once"), T0 + 1)).isEmpty();
  }

  @Test
  void broadcastWithoutAnIdDrawsAFreshOneFromTheInjectedSource() {
    Plumtree node = node(A);
    MessageId expected = MessageId.random(new SplittableRandom(42));

    List<PlumtreeEffect> effects = node.broadcast(TOPIC, bytes("x"), T0);

    assertThat(((BroadcastMessage.Gossip) sends(effects).get(0).message()).id()).isEqualTo(expected);
  }

  @Test
  void broadcastRefusesAPayloadOverTheLimit() {
    Plumtree node = node(PlumtreeConfig.defaults().withMaxPayloadBytes(16), A);

    assertThatThrownBy(() -> node.broadcast(TOPIC, new byte[17], T0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("barrel.p2p.broadcast.max-payload-bytes");
    assertThat(node.broadcast(TOPIC, new byte[16], T0)).isNotEmpty();
  }

  @Test
  void broadcastWithNoNeighboursHasNoEffects() {
    Plumtree node = node();

    assertThat(node.broadcast(TOPIC, bytes("alone"), T0)).isEmpty();
    assertThat(node.stats().seenMessages()).isEqualTo(1);
  }

  @Test
  void ownBroadcastIsKeptToAnswerAGraft() {
    Plumtree node = node(A, B);
    makeLazy(node, B);
    node.broadcast(id(1), TOPIC, bytes("kept"), T0);

    List<PlumtreeEffect> effects =
        node.onMessage(B, new BroadcastMessage.Graft(id(1), SELF, 1, true), at(Duration.ofSeconds(2)));

    assertThat(sentTo(effects, B)).containsExactly(
        new BroadcastMessage.Gossip(id(1), TOPIC, bytes("kept"), 1, SELF));
    assertThat(node.eagerPeers(SELF)).containsExactly(A, B);
  }
}
