package io.barrel.p2p.broadcast;

import static io.barrel.p2p.broadcast.PlumtreeFixture.A;
import static io.barrel.p2p.broadcast.PlumtreeFixture.B;
import static io.barrel.p2p.broadcast.PlumtreeFixture.T0;
import static io.barrel.p2p.broadcast.PlumtreeFixture.TOPIC;
import static io.barrel.p2p.broadcast.PlumtreeFixture.at;
import static io.barrel.p2p.broadcast.PlumtreeFixture.delivers;
import static io.barrel.p2p.broadcast.PlumtreeFixture.gossip;
import static io.barrel.p2p.broadcast.PlumtreeFixture.id;
import static io.barrel.p2p.broadcast.PlumtreeFixture.node;
import static io.barrel.p2p.broadcast.PlumtreeFixture.sentTo;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The bounded memories: the seen-set and the payload cache (the reference system bounds neither by count). */
class PlumtreeMemoryTest {

  private static final long SECOND = Duration.ofSeconds(1).toNanos();

  @Test
  void seenSetEvictsByAgeAndCount() {
    SeenMessages seen = new SeenMessages(3, 10 * SECOND);
    for (int i = 1; i <= 4; i++) {
      seen.add(id(i), T0 + i * SECOND, 1, A);
    }

    assertThat(seen.contains(id(1))).as("evicted by count").isFalse();
    assertThat(seen.size()).isEqualTo(3);

    seen.expire(T0 + 12 * SECOND);

    assertThat(seen.contains(id(2))).as("10 s old").isFalse();
    assertThat(seen.contains(id(3))).isTrue();
    assertThat(seen.contains(id(4))).isTrue();
  }

  @Test
  void messageOlderThanTheSeenWindowCountsAsNewAgain() {
    Plumtree node = node(PlumtreeConfig.defaults().withSeenSet(1000, Duration.ofSeconds(10)), A, B);
    node.onMessage(A, gossip(id(1), 2), T0);

    assertThat(delivers(node.onMessage(B, gossip(id(1), 2), at(Duration.ofSeconds(9))))).isEmpty();
    assertThat(delivers(node.onMessage(B, gossip(id(1), 2), at(Duration.ofSeconds(20))))).hasSize(1);
  }

  @Test
  void seenSetSizeIsBoundedUnderABurst() {
    Plumtree node = node(PlumtreeConfig.defaults().withSeenSet(100, Duration.ofMinutes(5)), A);

    for (int i = 0; i < 1000; i++) {
      node.onMessage(A, gossip(id(i), 1), T0 + i);
    }

    assertThat(node.stats().seenMessages()).isEqualTo(100);
    assertThat(node.stats().cachedPayloads()).isLessThanOrEqualTo(PlumtreeConfig.defaults().payloadCacheMaxCount());
  }

  @Test
  void payloadCacheEvictsByCount() {
    PayloadCache cache = new PayloadCache(2, 1 << 20, 60 * SECOND);
    cache.put(gossip(id(1), 1), T0);
    cache.put(gossip(id(2), 1), T0);
    cache.put(gossip(id(3), 1), T0);

    assertThat(cache.get(id(1), T0)).isNull();
    assertThat(cache.get(id(2), T0)).isNotNull();
    assertThat(cache.size()).isEqualTo(2);
  }

  @Test
  void payloadCacheEvictsByTotalBytes() {
    PayloadCache cache = new PayloadCache(100, 25, 60 * SECOND);
    BroadcastMessage.Gossip ten = new BroadcastMessage.Gossip(id(1), TOPIC, new byte[10], 1, A);
    cache.put(ten, T0);
    cache.put(new BroadcastMessage.Gossip(id(2), TOPIC, new byte[10], 1, A), T0);
    cache.put(new BroadcastMessage.Gossip(id(3), TOPIC, new byte[10], 1, A), T0);

    assertThat(cache.get(id(1), T0)).isNull();
    assertThat(cache.bytes()).isEqualTo(20);
  }

  @Test
  void payloadCacheEvictsByAgeAndNeverServesAnExpiredPayload() {
    PayloadCache cache = new PayloadCache(100, 1 << 20, 5 * SECOND);
    cache.put(gossip(id(1), 1), T0);
    cache.put(gossip(id(2), 1), T0 + 3 * SECOND);

    assertThat(cache.get(id(1), T0 + 5 * SECOND)).as("served only while younger than the max age").isNull();
    cache.expire(T0 + 6 * SECOND);
    assertThat(cache.size()).isEqualTo(1);
    assertThat(cache.bytes()).isEqualTo(gossip(id(2), 1).payload().length);
  }

  @Test
  void graftAfterThePayloadAgedOutGetsNoPayload() {
    Plumtree node = node(PlumtreeConfig.defaults().withPayloadCache(100, Duration.ofSeconds(6), 1 << 20), A, B);
    node.onMessage(A, gossip(id(1), 2), T0);

    assertThat(sentTo(node.onMessage(B, new BroadcastMessage.Graft(id(1), PlumtreeFixture.ORIGIN, 3, true), at(Duration.ofSeconds(5))), B))
        .hasSize(1);
    assertThat(sentTo(node.onMessage(B, new BroadcastMessage.Graft(id(1), PlumtreeFixture.ORIGIN, 3, true), at(Duration.ofSeconds(7))), B))
        .isEmpty();
    assertThat(node.stats().cachedPayloads()).isZero();
  }
  @Test
  void eachMemoryExpiresAtItsOwnAgeWhateverTheOthersDo() {
    // Payloads kept 6 s, ids 20 s; messages arrive every 4 s, so passes for one memory keep
    // happening while the other has nothing due, and both must still expire exactly on time.
    Plumtree node = node(PlumtreeConfig.defaults().withSeenSet(1000, Duration.ofSeconds(20))
        .withPayloadCache(100, Duration.ofSeconds(6), 1 << 20), A, B);
    for (int i = 0; i < 10; i++) {
      node.onMessage(A, gossip(id(i), 2), at(Duration.ofSeconds(4L * i)));
    }
    // at 36 s: ids from 20 s on (16 s old or less) are still seen, payloads from 32 s on are cached
    PlumtreeStats stats = node.stats();
    assertThat(stats.seenMessages()).isEqualTo(5);
    assertThat(stats.cachedPayloads()).isEqualTo(2);
    assertThat(delivers(node.onMessage(B, gossip(id(5), 2), at(Duration.ofSeconds(36))))).as("16 s old: still seen")
        .isEmpty();
    assertThat(delivers(node.onMessage(B, gossip(id(4), 2), at(Duration.ofSeconds(36))))).as("20 s old: new again")
        .hasSize(1);
    assertThat(sentTo(node.onMessage(B, new BroadcastMessage.Graft(id(8), PlumtreeFixture.ORIGIN, 3, true),
        at(Duration.ofSeconds(37))), B)).as("5 s old: cached").hasSize(1);
    assertThat(sentTo(node.onMessage(B, new BroadcastMessage.Graft(id(7), PlumtreeFixture.ORIGIN, 3, true),
        at(Duration.ofSeconds(37))), B)).as("9 s old: aged out").isEmpty();
    // at 40 s the id of 20 s is 20 s old: forgotten, so its copy counts as new again
    assertThat(delivers(node.onMessage(B, gossip(id(5), 2), at(Duration.ofSeconds(40))))).hasSize(1);
  }
}
