package io.barrel.p2p.broadcast;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class MessageIdTest {

  @Test
  void printsAs32HexDigitsHighBitsFirst() {
    assertThat(new MessageId(0x0102030405060708L, -1L).toString()).isEqualTo("0102030405060708ffffffffffffffff");
  }

  @Test
  void sameSeedGivesTheSameIds() {
    assertThat(MessageId.random(new SplittableRandom(7))).isEqualTo(MessageId.random(new SplittableRandom(7)));
  }

  @Test
  void randomIdsDoNotRepeat() {
    SplittableRandom random = new SplittableRandom(1);
    Set<MessageId> ids = new HashSet<>();
    for (int i = 0; i < 100_000; i++) {
      ids.add(MessageId.random(random));
    }
    assertThat(ids).hasSize(100_000);
  }

  @Test
  void ordersAsUnsigned128BitNumbers() {
    assertThat(new MessageId(-1L, 0)).isGreaterThan(new MessageId(1L, 0));
    assertThat(new MessageId(1L, -1L)).isGreaterThan(new MessageId(1L, 2L));
    assertThat(new MessageId(3, 4)).isEqualByComparingTo(new MessageId(3, 4));
  }
}
