package io.barrel.p2p.membership;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The protocol loop's turn: one task at a time, callers' order kept, idle calls run inline. */
class ProtocolLoopTest {

  @Test
  void aCallOnAnIdleLoopRunsOnTheCallersThreadInTheLoopsTurn() {
    try (ProtocolLoop loop = new ProtocolLoop("t")) {
      AtomicReference<Thread> ranOn = new AtomicReference<>();
      AtomicBoolean inLoop = new AtomicBoolean();
      CompletableFuture<String> result = loop.call(() -> {
        ranOn.set(Thread.currentThread());
        inLoop.set(loop.inLoop());
        return "done";
      });
      assertThat(result).isCompletedWithValue("done");
      assertThat(ranOn.get()).isSameAs(Thread.currentThread());
      assertThat(inLoop).isTrue();
      assertThat(loop.inLoop()).as("the turn is given back").isFalse();
    }
  }

  @Test
  void aCallWaitsBehindTasksTheSameThreadQueuedBefore() throws Exception {
    try (ProtocolLoop loop = new ProtocolLoop("t")) {
      CountDownLatch release = new CountDownLatch(1);
      List<String> order = Collections.synchronizedList(new ArrayList<>());
      loop.execute(() -> {
        awaitLatch(release);
        order.add("queued");
      });
      CompletableFuture<Void> call = loop.call(() -> {
        order.add("call");
        return null;
      });
      assertThat(call).as("queued behind the blocked task, not run inline").isNotDone();
      release.countDown();
      call.get(5, TimeUnit.SECONDS);
      assertThat(order).containsExactly("queued", "call");
    }
  }

  @Test
  void aCallFromInsideATaskIsQueuedAfterIt() throws Exception {
    try (ProtocolLoop loop = new ProtocolLoop("t")) {
      List<String> order = Collections.synchronizedList(new ArrayList<>());
      CompletableFuture<CompletableFuture<Void>> inner = loop.call(() -> {
        CompletableFuture<Void> nested = loop.call(() -> {
          order.add("nested");
          return null;
        });
        order.add("outer");
        return nested;
      });
      inner.get(5, TimeUnit.SECONDS).get(5, TimeUnit.SECONDS);
      assertThat(order).containsExactly("outer", "nested");
    }
  }

  @Test
  void tasksFromManyThreadsAndInlineCallsNeverOverlap() throws Exception {
    try (ProtocolLoop loop = new ProtocolLoop("t")) {
      AtomicInteger running = new AtomicInteger();
      AtomicInteger overlaps = new AtomicInteger();
      int[] counter = {0}; // guarded only by the loop's turn
      Runnable step = () -> {
        if (running.incrementAndGet() != 1) {
          overlaps.incrementAndGet();
        }
        counter[0]++;
        running.decrementAndGet();
      };
      int threads = 4;
      int perThread = 5_000;
      List<Thread> workers = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int id = t;
        Thread w = new Thread(() -> {
          for (int i = 0; i < perThread; i++) {
            if ((i + id) % 3 == 0) {
              loop.execute(step);
            } else if ((i + id) % 3 == 1) {
              loop.schedule(step, Duration.ZERO);
            } else {
              loop.call(() -> {
                step.run();
                return null;
              }).join();
            }
          }
        });
        workers.add(w);
        w.start();
      }
      for (Thread w : workers) {
        w.join();
      }
      int total = threads * perThread;
      await().atMost(Duration.ofSeconds(10)).until(() -> loop.call(() -> counter[0]).join() == total);
      assertThat(overlaps).hasValue(0);
    }
  }

  @Test
  void aClosedLoopFailsCallsAndDropsTasks() {
    ProtocolLoop loop = new ProtocolLoop("t");
    loop.close();
    AtomicBoolean ran = new AtomicBoolean();
    loop.execute(() -> ran.set(true));
    assertThat(loop.call(() -> "x")).isCompletedExceptionally();
    assertThat(ran).isFalse();
  }

  @Test
  void callsQueuedWhenTheLoopClosesStillRunIfTheLoopStopsInTime() throws Exception {
    ProtocolLoop loop = new ProtocolLoop("t");
    CountDownLatch release = new CountDownLatch(1);
    loop.execute(() -> awaitLatch(release));
    CompletableFuture<String> call = loop.call(() -> "ran");
    Thread closer = new Thread(loop::close);
    closer.start();
    // Released only once close() waits for the loop, so the call is still queued when it begins.
    await().atMost(Duration.ofSeconds(5)).until(() -> closer.getState() == Thread.State.TIMED_WAITING);
    assertThat(call).isNotDone();
    release.countDown();
    closer.join(5_000);
    assertThat(call).isCompletedWithValue("ran");
  }

  @Test
  void aCallStillQueuedWhenTheLoopGivesUpWaitingFailsInsteadOfHangingItsCaller() {
    ProtocolLoop loop = new ProtocolLoop("t");
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch never = new CountDownLatch(1);
    loop.execute(() -> {
      started.countDown();
      awaitLatch(never); // outlives close()'s wait; close() then interrupts it
    });
    awaitLatch(started);
    CompletableFuture<String> call = loop.call(() -> "ran");
    loop.close();
    assertThat(call).failsWithin(Duration.ofSeconds(1))
        .withThrowableOfType(java.util.concurrent.ExecutionException.class)
        .withCauseInstanceOf(IllegalStateException.class)
        .withMessageContaining("closed before this call ran");
  }

  @Test
  void aFailingTaskDoesNotStopTheLoop() throws Exception {
    try (ProtocolLoop loop = new ProtocolLoop("t")) {
      loop.execute(() -> {
        throw new IllegalStateException("boom");
      });
      assertThat(loop.call(() -> "still here").get(5, TimeUnit.SECONDS)).isEqualTo("still here");
      CompletableFuture<Object> failed = loop.call(() -> {
        throw new IllegalArgumentException("bad");
      });
      assertThat(failed).failsWithin(Duration.ofSeconds(5)).withThrowableOfType(java.util.concurrent.ExecutionException.class)
          .withCauseInstanceOf(IllegalArgumentException.class);
    }
  }

  private static void awaitLatch(CountDownLatch latch) {
    try {
      latch.await(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
