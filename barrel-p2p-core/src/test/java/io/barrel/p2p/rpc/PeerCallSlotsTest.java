package io.barrel.p2p.rpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.barrel.p2p.NodeName;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The per-peer bound on calls in flight: waiting in line, giving a place up, and handing slots over. */
class PeerCallSlotsTest {

  private static final NodeName PEER = NodeName.of("b@127.0.0.1");

  @Test
  void aCallThatGaveUpWhileWaitingIsSkippedAndTheNextOneTakesTheSlot() {
    PeerCallSlots slots = new PeerCallSlots(1, 10);
    assertThat(slots.acquire(PEER, "m")).isCompleted();
    CompletableFuture<Void> gaveUp = slots.acquire(PEER, "m");
    CompletableFuture<Void> next = slots.acquire(PEER, "m");

    gaveUp.cancel(false);
    slots.release(PEER);

    assertThat(next).isCompleted();
    assertThat(slots.inFlight(PEER)).isEqualTo(1);
    assertThat(slots.waiting(PEER)).isZero();
    slots.release(PEER);
    assertThat(slots.inFlight(PEER)).isZero();
  }

  @Test
  void callsThatGaveUpDoNotHoldPlacesInAFullLine() {
    PeerCallSlots slots = new PeerCallSlots(1, 3);
    slots.acquire(PEER, "m");
    List<CompletableFuture<Void>> line = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      line.add(slots.acquire(PEER, "m"));
    }
    assertThat(slots.acquire(PEER, "m")).as("the line is full").isCompletedExceptionally();

    line.forEach(f -> f.cancel(false)); // their deadlines passed

    CompletableFuture<Void> late = slots.acquire(PEER, "m");
    assertThat(late).as("a place in line, not overloaded").isNotDone();
    slots.release(PEER);
    assertThat(late).isCompleted();
  }

  @Test
  void aLongLineOfCallsThatEndAsTheyGetTheirSlotDoesNotNestOneFrameEach() {
    int waiters = 100_000; // nested one frame each, this many overflow any default thread stack
    PeerCallSlots slots = new PeerCallSlots(1, waiters);
    slots.acquire(PEER, "m");
    AtomicInteger served = new AtomicInteger();
    for (int i = 0; i < waiters; i++) {
      // Like a call that ended while it waited: given the slot, it releases it at once.
      slots.acquire(PEER, "m").thenRun(() -> {
        served.incrementAndGet();
        slots.release(PEER);
      });
    }

    slots.release(PEER);

    assertThat(served).hasValue(waiters);
    assertThat(slots.inFlight(PEER)).isZero();
    assertThat(slots.waiting(PEER)).isZero();
  }
}
