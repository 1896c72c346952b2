package io.barrel.p2p.broadcast;

import static io.barrel.p2p.broadcast.PlumtreeFixture.A;
import static io.barrel.p2p.broadcast.PlumtreeFixture.B;
import static io.barrel.p2p.broadcast.PlumtreeFixture.C;
import static io.barrel.p2p.broadcast.PlumtreeFixture.ORIGIN;
import static io.barrel.p2p.broadcast.PlumtreeFixture.SELF;
import static io.barrel.p2p.broadcast.PlumtreeFixture.T0;
import static io.barrel.p2p.broadcast.PlumtreeFixture.TOPIC;
import static io.barrel.p2p.broadcast.PlumtreeFixture.atMillis;
import static io.barrel.p2p.broadcast.PlumtreeFixture.bytes;
import static io.barrel.p2p.broadcast.PlumtreeFixture.gossip;
import static io.barrel.p2p.broadcast.PlumtreeFixture.id;
import static io.barrel.p2p.broadcast.PlumtreeFixture.ihave;
import static io.barrel.p2p.broadcast.PlumtreeFixture.makeLazy;
import static io.barrel.p2p.broadcast.PlumtreeFixture.node;
import static io.barrel.p2p.broadcast.PlumtreeFixture.schedules;
import static io.barrel.p2p.broadcast.PlumtreeFixture.sends;
import static io.barrel.p2p.broadcast.PlumtreeFixture.sentTo;
import static org.assertj.core.api.Assertions.assertThat;

import io.barrel.p2p.broadcast.BroadcastMessage.Announcement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PlumtreeIHaveTest {

  private static final PlumtreeTimer.IHaveFlush FLUSH = new PlumtreeTimer.IHaveFlush();

  @Test
  void ihavesAreBatchedPerPeer() {
    Plumtree node = node(A, B, C);
    makeLazy(node, B, C);
    List<PlumtreeEffect> effects = new ArrayList<>();

    effects.addAll(node.broadcast(id(1), TOPIC, bytes("1"), T0));
    effects.addAll(node.onMessage(A, gossip(id(2), 3), atMillis(10)));
    effects.addAll(node.onMessage(C, gossip(id(3), 1), atMillis(20)));

    assertThat(sentTo(effects, B)).isEmpty();
    assertThat(schedules(effects)).hasSize(1);
    List<PlumtreeEffect> flushed = node.onTimer(FLUSH, atMillis(50));
    assertThat(sentTo(flushed, B)).containsExactly(new BroadcastMessage.IHave(List.of(
        new Announcement(id(1), SELF, 1), new Announcement(id(2), ORIGIN, 4), new Announcement(id(3), ORIGIN, 2))));
    // C sent id 3 itself, so it is announced only what it does not have.
    assertThat(sentTo(flushed, C)).containsExactly(new BroadcastMessage.IHave(List.of(
        new Announcement(id(1), SELF, 1), new Announcement(id(2), ORIGIN, 4))));
    assertThat(node.stats().queuedAnnouncements()).isZero();
  }

  @Test
  void theNextAnnouncementAfterAFlushArmsTheTimerAgain() {
    Plumtree node = node(A, B);
    makeLazy(node, B);
    node.broadcast(id(1), TOPIC, bytes("1"), T0);
    node.onTimer(FLUSH, atMillis(50));

    List<PlumtreeEffect> effects = node.broadcast(id(2), TOPIC, bytes("2"), atMillis(60));

    assertThat(schedules(effects)).containsExactly(new PlumtreeEffect.Schedule(FLUSH, Duration.ofMillis(50)));
  }

  @Test
  void aFullBatchIsSentAtOnce() {
    Plumtree node = node(PlumtreeConfig.defaults().withIHaveBatching(Duration.ofMillis(50), 2), A, B);
    makeLazy(node, B);
    node.broadcast(id(1), TOPIC, bytes("1"), T0);

    List<PlumtreeEffect> effects = node.broadcast(id(2), TOPIC, bytes("2"), T0);

    assertThat(sentTo(effects, B)).containsExactly(new BroadcastMessage.IHave(List.of(
        new Announcement(id(1), SELF, 1), new Announcement(id(2), SELF, 1))));
    assertThat(sends(node.onTimer(FLUSH, atMillis(50)))).isEmpty();
  }

  @Test
  void zeroFlushIntervalSendsAnnouncementsAtTheEndOfTheInput() {
    Plumtree node = node(PlumtreeConfig.defaults().withIHaveBatching(Duration.ZERO, 256), A, B);
    makeLazy(node, B);

    List<PlumtreeEffect> effects = node.broadcast(id(1), TOPIC, bytes("1"), T0);

    assertThat(schedules(effects)).isEmpty();
    assertThat(sentTo(effects, B)).containsExactly(ihave(id(1), SELF, 1));
  }

  @Test
  void announcementsForAPeerThatWentDownAreDropped() {
    Plumtree node = node(A, B, C);
    makeLazy(node, B, C);
    node.broadcast(id(1), TOPIC, bytes("1"), T0);

    node.neighbourDown(B, atMillis(10));
    List<PlumtreeEffect> flushed = node.onTimer(FLUSH, atMillis(50));

    assertThat(sentTo(flushed, B)).isEmpty();
    assertThat(sentTo(flushed, C)).hasSize(1);
  }

  @Test
  void ihaveForAMessageAlreadyReceivedIsIgnored() {
    Plumtree node = node(A, B);
    node.onMessage(A, gossip(id(1), 1), T0);

    assertThat(node.onMessage(B, ihave(id(1), 1), atMillis(10))).isEmpty();
    assertThat(node.stats().missingMessages()).isZero();
  }

  @Test
  void ihaveForAnUnknownMessageArmsOneGraftTimerWhateverTheNumberOfAnnouncers() {
    Plumtree node = node(A, B, C);

    List<PlumtreeEffect> first = node.onMessage(B, ihave(id(1), 2), T0);
    List<PlumtreeEffect> second = node.onMessage(C, ihave(id(1), 3), atMillis(5));

    assertThat(first).containsExactly(new PlumtreeEffect.Schedule(
        new PlumtreeTimer.GraftTimer(id(1), 0), Duration.ofSeconds(1)));
    assertThat(second).isEmpty();
    assertThat(node.stats().missingMessages()).isEqualTo(1);
  }

  @Test
  void oneIHaveMayAnnounceSeveralMissingMessages() {
    Plumtree node = node(A, B);

    List<PlumtreeEffect> effects = node.onMessage(B, new BroadcastMessage.IHave(List.of(
        new Announcement(id(1), ORIGIN, 1), new Announcement(id(2), ORIGIN, 1))), T0);

    assertThat(effects).containsExactly(
        new PlumtreeEffect.Schedule(new PlumtreeTimer.GraftTimer(id(1), 0), Duration.ofSeconds(1)),
        new PlumtreeEffect.Schedule(new PlumtreeTimer.GraftTimer(id(2), 0), Duration.ofSeconds(1)));
  }

  @Test
  void ihaveForOwnBroadcastIsIgnored() {
    Plumtree node = node(A, B);
    node.broadcast(id(1), TOPIC, bytes("mine"), T0);

    assertThat(node.onMessage(B, ihave(id(1), SELF, 2), atMillis(10))).isEmpty();
  }
}
