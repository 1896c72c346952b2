package io.barrel.p2p.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.barrel.p2p.NodeName;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The registry's pull-based mailbox on its own: order, bounds, waiting, closing. */
class ServiceEventQueueTest {

  private final ExecutorService readers = Executors.newCachedThreadPool();
  private final AtomicInteger closes = new AtomicInteger();

  @AfterEach
  void stop() {
    readers.shutdownNow();
  }

  private ServiceEventQueue queue(int capacity) {
    return new ServiceEventQueue(ServiceFilter.all(), capacity, q -> closes.incrementAndGet());
  }

  private static ServiceEvent registered(String id) {
    return new ServiceEvent.Registered(instance(id));
  }

  private static ServiceInstance instance(String id) {
    return new ServiceInstance("svc", NodeName.of("a@127.0.0.1"), 1L, id, ServiceMetadata.EMPTY);
  }

  @Test
  void eventsComeOutInTheOrderTheyWentIn() {
    ServiceEventQueue q = queue(8);
    for (int i = 0; i < 5; i++) {
      assertThat(q.offer(registered("i" + i))).isTrue();
    }
    assertThat(q.size()).isEqualTo(5);
    List<ServiceEvent> out = new ArrayList<>();
    assertThat(q.drainTo(out, 2)).isEqualTo(2);
    out.add(q.poll());
    assertThat(q.drainTo(out, 10)).isEqualTo(2);
    assertThat(out).containsExactly(registered("i0"), registered("i1"), registered("i2"), registered("i3"),
        registered("i4"));
    assertThat(q.poll()).isNull();
    assertThat(q.missed()).isZero();
  }

  @Test
  void aFullMailboxDropsTheNewEventAndCountsIt() {
    ServiceEventQueue q = queue(2);
    assertThat(q.offer(registered("a"))).isTrue();
    assertThat(q.offer(registered("b"))).isTrue();
    assertThat(q.offer(registered("c"))).isFalse();
    assertThat(q.offer(registered("d"))).isFalse();
    assertThat(q.missed()).isEqualTo(2);
    assertThat(q.size()).isEqualTo(2);
    assertThat(q.poll()).isEqualTo(registered("a"));
    // Room again: the next one fits, the dropped ones are not replayed.
    assertThat(q.offer(registered("e"))).isTrue();
    assertThat(q.poll()).isEqualTo(registered("b"));
    assertThat(q.poll()).isEqualTo(registered("e"));
    assertThat(q.missed()).isEqualTo(2);
  }

  @Test
  void pollWithATimeoutReturnsNullWhenNothingComes() throws Exception {
    ServiceEventQueue q = queue(4);
    assertThat(q.poll(Duration.ofMillis(20))).isNull();
    assertThat(q.poll(Duration.ZERO)).isNull();
    q.offer(registered("x"));
    assertThat(q.poll(Duration.ZERO)).isEqualTo(registered("x"));
  }

  @Test
  void aWaitingReaderIsWokenByTheNextEvent() throws Exception {
    ServiceEventQueue q = queue(4);
    Future<ServiceEvent> taken = readers.submit(q::take);
    Future<ServiceEvent> polled = readers.submit(() -> q.poll(Duration.ofMinutes(1)));
    await().atMost(Duration.ofSeconds(10)).until(() -> waiting(q) == 2);
    q.offer(registered("one"));
    q.offer(registered("two"));
    List<ServiceEvent> got = List.of(taken.get(), polled.get());
    assertThat(got).containsExactlyInAnyOrder(registered("one"), registered("two"));
  }

  @Test
  void closingWakesEveryReaderAndLeavesWhatIsInsideReadable() throws Exception {
    ServiceEventQueue q = queue(4);
    Future<ServiceEvent> taken = readers.submit(q::take);
    Future<ServiceEvent> polled = readers.submit(() -> q.poll(Duration.ofMinutes(1)));
    await().atMost(Duration.ofSeconds(10)).until(() -> waiting(q) == 2);
    q.close();
    assertThat(taken.get()).isNull();
    assertThat(polled.get()).isNull();
    assertThat(q.isClosed()).isTrue();
    assertThat(closes.get()).isEqualTo(1);
    q.close();
    assertThat(closes.get()).as("close is idempotent").isEqualTo(1);

    ServiceEventQueue full = queue(4);
    full.offer(registered("kept"));
    full.close();
    assertThat(full.offer(registered("late"))).as("a closed mailbox ignores events, uncounted").isTrue();
    assertThat(full.missed()).isZero();
    assertThat(full.take()).isEqualTo(registered("kept"));
    assertThat(full.take()).isNull();
  }

  @Test
  void anInterruptedReaderStopsWaiting() throws Exception {
    ServiceEventQueue q = queue(4);
    CompletableFuture<Throwable> outcome = new CompletableFuture<>();
    Thread reader = new Thread(() -> {
      try {
        q.take();
        outcome.complete(null);
      } catch (Throwable t) {
        outcome.complete(t);
      }
    });
    reader.start();
    await().atMost(Duration.ofSeconds(10)).until(() -> waiting(q) == 1);
    reader.interrupt();
    assertThat(outcome.get()).isInstanceOf(InterruptedException.class);
  }

  @Test
  void aCapacityBelowOneIsRefused() {
    assertThatThrownBy(() -> queue(0)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("capacity");
  }

  /** Readers parked in the mailbox, read through its lock the way the registry's turn does. */
  private static int waiting(ServiceEventQueue q) {
    return q.waitingReaders();
  }
}
