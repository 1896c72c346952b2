package io.barrel.p2p.broadcast;

import static io.barrel.p2p.broadcast.PlumtreeFixture.A;
import static io.barrel.p2p.broadcast.PlumtreeFixture.B;
import static io.barrel.p2p.broadcast.PlumtreeFixture.T0;
import static io.barrel.p2p.broadcast.PlumtreeFixture.id;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The bound that lets the seen-set, the payload cache and the root trees skip their expiry pass:
 * it must never skip a pass that would remove something, whatever order the times come in.
 */
class ExpiryBoundTest {

  private static final long AGE = 10;

  @Test
  void emptyCollectionIsNeverDue() {
    ExpiryBound bound = new ExpiryBound();

    assertThat(bound.due(Long.MAX_VALUE - 1, AGE)).isFalse();
    assertThat(bound.due(Long.MIN_VALUE, AGE)).isFalse();
  }

  @Test
  void dueOnceTheOldestEntryReachesTheAge() {
    ExpiryBound bound = new ExpiryBound();
    bound.added(100);
    bound.added(105);

    assertThat(bound.due(109, AGE)).isFalse();
    assertThat(bound.due(110, AGE)).isTrue();
  }

  @Test
  void inOrderTheBoundMovesUpToTheHeadThatStoppedThePass() {
    ExpiryBound bound = new ExpiryBound();
    bound.added(100);
    bound.added(105);

    bound.expired(105); // the pass at 110 removed the entry of 100
    assertThat(bound.due(114, AGE)).isFalse();
    assertThat(bound.due(115, AGE)).isTrue();

    bound.expired(ExpiryBound.NONE); // and the one at 115 emptied it
    assertThat(bound.due(1_000, AGE)).isFalse();
  }

  @Test
  void anEntryAppendedEarlierThanTheOneBeforeKeepsTheBoundAtTheEarliest() {
    ExpiryBound bound = new ExpiryBound();
    bound.added(100);
    bound.added(90); // a clock that stepped back: the head's time no longer bounds the rest

    bound.expired(100);

    assertThat(bound.due(100, AGE)).as("the entry of 90 is 10 old").isTrue();
  }

  @Test
  void aRestampedEntryKeepsTheBoundAtTheEarliestAppended() {
    ExpiryBound bound = new ExpiryBound();
    bound.added(100);
    bound.added(105);
    bound.added(120); // the entry of 100 restamped in place: the head is now 120, the next one 105
    bound.restamped();

    bound.expired(120);

    assertThat(bound.due(115, AGE)).as("the entry of 105 is 10 old").isTrue();
  }

  @Test
  void emptyingTheCollectionStartsAfreshInOrder() {
    ExpiryBound bound = new ExpiryBound();
    bound.added(100);
    bound.added(90);
    bound.expired(ExpiryBound.NONE);

    bound.added(200);
    bound.added(205);
    bound.expired(205);

    assertThat(bound.due(214, AGE)).isFalse();
  }

  @Test
  void seenSetStillExpiresAnIdBehindAHeadFromALaterClockReading() {
    SeenMessages seen = new SeenMessages(100, AGE);
    seen.add(id(1), T0 + 100, 1, A);
    seen.add(id(2), T0 + 90, 1, B); // appended after, stamped earlier

    seen.expire(T0 + 105); // nothing is due at the head yet
    seen.expire(T0 + 110);

    assertThat(seen.contains(id(1))).isFalse();
    assertThat(seen.contains(id(2))).isFalse();
  }

  @Test
  void payloadCacheExpiresEachPayloadOnceItIsOld() {
    PayloadCache cache = new PayloadCache(100, 1 << 20, AGE);
    BroadcastMessage.Gossip first = PlumtreeFixture.gossip(id(1), 1);
    BroadcastMessage.Gossip second = PlumtreeFixture.gossip(id(2), 1);
    cache.put(first, T0);
    cache.put(second, T0 + 5);

    cache.expire(T0 + 9);
    assertThat(cache.size()).isEqualTo(2);
    cache.expire(T0 + 10);
    assertThat(cache.get(first.id(), T0 + 10)).isNull();
    assertThat(cache.get(second.id(), T0 + 10)).isNotNull();
    cache.expire(T0 + 15);
    assertThat(cache.size()).isZero();
  }
}
