package io.barrel.p2p.simulation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The calendar queue gives events back in (time, creation) order, near and far ones alike. */
class SimulationAgendaTest {

  private long seq;

  private EventQueue.Event event(long at) {
    return new EventQueue.Event(at, seq++, EventQueue.Kind.MEMBERSHIP_TIMER, 0, -1, null, 0);
  }

  @Test
  void eventsOfOneMillisecondComeOutInTheOrderTheyWereQueued() {
    EventQueue queue = new EventQueue();
    List<EventQueue.Event> queued = List.of(event(5), event(5), event(5));
    queued.forEach(queue::add);
    assertThat(List.of(queue.poll(), queue.poll(), queue.poll())).containsExactlyElementsOf(queued);
    assertThat(queue.isEmpty()).isTrue();
  }

  @Test
  void randomTimesNearAndBeyondTheWindowComeOutSortedWhileEventsKeepArriving() {
    EventQueue queue = new EventQueue();
    SplittableRandom random = new SplittableRandom(7);
    List<EventQueue.Event> out = new ArrayList<>();
    long now = 0;
    int pending = 0;
    for (int i = 0; i < 200_000; i++) {
      if (pending == 0 || random.nextInt(3) > 0) {
        // Mostly near events, some minutes ahead: the overflow heap and its migration are exercised.
        long delay = random.nextInt(10) == 0 ? random.nextLong(600_000) : random.nextInt(200);
        queue.add(event(now + delay));
        pending++;
      } else {
        EventQueue.Event e = queue.poll();
        now = e.at;
        out.add(e);
        pending--;
      }
    }
    while (!queue.isEmpty()) {
      out.add(queue.poll());
    }
    assertThat(out).isSortedAccordingTo(Comparator.<EventQueue.Event>comparingLong(e -> e.at)
        .thenComparingLong(e -> e.seq));
  }

  @Test
  void anEventEarlierThanTheLastOneTakenIsRefused() {
    EventQueue queue = new EventQueue();
    queue.add(event(100));
    queue.poll();
    assertThatThrownBy(() -> queue.add(event(99))).isInstanceOf(IllegalArgumentException.class);
  }
}
