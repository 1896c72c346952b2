package io.barrel.p2p.broadcast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * The flat log under the seen-set and the payload cache, checked operation by operation against a
 * {@code LinkedHashMap}, which has the semantics it replaces: find, in-place updates, arrival order,
 * removal from the head, and the growing and shrinking in between.
 */
class ArrivalLogTest {

  private record Entry(long time, int number, String value) {}

  @Property(tries = 300)
  void behavesAsAnInsertionOrderedMap(@ForAll long seed, @ForAll @IntRange(min = 1, max = 3000) int steps,
      @ForAll @IntRange(min = 1, max = 400) int idSpace) {
    Random random = new Random(seed);
    ArrivalLog<String> log = new ArrivalLog<>();
    LinkedHashMap<MessageId, Entry> model = new LinkedHashMap<>();
    long clock = 0;
    for (int step = 0; step < steps; step++) {
      // Ids from a small space, some sharing a high or a low half with others, so lookups meet
      // equal halves, present and absent ids, and long probe runs after deletions.
      MessageId id = new MessageId(random.nextInt(idSpace) % 7, random.nextInt(idSpace));
      int op = random.nextInt(10);
      if (op < 5) {
        clock++;
        int position = log.find(id);
        Entry entry = new Entry(clock, random.nextInt(), "v" + clock);
        if (position >= 0) {
          log.set(position, entry.time(), entry.number(), entry.value());
        } else {
          log.append(id, entry.time(), entry.number(), entry.value());
        }
        model.put(id, entry);
      } else if (op < 7 && !model.isEmpty()) {
        // Drain a run from the head, sometimes all of it, so the ring shrinks as well as grows.
        int drain = 1 + random.nextInt(random.nextBoolean() ? model.size() : 3);
        for (int i = 0; i < drain && !model.isEmpty(); i++) {
          MessageId oldest = model.keySet().iterator().next();
          assertThat(log.find(oldest)).isEqualTo(log.oldest());
          model.remove(oldest);
          log.removeOldest();
        }
      } else if (op == 7) {
        int position = log.find(id);
        if (position >= 0) {
          Entry old = model.get(id);
          Entry entry = new Entry(old.time(), random.nextInt(), "r" + step);
          log.set(position, entry.number(), entry.value());
          model.put(id, entry);
        }
      } else {
        int position = log.find(id);
        Entry expected = model.get(id);
        if (expected == null) {
          assertThat(position).isEqualTo(-1);
        } else {
          assertThat(position).isNotNegative();
          assertThat(new Entry(log.time(position), log.number(position), log.value(position))).isEqualTo(expected);
        }
      }
      assertThat(log.size()).isEqualTo(model.size());
    }
    assertThat(contents(log)).containsExactlyElementsOf(model.values());
    for (MessageId id : model.keySet()) {
      assertThat(log.find(id)).isNotNegative();
    }
  }

  @Test
  void keepsArrivalOrderAcrossGrowingAndShrinking() {
    ArrivalLog<String> log = new ArrivalLog<>();
    for (int i = 0; i < 1000; i++) {
      log.append(new MessageId(i, -i), i, i, "m" + i);
    }
    for (int i = 0; i < 990; i++) {
      assertThat(log.value(log.oldest())).isEqualTo("m" + i);
      log.removeOldest();
    }
    for (int i = 1000; i < 1020; i++) {
      log.append(new MessageId(i, -i), i, i, "m" + i);
    }

    List<String> values = new ArrayList<>();
    for (Entry e : contents(log)) {
      values.add(e.value());
    }
    assertThat(values).hasSize(30).startsWith("m990", "m991").endsWith("m1019");
    assertThat(log.find(new MessageId(5, -5))).as("removed long ago").isEqualTo(-1);
    assertThat(log.find(new MessageId(995, -995))).isNotNegative();
  }

  @Test
  void anEmptyLogHasNoOldestAndRefusesToRemove() {
    ArrivalLog<String> log = new ArrivalLog<>();

    assertThat(log.oldest()).isEqualTo(-1);
    assertThat(log.isEmpty()).isTrue();
    assertThatThrownBy(log::removeOldest).isInstanceOf(IllegalStateException.class).hasMessageContaining("empty");
  }

  /** Every entry, oldest first. */
  private static List<Entry> contents(ArrivalLog<String> log) {
    List<Entry> out = new ArrayList<>();
    for (int rank = 0; rank < log.size(); rank++) {
      int p = log.positionOf(rank);
      out.add(new Entry(log.time(p), log.number(p), log.value(p)));
    }
    return out;
  }
}
